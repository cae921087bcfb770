"""Control both ways: cancelling, pausing and repeatables written by one side act on, and are
seen by, the other."""

import json

from asyncmq.schedulers import _process_backend_repeatables

import interop_tasks
from harness import run
from interop_tasks import RUNS, STARTED

TASK = "interop_tasks.echo"


async def main(h):
    backend = h.backend(h.name("producer"))
    try:
        await cancel(h, backend)
        await pause(h, backend)
        await repeatables(h, backend)
    finally:
        await backend.close()


async def cancel(h, backend):
    q = h.queue("cancel", backend)
    await q.add(TASK, ["cancelled-waiting"], job_id="waiting")
    h.eq("control: asyncmq_cancel of a waiting job that Queue.add wrote", True,
         await h.val("SELECT asyncmq_cancel($1, 'waiting')", q.name))
    h.eq("control: AsyncMQ's is_job_cancelled says so, and the job is gone", (True, None),
         (await q.is_job_cancelled("waiting"), await q.get_job("waiting")))
    # Added again under the cancelled id, it waits; AsyncMQ's dequeue drops it, as its own would.
    await q.add(TASK, ["cancelled-waiting"], job_id="waiting")
    await q.add(TASK, ["after"], job_id="after")
    await q.add("interop_tasks.hold", ["held"], job_id="held")

    async def started():
        return "held" in STARTED

    async with h.worker(q.name, concurrency=2):
        async def after_done():
            return await h.status(q.name, "after") == "completed"
        h.ok("control: AsyncMQ's worker runs the job after it", await h.poll(after_done))
        h.eq("control: and never the cancelled one, whose row it drops", (0, None),
             (len(RUNS["cancelled-waiting"]), await h.job(q.name, "waiting")))

        h.ok("control: AsyncMQ's worker runs a job that will wait", await h.poll(started))
        h.eq("control: asyncmq_cancel of the job AsyncMQ's worker holds", True,
             await h.val("SELECT asyncmq_cancel($1, 'held')", q.name))
        ours = await h.job(q.name, "held")
        twin = h.queue("cancel-twin", backend)
        await twin.add("interop_tasks.hold", ["held"], job_id="held")
        await backend.dequeue(twin.name)
        await twin.cancel_job("held")
        h.same("control: it writes the row AsyncMQ's own cancel_job writes for an active job",
               await h.job(twin.name, "held"), ours)
        h.eq("control: and the marker", [(q.name, "held"), (twin.name, "held")], await h.rows(
            "SELECT queue_name, job_id FROM asyncmq_cancelled_jobs WHERE job_id = 'held' ORDER BY queue_name"))

        interop_tasks.gate("held").set()

        async def held_gone():
            return len(RUNS["held"]) == 1 and await h.job(q.name, "held") is None
        h.ok("control: when the task ends, AsyncMQ's worker drops the cancelled job instead of completing it",
             await h.poll(held_gone), await h.job(q.name, "held"))


async def pause(h, backend):
    q = h.queue("paused", backend)
    await h.val("SELECT asyncmq_pause_queue($1)", q.name)
    h.eq("control: AsyncMQ sees the pause asyncmq_pause_queue wrote", True, await backend.is_queue_paused(q.name))
    await q.add(TASK, ["while-paused"], job_id="job")
    async with h.worker(q.name) as worker:
        async def looked_three_times():
            return worker.paused_answers.count(True) >= 3
        looked = await h.poll(looked_three_times)
        h.ok("control: AsyncMQ's worker, looking again and again, takes nothing from the paused queue",
             looked and await h.status(q.name, "job") == "waiting" and not RUNS["while-paused"],
             worker.paused_answers, await h.status(q.name, "job"))
        await h.val("SELECT asyncmq_resume_queue($1)", q.name)

        async def done():
            return await h.status(q.name, "job") == "completed"
        h.ok("control: after asyncmq_resume_queue it runs the job", await h.poll(done) and len(RUNS["while-paused"]) == 1)

    other = h.queue("paused-by-asyncmq", backend)
    await other.add(TASK, ["not taken"], job_id="job")
    await other.pause()
    h.eq("control: asyncmq_is_queue_paused sees Queue.pause, and asyncmq_dequeue takes nothing", (True, 0),
         (await h.val("SELECT asyncmq_is_queue_paused($1)", other.name),
          await h.val("SELECT count(*) FROM asyncmq_dequeue($1)", other.name)))
    await other.resume()
    h.eq("control: and Queue.resume", (False, 1), (await h.val("SELECT asyncmq_is_queue_paused($1)", other.name),
                                                   await h.val("SELECT count(*) FROM asyncmq_dequeue($1)", other.name)))


async def listed(h, backend, queue):
    """The queue's repeatables as each side lists them: (job_def, next_run, paused), job_def parsed
    (AsyncMQ returns it as a string, the extension as jsonb)."""
    theirs = [(json.loads(r.job_def), r.next_run, r.paused) for r in await backend.list_repeatables(queue)]
    ours = [(json.loads(d), n, p) for d, n, p in await h.rows(
        "SELECT job_def::text, next_run, paused FROM asyncmq_list_repeatables($1)", queue)]
    return (sorted(theirs, key=lambda r: json.dumps(r[0], sort_keys=True)),
            sorted(ours, key=lambda r: json.dumps(r[0], sort_keys=True)))


async def repeatables(h, backend):
    q = h.queue("repeatables", backend)
    every = await q.upsert_repeatable(TASK, every=60, args=["every"])
    cron = await h.val("SELECT asyncmq_upsert_repeatable($1, $2::jsonb)", q.name, json.dumps(
        {"task_id": TASK, "cron": "*/5 * * * *", "args": ["cron"], "kwargs": {}, "retries": 0, "priority": 5}))
    theirs, ours = await listed(h, backend, q.name)
    h.ok("control: repeatables upserted by Queue.upsert_repeatable and asyncmq_upsert_repeatable are listed "
         "identically by both sides", theirs == ours and len(theirs) == 2 and
         # next_run is a timestamptz: the returned floats to the microsecond.
         all(abs(a - b) <= 1e-6 for a, b in zip(sorted([every, cron]), sorted(n for _, n, _ in theirs))),
         theirs, ours, (every, cron))

    again = await h.val("SELECT asyncmq_upsert_repeatable($1, $2::jsonb)", q.name, json.dumps(
        {"task_id": TASK, "every": 60, "args": ["every"], "kwargs": {}, "retries": 0, "priority": 5}))
    h.eq("control: the definition Queue.upsert_repeatable wrote, upserted again in SQL, is the same row", 2,
         await h.val("SELECT count(*) FROM asyncmq_repeatables WHERE queue_name = $1", q.name))
    await q.pause_repeatable({"task_id": TASK, "every": 60, "args": ["every"], "kwargs": {}, "retries": 0,
                              "priority": 5})
    theirs, ours = await listed(h, backend, q.name)
    h.ok("control: Queue.pause_repeatable is seen by asyncmq_list_repeatables",
         theirs == ours and [p for d, _, p in ours if d["args"] == ["every"]] == [True] and
         [n for d, n, _ in ours if d["args"] == ["every"]] == [again], theirs, ours)
    resumed = await h.val("SELECT asyncmq_resume_repeatable($1, $2::jsonb)", q.name, json.dumps(
        {"task_id": TASK, "every": 60, "args": ["every"], "kwargs": {}, "retries": 0, "priority": 5}))
    theirs, ours = await listed(h, backend, q.name)
    h.ok("control: asyncmq_resume_repeatable is seen by AsyncMQ's list_repeatables",
         theirs == ours and [(p, n) for d, n, p in theirs if d["args"] == ["every"]] == [(False, resumed)],
         theirs, ours)

    # What AsyncMQ 0.9.1 itself cannot do: its scheduler reads a due repeatable back from the table
    # as a string (get_due_repeatables) and fails on it (normalize_repeatable_job_def calls
    # .items()), so no repeatable stored in the table ever fires, whichever side stored it.
    await h.val("UPDATE asyncmq_repeatables SET next_run = now() - interval '1 second' WHERE queue_name = $1", q.name)
    try:
        await _process_backend_repeatables(q.name, backend)
        outcome = "fired"
    except AttributeError as e:
        outcome = str(e)
    h.eq("control: AsyncMQ 0.9.1's own scheduler fails on a repeatable stored in the table, as the README says",
         "'str' object has no attribute 'items'", outcome)

    # A definition given to the worker itself does not go through the table, and fires.
    local = {"task_id": TASK, "every": 0.2, "args": ["in-process"]}
    async with h.worker("repeatables-in-process", repeatables=[local]):
        async def fired():
            return await h.val("SELECT count(*) FROM asyncmq_jobs WHERE queue_name = 'repeatables-in-process' "
                               "AND status = 'completed'") >= 2
        h.ok("control: a repeatable given to run_worker itself fires, its jobs completed", await h.poll(fired))


run(main)
