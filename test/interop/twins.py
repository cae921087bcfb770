"""Twin jobs: for each path of a job's life, one job goes through AsyncMQ's own code (Queue.add,
its worker loop, Queue.retry_job) and its twin through the extension's SQL functions; their rows
must agree key by key: the status and delay_until columns and every key of data, numbers spelt
alike, volatile values (times, errors) by kind."""

import json
import re

from harness import renamed, run

TASK = "interop_tasks.echo"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


async def main(h):
    backend = h.backend(h.name("producer"))
    try:
        await enqueue(h, backend)
        await lifecycle(h, backend)
    finally:
        await backend.close()


async def enqueue(h, backend):
    theirs, ours = h.queue("enqueue-asyncmq", backend), "enqueue-sql"
    sql = "SELECT asyncmq_enqueue($1, $2, $3::jsonb, $4::jsonb, job_id => $5, priority => $6, max_retries => $7, " \
          "backoff => $8, ttl => $9, delay => $10)"
    cases = [
        ("defaults", dict(kwargs={"k": "v"}), dict(kwargs={"k": "v"})),
        ("priority, retries, backoff and ttl", dict(priority=1, retries=3, backoff=2.0, ttl=600),
         dict(priority=1, max_retries=3, backoff=2.0, ttl=600)),
        ("a delay", dict(delay=30), dict(delay=30)),
    ]
    for what, add, sql_args in cases:
        job_id = "enqueue-" + what.split()[0].strip(",")
        await theirs.add(TASK, [what], job_id=job_id, **add)
        await h.val(sql, ours, TASK, json.dumps([what]), json.dumps(sql_args.get("kwargs", {})), job_id,
                    sql_args.get("priority", 5), sql_args.get("max_retries", 0), sql_args.get("backoff"),
                    sql_args.get("ttl"), sql_args.get("delay"))
        h.same(f"twins: asyncmq_enqueue with {what} writes the row Queue.add writes",
               await h.job(theirs.name, job_id), await h.job(ours, job_id))
    their_id = await theirs.add(TASK, ["no id"])
    our_id = await h.val("SELECT asyncmq_enqueue($1, $2, '[\"no id\"]')", ours, TASK)
    h.ok("twins: without a job id both write a uuid4", bool(UUID4.match(their_id) and UUID4.match(our_id)),
         their_id, our_id)
    h.same("twins: asyncmq_enqueue without a job id writes the row Queue.add writes",
           await h.job(theirs.name, their_id), renamed(await h.job(ours, our_id), {our_id: their_id}))


async def lifecycle(h, backend):
    theirs, ours = "life-asyncmq", "life-sql"
    for q in (theirs, ours):
        queue = h.queue(q, backend)
        await queue.add(TASK, ["done", 1], job_id="done")
        await queue.add("interop_tasks.flaky", ["flaky-twin"], retries=1, backoff=0.2, job_id="flaky")
        await queue.add("interop_tasks.fail", ["failed"], job_id="failed")
        await queue.add(TASK, ["expired"], ttl=0, job_id="expired")
        await h.val("SELECT asyncmq_enqueue($1, $2, '[\"parent\", null]', job_id => 'parent')", q, TASK)
        await h.val("SELECT asyncmq_enqueue($1, $2, '[\"child\", null]', job_id => 'child', depends_on => '{parent}')",
                    q, TASK)
    final = {"done": "completed", "flaky": "completed", "failed": "failed", "expired": "expired",
             "parent": "completed", "child": "completed"}

    async def asyncmq_done():
        return dict(await h.rows("SELECT job_id, status FROM asyncmq_jobs WHERE queue_name = $1", theirs)) == final

    async with h.worker(theirs, concurrency=1):
        await sql_worker(h, ours)
        h.ok("twins: AsyncMQ's worker has run its twins to their end", await h.poll(asyncmq_done, timeout=15),
             await h.rows("SELECT job_id, status FROM asyncmq_jobs WHERE queue_name = $1", theirs))
    h.eq("twins: the SQL functions have run theirs to the same end", final,
         dict(await h.rows("SELECT job_id, status FROM asyncmq_jobs WHERE queue_name = $1", ours)))

    for job_id, what in [("done", "completed"), ("flaky", "failed once, then completed"),
                         ("failed", "failed for good"), ("expired", "expired by its ttl"),
                         ("parent", "a parent, completed"), ("child", "its child, released and completed")]:
        h.same(f"twins: a job {what} by the SQL functions has the row AsyncMQ's worker leaves",
               await h.job(theirs, job_id), await h.job(ours, job_id))

    h.eq("twins: Queue.retry_job and asyncmq_retry both take the failed job back", (True, True),
         (await h.queue(theirs, backend).retry_job("failed"), await h.val("SELECT asyncmq_retry($1, 'failed')", ours)))
    h.same("twins: asyncmq_retry writes the row Queue.retry_job writes",
           await h.job(theirs, "failed"), await h.job(ours, "failed"))

    async def failed_again():
        return await h.status(theirs, "failed") == "failed"

    async with h.worker(theirs, concurrency=1):
        taken = await h.val("SELECT count(*) FROM asyncmq_dequeue($1)", ours)
        outcome = await h.val("SELECT asyncmq_fail($1, 'failed', 'RuntimeError: failed always fails')", ours)
        h.ok("twins: the retried twins fail again", await h.poll(failed_again, timeout=10) and
             (taken, outcome) == (1, "failed"), (taken, outcome))
    h.same("twins: a job retried and failed again by the SQL functions has the row AsyncMQ's worker leaves",
           await h.job(theirs, "failed"), await h.job(ours, "failed"))


async def sql_worker(h, q):
    """What a worker written in SQL does with the twins, as AsyncMQ's worker would."""
    taken = [json.loads(t)["id"] for (t,) in await h.rows("SELECT d::text FROM asyncmq_dequeue($1, 10) AS d", q)]
    h.eq("twins: asyncmq_dequeue takes the runnable twins, the child not", ["done", "flaky", "failed", "expired",
                                                                           "parent"], taken)
    error = "Traceback (most recent call last):\nRuntimeError: first run of flaky-twin fails\n"
    h.eq("twins: the SQL worker's calls succeed", [True, "delayed", "failed", True, True, True], [
        await h.val("SELECT asyncmq_complete($1, 'done', '{\"tag\": \"done\", \"value\": 1}')", q),
        await h.val("SELECT asyncmq_fail($1, 'flaky', $2)", q, error),
        await h.val("SELECT asyncmq_fail($1, 'failed', 'RuntimeError: failed always fails')", q),
        await h.val("SELECT asyncmq_ttl_expired(d) AND asyncmq_expire($1, 'expired') FROM asyncmq_jobs AS j, "
                    "LATERAL (SELECT j.data) AS x(d) WHERE queue_name = $1 AND job_id = 'expired'", q),
        await h.val("SELECT asyncmq_complete($1, 'parent', '{\"tag\": \"parent\", \"value\": null}')", q),
        bool(await h.poll(lambda: h.val("SELECT count(*) FROM asyncmq_promote_delayed($1)", q), timeout=5)),
    ])
    again = sorted(json.loads(t)["id"] for (t,) in await h.rows("SELECT d::text FROM asyncmq_dequeue($1, 10) AS d", q))
    h.eq("twins: then the retry and the released child", ["child", "flaky"], again)
    h.eq("twins: which the SQL worker completes", [True, True], [
        await h.val("SELECT asyncmq_complete($1, 'flaky', '{\"tag\": \"flaky-twin\", \"attempt\": 2}')", q),
        await h.val("SELECT asyncmq_complete($1, 'child', '{\"tag\": \"child\", \"value\": null}')", q),
    ])


run(main)
