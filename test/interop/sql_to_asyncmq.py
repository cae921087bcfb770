"""Jobs written by asyncmq_enqueue and asyncmq_enqueue_many, run by AsyncMQ's real worker loop:
each exactly once, completed with the task's return value as data.result; a retry after the
backoff, a delay and a dependency as AsyncMQ's worker honours them."""

import json

from harness import run
from interop_tasks import RUNS

Q = "from-sql"
ENQUEUE = "SELECT asyncmq_enqueue($1, $2, $3::jsonb, job_id => $4, max_retries => $5, backoff => $6, delay => $7, depends_on => $8)"


async def enqueue(h, task, args, job_id, max_retries=0, backoff=None, delay=None, depends_on=()):
    return await h.val(ENQUEUE, Q, "interop_tasks." + task, json.dumps(args), job_id, max_retries, backoff, delay,
                       list(depends_on))


async def main(h):
    single = [await enqueue(h, "echo", [f"one-{i}", i], f"one-{i}") for i in range(4)]
    batch = [{"task": "interop_tasks.echo", "args": [f"many-{i}", {"n": i}]} for i in range(4)]
    many = [r[0] for r in await h.rows("SELECT * FROM asyncmq_enqueue_many($1, $2::jsonb)", Q, json.dumps(batch))]
    await enqueue(h, "flaky", ["flaky"], "flaky", max_retries=2, backoff=0.4)
    await enqueue(h, "echo", ["delayed", None], "delayed", delay=0.5)
    delay_until = (await h.job(Q, "delayed"))["data"]["delay_until"]
    await enqueue(h, "slow", ["parent", 0.3], "parent")
    await enqueue(h, "echo", ["child", None], "child", depends_on=["parent"])
    h.eq("SQL to AsyncMQ: the child waits for its parent", ("waiting", ["parent"]),
         (await h.status(Q, "child"), (await h.job(Q, "child"))["data"]["depends_on"]))

    async def all_completed():
        return await h.val("SELECT count(*) FILTER (WHERE status <> 'completed') = 0 AND count(*) = 12 "
                           "FROM asyncmq_jobs WHERE queue_name = $1", Q)

    async with h.worker(Q, concurrency=3):
        h.ok("SQL to AsyncMQ: AsyncMQ's worker completes every job of asyncmq_enqueue and asyncmq_enqueue_many",
             await h.poll(all_completed, timeout=20),
             await h.rows("SELECT job_id, status FROM asyncmq_jobs WHERE queue_name = $1 ORDER BY id", Q))

    tags = [f"one-{i}" for i in range(4)] + [f"many-{i}" for i in range(4)] + ["delayed", "parent", "child"]
    h.eq("SQL to AsyncMQ: each job ran exactly once (the failing one twice)",
         {**{t: 1 for t in tags}, "flaky": 2}, {t: len(RUNS[t]) for t in tags + ["flaky"]})

    results = {}
    for job_id, args in [(f"one-{i}", [f"one-{i}", i]) for i in range(4)] + \
                        [(many[i], [f"many-{i}", {"n": i}]) for i in range(4)]:
        row = await h.job(Q, job_id)
        results[job_id] = (row["status"], row["data"]["status"], row["data"]["result"])
    h.eq("SQL to AsyncMQ: SQL sees each job completed with the task's return value as data.result",
         {**{f"one-{i}": ("completed", "completed", {"tag": f"one-{i}", "value": i}) for i in range(4)},
          **{many[i]: ("completed", "completed", {"tag": f"many-{i}", "value": {"n": i}}) for i in range(4)}},
         results)

    flaky = await h.job(Q, "flaky")
    (_, failed_at), (second_start, _) = RUNS["flaky"]
    h.ok("SQL to AsyncMQ: a job with max_retries and backoff that fails once runs again after the backoff",
         second_start - failed_at >= 0.4, f"second run {second_start - failed_at:.3f} s after the failure")
    h.eq("SQL to AsyncMQ: the retried job completes, its error cleared, retries 1",
         ("completed", {"tag": "flaky", "attempt": 2}, 1, None, None),
         (flaky["status"], flaky["data"]["result"], flaky["data"]["retries"], flaky["data"]["last_error"],
          flaky["data"]["error_traceback"]))

    started = RUNS["delayed"][0][0]
    h.ok("SQL to AsyncMQ: a job with a delay runs no earlier than its delay_until",
         started >= delay_until, f"ran {started - delay_until:.3f} s after delay_until")

    (_, parent_end), (child_start, _) = RUNS["parent"][0], RUNS["child"][0]
    child = await h.job(Q, "child")
    h.ok("SQL to AsyncMQ: a job with depends_on runs only after its parent has finished",
         child_start >= parent_end and child["status"] == "completed",
         f"child started {child_start - parent_end:.3f} s after the parent ended", child)


run(main)
