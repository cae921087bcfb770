"""Killed workers: SQL workers dequeue, hold and complete jobs while another session terminates
random worker backends; stalled jobs come back through asyncmq_recover_stalled. At the end every
job must be completed exactly once.

Each worker records a completion in the side table reliability_completions in the transaction
of the completion itself, so the side table holds exactly the completions that committed. A
completion's result is unique to its call ({"by": worker, "call": n}), so the rows a call
completed are those that carry its result, whether it completed one job or a batch.

Against the cluster of PGHOST/PGPORT, as a superuser (pg_terminate_backend); prints TAP lines and
a line with the figures. Every loop is bounded by --seconds.
"""

import argparse
import asyncio
import json
import random
import sys
import time

import asyncpg

QUEUE = "reliability"
APP = "asyncmq-reliability-worker"


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--jobs", type=int, default=3000)
    p.add_argument("--workers", type=int, default=6)
    p.add_argument("--seconds", type=float, default=45, help="the longest the run may take")
    p.add_argument("--stalled-after", type=float, default=1.0, help="recover_stalled's older_than, seconds")
    p.add_argument("--seed", type=int, default=None)
    return p.parse_args()


class Figures:
    def __init__(self):
        self.kills = 0
        self.reconnects = 0
        self.recovered = 0
        self.errors = []


async def setup(jobs):
    conn = await asyncpg.connect()
    await conn.execute(
        """
        DROP EXTENSION IF EXISTS asyncmq CASCADE;
        CREATE EXTENSION asyncmq;
        SET asyncmq.layout = '0.9';
        SELECT asyncmq_install();
        DROP TABLE IF EXISTS reliability_completions;
        CREATE TABLE reliability_completions (job_id text NOT NULL, worker int NOT NULL, batched boolean NOT NULL);
        """
    )
    # Custom ids, so the accounting names each job; in batches of 500 (one lock each batch).
    for start in range(0, jobs, 500):
        batch = [{"task": "app.tasks.work", "args": [i], "job_id": f"job-{i}"}
                 for i in range(start, min(jobs, start + 500))]
        await conn.fetch("SELECT asyncmq_enqueue_many($1, $2::jsonb)", QUEUE, json.dumps(batch))
    await conn.close()


async def connect(n):
    conn = await asyncpg.connect(server_settings={"application_name": f"{APP}-{n}", "asyncmq.layout": "0.9"})
    return conn


def connection_lost(e):
    return isinstance(e, (asyncpg.exceptions.ConnectionDoesNotExistError, asyncpg.exceptions.AdminShutdownError,
                          asyncpg.exceptions.ConnectionFailureError, ConnectionError, OSError,
                          asyncpg.exceptions.InterfaceError))


async def worker(n, batched, stop, figures, rng):
    """Dequeues (one job or up to 10), holds them 0-20 ms, completes them (asyncmq_complete each, or
    asyncmq_complete_many) and records what it completed, in one transaction; reconnects when
    its backend is terminated."""
    calls = 0
    conn = None
    while not stop.is_set():
        try:
            if conn is None or conn.is_closed():
                conn = await connect(n)
            rows = await conn.fetch("SELECT data->>'id' AS id FROM asyncmq_dequeue($1, $2) AS data",
                                    QUEUE, 10 if batched else 1)
            if not rows:
                await asyncio.sleep(0.02)
                continue
            await asyncio.sleep(rng.uniform(0, 0.02))
            ids = [r["id"] for r in rows]
            calls += 1
            result = json.dumps({"by": n, "call": calls})
            async with conn.transaction():
                if batched:
                    await conn.fetchval("SELECT asyncmq_complete_many($1, $2, $3::jsonb)", QUEUE, ids, result)
                else:
                    await conn.fetchval("SELECT asyncmq_complete($1, $2, $3::jsonb)", QUEUE, ids[0], result)
                await conn.execute(
                    """INSERT INTO reliability_completions (job_id, worker, batched)
                       SELECT j.job_id, $3, $4 FROM asyncmq_jobs AS j
                       WHERE j.queue_name = $1 AND j.job_id = ANY ($2) AND j.data->'result' = $5::jsonb""",
                    QUEUE, ids, n, batched, result)
        except Exception as e:  # a terminated backend: start again on a new connection
            # asyncpg may also report a connection that died mid-operation as an internal error.
            if conn is not None and (conn.is_closed() or isinstance(e, asyncpg.exceptions.InternalClientError)):
                conn.terminate()
            elif not connection_lost(e):
                figures.errors.append(f"worker {n}: {type(e).__name__}: {e}")
                stop.set()
                break
            figures.reconnects += 1
            conn = None
            await asyncio.sleep(0.01)
    if conn is not None and not conn.is_closed():
        await conn.close()


async def killer(stop, figures, rng):
    """Every 50-200 ms, terminates one worker backend chosen at random."""
    conn = await asyncpg.connect()
    while not stop.is_set():
        await asyncio.sleep(rng.uniform(0.05, 0.2))
        killed = await conn.fetchval(
            """SELECT pg_terminate_backend(pid) FROM pg_stat_activity
               WHERE application_name LIKE $1 ORDER BY random() LIMIT 1""", APP + "-%")
        if killed:
            figures.kills += 1
    await conn.close()


async def recoverer(stop, figures, stalled_after):
    """Makes stalled jobs (active, with no run for stalled_after seconds) wait again."""
    conn = await asyncpg.connect(server_settings={"asyncmq.layout": "0.9"})
    while not stop.is_set():
        figures.recovered += await conn.fetchval(
            "SELECT count(*) FROM asyncmq_recover_stalled(make_interval(secs => $1))", stalled_after)
        await asyncio.sleep(0.2)
    await conn.close()


async def completed_count():
    conn = await asyncpg.connect()
    n = await conn.fetchval("SELECT count(DISTINCT job_id) FROM reliability_completions")
    await conn.close()
    return n


async def main():
    args = parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"# killed workers: seed {seed}")
    await setup(args.jobs)
    figures = Figures()
    stop = asyncio.Event()
    kill_stop = asyncio.Event()
    deadline = time.monotonic() + args.seconds
    tasks = [asyncio.create_task(worker(n, n % 2 == 1, stop, figures, random.Random(rng.random())))
             for n in range(args.workers)]
    tasks.append(asyncio.create_task(recoverer(stop, figures, args.stalled_after)))
    kill_task = asyncio.create_task(killer(kill_stop, figures, random.Random(rng.random())))
    started = time.monotonic()
    # Kills go on while jobs remain; the last jobs are recovered and completed without them.
    while time.monotonic() < deadline and not stop.is_set():
        await asyncio.sleep(0.5)
        done = await completed_count()
        if done >= args.jobs * 0.9:
            kill_stop.set()
        if done >= args.jobs:
            break
    kill_stop.set()
    stop.set()
    await kill_task
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started

    conn = await asyncpg.connect()
    lost = await conn.fetchval(
        """SELECT count(*) FROM generate_series(0, $1 - 1) AS i
           WHERE NOT EXISTS (SELECT 1 FROM reliability_completions AS c WHERE c.job_id = 'job-' || i)""", args.jobs)
    twice = await conn.fetchval(
        "SELECT count(*) FROM (SELECT job_id FROM reliability_completions GROUP BY job_id HAVING count(*) > 1) AS d")
    batched = await conn.fetchval("SELECT count(*) FROM reliability_completions WHERE batched")
    # The jobs table agrees: one row a job, every one completed, the column and the payload alike,
    # each completed by the call that recorded it.
    inconsistent = await conn.fetchval(
        """SELECT count(*) FROM asyncmq_jobs AS j
           WHERE j.queue_name = $1 AND (j.status IS DISTINCT FROM 'completed' OR j.data->>'status' IS DISTINCT FROM 'completed'
                 OR j.data ? 'heartbeat' OR j.delay_until IS NOT NULL
                 OR NOT EXISTS (SELECT 1 FROM reliability_completions AS c
                                WHERE c.job_id = j.job_id AND (j.data->'result'->>'by')::int = c.worker))""", QUEUE)
    rows = await conn.fetchval("SELECT count(*) FROM asyncmq_jobs WHERE queue_name = $1", QUEUE)
    ids = await conn.fetchval("SELECT count(DISTINCT job_id) FROM asyncmq_jobs WHERE queue_name = $1", QUEUE)
    await conn.close()

    print(f"# killed workers: {elapsed:.1f} s, {figures.reconnects} reconnects, {figures.recovered} stalled jobs "
          f"recovered, {batched} completions batched")
    print(f"killed workers: jobs {args.jobs}, workers {args.workers}, kills {figures.kills}, lost {lost}, "
          f"completed twice {twice}")
    for e in figures.errors:
        print(f"#   {e}")
    checks = [
        ("killed workers: no worker failed but by losing its connection", not figures.errors),
        (f"killed workers: worker backends were terminated ({figures.kills})", figures.kills > 0),
        (f"killed workers: stalled jobs were recovered ({figures.recovered})", figures.recovered > 0),
        (f"killed workers: lost = 0 ({lost})", lost == 0),
        (f"killed workers: completed twice = 0 ({twice})", twice == 0),
        (f"killed workers: the jobs table has one completed row a job ({rows} rows, {ids} ids, {inconsistent} "
         "inconsistent)", rows == args.jobs and ids == args.jobs and inconsistent == 0),
    ]
    for name, good in checks:
        print(("ok - " if good else "not ok - ") + name)
    return 0 if all(g for _, g in checks) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
