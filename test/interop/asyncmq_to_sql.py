"""Jobs written by AsyncMQ's Queue.add, taken and finished by the extension's SQL functions:
asyncmq_dequeue's order is AsyncMQ's own; AsyncMQ reads back the state and result that
asyncmq_complete and asyncmq_fail leave; Queue.retry_job puts a failed job back for SQL."""

import json

from harness import run

TASK = "interop_tasks.echo"
PRIORITIES = [5, 1, 3, 1, 9, 5, 3, 1]


async def main(h):
    backend = h.backend(h.name("producer"))
    try:
        await order(h, backend)
        await outcomes(h, backend)
    finally:
        await backend.close()


async def order(h, backend):
    theirs, ours = h.queue("order-asyncmq", backend), h.queue("order-sql", backend)
    for i, p in enumerate(PRIORITIES):
        for q in (theirs, ours):
            await q.add(TASK, [f"order-{i}"], priority=p, job_id=f"order-{i}")
    asyncmq_order = []
    while (job := await backend.dequeue(theirs.name)) is not None:
        asyncmq_order.append(job["id"])
    sql_order = []
    while (job := await h.val("SELECT d->>'id' FROM asyncmq_dequeue($1) AS d", ours.name)) is not None:
        sql_order.append(job)
    expected = [f"order-{i}" for i, _ in sorted(enumerate(PRIORITIES), key=lambda e: (e[1], e[0]))]
    h.eq("AsyncMQ to SQL: AsyncMQ's own dequeue takes Queue.add's jobs by priority, then age", expected, asyncmq_order)
    h.eq("AsyncMQ to SQL: asyncmq_dequeue takes them in the same order", asyncmq_order, sql_order)


async def outcomes(h, backend):
    q = h.queue("to-sql", backend)
    await q.add(TASK, ["completed"], job_id="done")
    taken = json.loads(await h.val("SELECT d::text FROM asyncmq_dequeue($1) AS d", q.name))
    h.eq("AsyncMQ to SQL: asyncmq_dequeue returns Queue.add's payload, active",
         ("done", TASK, ["completed"], "active"), (taken["id"], taken["task"], taken["args"], taken["status"]))
    h.eq("AsyncMQ to SQL: asyncmq_complete completes it", True,
         await h.val("SELECT asyncmq_complete($1, 'done', $2::jsonb)", q.name, json.dumps({"sent": [1, 2.5]})))
    h.eq("AsyncMQ to SQL: AsyncMQ's get_job_state says completed and get_job_result returns the result",
         ("completed", "completed", {"sent": [1, 2.5]}),
         (await q.get_job_state("done"), await backend.get_job_state(q.name, "done"), await q.get_job_result("done")))

    await q.add("interop_tasks.fail", ["failing"], retries=1, backoff=0.2, job_id="failing")
    await h.val("SELECT count(*) FROM asyncmq_dequeue($1)", q.name)
    first = await h.val("SELECT asyncmq_fail($1, 'failing', 'RuntimeError: failing always fails')", q.name)
    row = await h.job(q.name, "failing")
    delayed = {d.job_id: d.run_at for d in await q.list_delayed()}
    h.eq("AsyncMQ to SQL: after asyncmq_fail with retries left, AsyncMQ sees the job delayed for its retry",
         ("delayed", "delayed", {"failing": row["data"]["delay_until"]}, 1),
         (first, await q.get_job_state("failing"), delayed, (await q.get_job("failing"))["retries"]))

    async def promoted():
        return await backend.promote_due_delayed(q.name)
    again = await h.poll(promoted, timeout=5)
    h.eq("AsyncMQ to SQL: AsyncMQ's own promotion makes the retry wait again after the backoff",
         ["failing"], [j["id"] for j in again])
    await h.val("SELECT count(*) FROM asyncmq_dequeue($1)", q.name)
    last = await h.val("SELECT asyncmq_fail($1, 'failing', 'RuntimeError: failing always fails')", q.name)
    h.eq("AsyncMQ to SQL: once its retries are spent, AsyncMQ sees it failed",
         ("failed", "failed", ["failing"], 1),
         (last, await q.get_job_state("failing"), [j["id"] for j in await q.list_jobs("failed")],
          (await q.queue_stats())["failed"]))

    h.eq("AsyncMQ to SQL: Queue.retry_job accepts the failed job", True, await q.retry_job("failing"))
    back = await h.val("SELECT d::text FROM asyncmq_dequeue($1) AS d", q.name)
    back = json.loads(back) if back else {}
    h.eq("AsyncMQ to SQL: asyncmq_dequeue takes the retried job, its retries kept",
         ("failing", "active", 2), (back.get("id"), back.get("status"), back.get("retries")))


run(main)
