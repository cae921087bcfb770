"""Stalled jobs: a worker process killed (SIGKILL) while it holds a job. asyncmq_recover_stalled
leaves the job alone while the worker lives and heartbeats, puts it back after the kill, and a
new AsyncMQ worker completes it; the row it puts back is the one AsyncMQ's own recovery writes."""

import json
import time

from harness import run

Q = "stalled"
TASK = "interop_tasks.echo"


async def main(h):
    await twins(h)
    await killed(h)


async def twins(h):
    backend = h.backend(h.name("producer"))
    try:
        for q in ("recovered-asyncmq", "recovered-sql"):
            await h.queue(q, backend).add(TASK, ["twin"], job_id="twin")
            await backend.dequeue(q)
            await backend.save_heartbeat(q, "twin", time.time() - 60)
        for entry in await backend.fetch_stalled_jobs(time.time() - 30):
            if entry["queue_name"] == "recovered-asyncmq":
                await backend.reenqueue_stalled(entry["queue_name"], entry["job_data"])
        recovered = await h.rows("SELECT queue_name, job->>'id' FROM asyncmq_recover_stalled('30 seconds')")
        h.eq("stalled: asyncmq_recover_stalled takes back a job whose heartbeat is old", [("recovered-sql", "twin")],
             recovered)
        h.same("stalled: and writes the row AsyncMQ's fetch_stalled_jobs and reenqueue_stalled write",
               await h.job("recovered-asyncmq", "twin"), await h.job("recovered-sql", "twin"))
    finally:
        await backend.close()


async def killed(h):
    await h.val("SELECT asyncmq_enqueue($1, 'interop_tasks.block_if_asked', '[\"stalled\"]', job_id => 'job')", Q)
    first = h.worker_process(Q, block=True)

    async def beating():
        row = await h.job(Q, "job")
        return row if row["status"] == "active" and "heartbeat" in row["data"] else None

    row = await h.poll(beating)
    h.ok("stalled: AsyncMQ's worker process takes the job and heartbeats", bool(row), row)
    if not row:
        return
    active_since, beats, early = row["data"]["active_since"], set(), []

    async def lived():
        early.extend(await h.rows("SELECT queue_name, job->>'id' FROM asyncmq_recover_stalled('1 second')"))
        beats.add((await h.job(Q, "job"))["data"].get("heartbeat"))
        return early or time.time() - active_since > 2.5

    await h.poll(lived)
    # Its heartbeat comes every 0.1 s (_heartbeat_renewal_interval in asyncmq/workers.py, with the
    # short stalled settings of interop_settings.py): a second leaves room for a busy machine.
    h.ok("stalled: while the worker lives and heartbeats, asyncmq_recover_stalled('1 second') returns nothing "
         "for 2.5 s", not early and len(beats) >= 5 and await h.status(Q, "job") == "active",
         f"recovered: {early}", f"heartbeats seen: {len(beats)}")

    await first.kill()

    async def recovered():
        return await h.rows("SELECT queue_name, job::text FROM asyncmq_recover_stalled('1 second')")

    back = await h.poll(recovered, timeout=5)
    job = json.loads(back[0][1]) if back else {}
    h.eq("stalled: once the worker is killed (SIGKILL), asyncmq_recover_stalled puts the job back to wait",
         ([Q], "job", "waiting", False), ([q for q, _ in back], job.get("id"), job.get("status"),
                                          "heartbeat" in job or "active_since" in job))

    second = h.worker_process(Q, block=False)

    async def completed():
        row = await h.job(Q, "job")
        return row if row["status"] == "completed" else None

    done = await h.poll(completed)
    h.eq("stalled: a new AsyncMQ worker process completes it", {"tag": "stalled", "pid": second.proc.pid},
         done and done["data"]["result"])
    await second.stop()


run(main)
