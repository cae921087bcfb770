"""Server crash: with fsync and synchronous_commit on, clients enqueue batches and run their
lifecycles (dequeue, complete one at a time and batched, fail), and write each job to a log of
their own only after the commit of the statement returned. The server is shut down in the middle
with `pg_ctlcluster ... stop -m immediate` (no checkpoint: the restart replays the WAL), then
started again. Every acknowledged enqueue must be there, every acknowledged completion and failure
in force, every batch whole or absent, and amcheck must find the jobs table and its indexes clean.

Against the pg_virtualenv cluster of PGHOST/PGPORT (its name from pg_lsclusters), as a superuser.
Prints TAP lines and the counts. Bounded by --seconds.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time

import asyncpg

BATCH = 5


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--crash-after", type=float, default=3.0, help="seconds of load before the crash")
    p.add_argument("--seconds", type=float, default=60, help="the longest the restart may take")
    p.add_argument("--log", default="server_crash.log", help="the clients' log of acknowledged jobs")
    return p.parse_args()


def cluster():
    """The version, name and log file of the cluster on PGPORT."""
    for line in subprocess.run(["pg_lsclusters", "-h"], check=True, capture_output=True, text=True).stdout.splitlines():
        f = line.split()
        if f[2] == os.environ["PGPORT"]:
            return f[0], f[1], f[6]
    raise SystemExit("no cluster on port " + os.environ["PGPORT"])


async def client(n, log, stop, counts):
    """Lifecycles on queue crash-<n>: enqueue a batch of BATCH jobs with custom ids, dequeue them,
    complete three with asyncmq_complete_many and one with asyncmq_complete, fail the last (no
    retries left). Each acknowledgement is logged once the statement (its own transaction) has
    returned: its commit is durable."""
    queue = f"crash-{n}"
    conn = await asyncpg.connect(server_settings={"asyncmq.layout": "0.9"})
    k = 0
    try:
        while not stop.is_set():
            ids = [f"c{n}-b{k}-{i}" for i in range(BATCH)]
            jobs = [{"task": "app.tasks.crash", "args": [n, k, i], "job_id": j} for i, j in enumerate(ids)]
            counts["sent"] += 1
            await conn.fetch("SELECT asyncmq_enqueue_many($1, $2::jsonb)", queue, json.dumps(jobs))
            log.write("".join(f"enqueued {queue} {j} b{k}\n" for j in ids))
            got = [r["id"] for r in await conn.fetch(
                "SELECT data->>'id' AS id FROM asyncmq_dequeue($1, $2) AS data", queue, BATCH)]
            if sorted(got) != sorted(ids):
                raise RuntimeError(f"{queue}: dequeued {got}, expected {ids}")
            result = json.dumps({"client": n, "batch": k})
            done = await conn.fetchval("SELECT asyncmq_complete_many($1, $2, $3::jsonb)", queue, ids[:3], result)
            if done != 3:
                raise RuntimeError(f"{queue}: complete_many completed {done} of 3")
            log.write("".join(f"completed {queue} {j} {result}\n" for j in ids[:3]))
            if not await conn.fetchval("SELECT asyncmq_complete($1, $2, $3::jsonb)", queue, ids[3], result):
                raise RuntimeError(f"{queue}: {ids[3]} not completed")
            log.write(f"completed {queue} {ids[3]} {result}\n")
            if await conn.fetchval("SELECT asyncmq_fail($1, $2, $3)", queue, ids[4], f"error {k}") != "failed":
                raise RuntimeError(f"{queue}: {ids[4]} not failed")
            log.write(f"failed {queue} {ids[4]} error {k}\n")
            log.flush()
            k += 1
    except (asyncpg.exceptions.PostgresConnectionError, asyncpg.exceptions.ConnectionDoesNotExistError,
            asyncpg.exceptions.AdminShutdownError, asyncpg.exceptions.CrashShutdownError,
            asyncpg.exceptions.InterfaceError, ConnectionError, OSError):
        counts["cut"] += 1  # the crash: what was in flight is not acknowledged
    finally:
        log.flush()
        conn.terminate()


async def load(args, log):
    counts = {"sent": 0, "cut": 0}
    stop = asyncio.Event()
    tasks = [asyncio.create_task(client(n, log, stop, counts)) for n in range(args.clients)]
    await asyncio.sleep(args.crash_after)
    version, name, _ = cluster()
    # While the clients run: no checkpoint, the WAL is all that keeps their commits.
    subprocess.run(["pg_ctlcluster", version, name, "stop", "-m", "immediate"], check=True)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    stop.set()
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return counts


async def main():
    args = parse_args()
    conn = await asyncpg.connect()
    settings = {s: await conn.fetchval(f"SHOW {s}") for s in ("fsync", "synchronous_commit", "full_page_writes")}
    await conn.execute("""
        DROP EXTENSION IF EXISTS asyncmq CASCADE;
        CREATE EXTENSION asyncmq;
        SET asyncmq.layout = '0.9';
        SELECT asyncmq_install();
        CHECKPOINT;""")
    await conn.close()
    print("# server crash: " + ", ".join(f"{k} = {v}" for k, v in settings.items()))

    with open(args.log, "w") as log:
        counts = await load(args, log)
    version, name, logfile = cluster()
    subprocess.run(["pg_ctlcluster", version, name, "start"], check=True)

    enqueued, completed, failed, batches = {}, {}, {}, {}
    with open(args.log) as log:
        for line in log:
            what, queue, job, rest = line.rstrip("\n").split(" ", 3)
            if what == "enqueued":
                enqueued[(queue, job)] = rest
                batches.setdefault((queue, rest), set()).add(job)
            elif what == "completed":
                completed[(queue, job)] = json.loads(rest)
            else:
                failed[(queue, job)] = rest

    deadline = time.monotonic() + args.seconds
    while True:
        try:
            conn = await asyncpg.connect()
            break
        except (asyncpg.exceptions.CannotConnectNowError, OSError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
    rows = {(r["queue_name"], r["job_id"]): r for r in await conn.fetch(
        "SELECT queue_name, job_id, status, data FROM asyncmq_jobs")}
    missing = [k for k in enqueued if k not in rows]
    not_completed = [k for k, res in completed.items()
                     if k not in rows or rows[k]["status"] != "completed"
                     or json.loads(rows[k]["data"]).get("result") != res]
    not_failed = [k for k, err in failed.items()
                  if k not in rows or rows[k]["status"] != "failed" or json.loads(rows[k]["data"]).get("last_error") != err]
    # Nothing half-written: the status column and the payload agree, the payload names its row,
    # and each batch, acknowledged or in flight at the crash, is all there or not at all.
    torn = [k for k, r in rows.items()
            if json.loads(r["data"]).get("status") != r["status"] or json.loads(r["data"]).get("id") != k[1]]
    present = {}
    for (queue, job) in rows:
        present.setdefault((queue, job.rsplit("-", 1)[0]), 0)
        present[(queue, job.rsplit("-", 1)[0])] += 1
    partial = [b for b, c in present.items() if c != BATCH]
    unacknowledged = len(rows) - len(enqueued)

    await conn.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
    indexes = [r["i"] for r in await conn.fetch(
        "SELECT indexrelid::regclass::text AS i FROM pg_index WHERE indrelid = 'asyncmq_jobs'::regclass ORDER BY 1")]
    index_errors = []
    for i in indexes:
        try:
            await conn.execute("SELECT bt_index_check($1::regclass, heapallindexed => true)", i)
        except asyncpg.PostgresError as e:
            index_errors.append(f"{i}: {e}")
    heap_errors = [dict(r) for r in await conn.fetch("SELECT * FROM verify_heapam('asyncmq_jobs')")]
    await conn.close()
    with open(logfile, errors="replace") as f:
        recovered = "database system was not properly shut down; automatic recovery in progress" in f.read()

    print(f"# server crash: {args.clients} clients, {counts['sent']} batches sent, {counts['cut']} clients cut off")
    print(f"server crash: acknowledged enqueues {len(enqueued)}, completions {len(completed)}, failures "
          f"{len(failed)}; after the restart rows {len(rows)} (unacknowledged {unacknowledged}), missing "
          f"{len(missing)}, completions lost {len(not_completed)}, failures lost {len(not_failed)}, torn rows "
          f"{len(torn)}, partial batches {len(partial)}; amcheck: {len(indexes)} indexes, "
          f"{len(index_errors) + len(heap_errors)} problems")
    for e in (missing[:5] + not_completed[:5] + not_failed[:5] + torn[:5] + partial[:5] + index_errors
              + heap_errors[:5]):
        print(f"#   {e}")
    checks = [
        ("server crash: fsync and synchronous_commit are on",
         settings["fsync"] == "on" and settings["synchronous_commit"] == "on"),
        ("server crash: the clients were cut off by the crash", counts["cut"] == args.clients),
        ("server crash: the restart replayed the WAL (automatic recovery)", recovered),
        (f"server crash: jobs were acknowledged ({len(enqueued)}, {len(completed)} completed)",
         len(enqueued) > 0 and len(completed) > 0),
        ("server crash: every acknowledged enqueue is there", not missing),
        ("server crash: every acknowledged completion and failure is in force", not not_completed and not not_failed),
        ("server crash: nothing half-written (rows and batches whole)", not torn and not partial),
        (f"server crash: amcheck finds the jobs table and its {len(indexes)} indexes clean",
         len(indexes) >= 4 and not index_errors and not heap_errors),
    ]
    for name, good in checks:
        print(("ok - " if good else "not ok - ") + name)
    return 0 if all(g for _, g in checks) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
