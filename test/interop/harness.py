"""Shared by the interoperability tests (test/interop/*.py), which run AsyncMQ's own Python code
against the extension's tables and functions. test/shell/interop.sh runs each test program
against a throwaway cluster, in a database of its own whose tables asyncmq_install() made with
layout 0.9, and puts AsyncMQ on the path. Each check prints a TAP line, "ok - NAME" or
"not ok - NAME"; a program exits non-zero when one failed.

Every wait is a poll with a deadline. Every worker a test starts is stopped before the program
ends, and the sessions it leaves are terminated (see Worker.stop).
"""

import json
import os
import signal
import subprocess
import sys
import time
import traceback
import urllib.parse

# AsyncMQ reads these when it first looks at its settings, so they are set before it is imported.
os.environ.setdefault("ASYNCMQ_SETTINGS_MODULE", "interop_settings.Settings")


def _dsn() -> str:
    env = os.environ
    quote = urllib.parse.quote
    auth = quote(env.get("PGUSER", "postgres"), safe="")
    if env.get("PGPASSWORD"):
        auth += ":" + quote(env["PGPASSWORD"], safe="")
    host = env.get("PGHOST", "localhost")
    query = ""
    if host.startswith("/"):  # a socket directory
        query, host = "?host=" + quote(host, safe=""), ""
    return f"postgresql://{auth}@{host}:{env.get('PGPORT', '5432')}/{quote(env['PGDATABASE'], safe='')}{query}"


DSN = _dsn()
os.environ["ASYNCMQ_POSTGRES_BACKEND_URL"] = DSN

import anyio  # noqa: E402
import asyncpg  # noqa: E402
from asyncmq.backends.postgres import PostgresBackend  # noqa: E402
from asyncmq.conf import settings  # noqa: E402
from asyncmq.logging import setup_logging  # noqa: E402
from asyncmq.queues import Queue  # noqa: E402
from asyncmq.runners import run_worker  # noqa: E402

import interop_tasks  # noqa: E402,F401  (registers the tasks in AsyncMQ's TASK_REGISTRY)

# AsyncMQ's logger, left alone, logs at INFO whatever the settings say (asyncmq/logging.py).
setup_logging(settings.logging_config)

WORKER_APP = "interop-worker"
HERE = os.path.dirname(os.path.abspath(__file__))

# Payload keys whose values change from run to run, checked by kind as test/helpers/compare.sql
# checks the fixtures' volatile values: epoch seconds must be a float within a day of now; an
# error is text (AsyncMQ's worker writes a Python traceback, a SQL worker the text it was given).
EPOCH_KEYS = {"created_at", "active_since", "last_attempt", "heartbeat", "delay_until", "updated_at",
              "cancelled_at", "expires_at"}
ERROR_KEYS = {"last_error", "error_traceback"}


def diff(expected, actual, path="data"):
    """Every difference between two JSON values, one line each; [] when they agree."""
    key = path.rsplit(".", 1)[-1]
    if key in EPOCH_KEYS | ERROR_KEYS and expected is not None and actual is not None:
        if key in EPOCH_KEYS:
            return [f"{path}: expected epoch seconds as a float near now, got {json.dumps(v)}"
                    for v in (expected, actual) if not isinstance(v, float) or abs(v - time.time()) > 86400]
        return [f"{path}: expected error text, got {json.dumps(v)}" for v in (expected, actual) if not isinstance(v, str)]
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for k in sorted(set(expected) | set(actual)):
            if k not in actual:
                out.append(f"{path}.{k}: missing, AsyncMQ's has {json.dumps(expected[k])}")
            elif k not in expected:
                out.append(f"{path}.{k}: not in AsyncMQ's, ours is {json.dumps(actual[k])}")
            else:
                out += diff(expected[k], actual[k], f"{path}.{k}")
        return out
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in diff(e, a, f"{path}[{i}]")]
    # type() keeps 2 apart from 2.0 and true from 1, as jsonb keeps their spelling.
    if type(expected) is not type(actual) or expected != actual:
        return [f"{path}: AsyncMQ's is {json.dumps(expected)}, ours is {json.dumps(actual)}"]
    return []


def renamed(value, names):
    """value with every string that is a key of names replaced by its value (a twin's job ids)."""
    if isinstance(value, dict):
        return {k: renamed(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [renamed(v, names) for v in value]
    return names.get(value, value) if isinstance(value, str) else value


class Harness:
    def __init__(self) -> None:
        self.failed = 0
        self.workers: list = []
        self.sql: asyncpg.Connection | None = None
        self.tg = None
        self._names = 0

    # --- TAP ---------------------------------------------------------------------------------

    def ok(self, name: str, passed: bool, *diagnostics: object) -> bool:
        print(("ok - " if passed else "not ok - ") + name, flush=True)
        if not passed:
            self.failed += 1
            for d in diagnostics:
                for line in str(d).splitlines() or [""]:
                    print("#   " + line, flush=True)
        return passed

    def eq(self, name: str, expected: object, actual: object) -> bool:
        return self.ok(name, expected == actual, f"expected: {expected!r}", f"actual:   {actual!r}")

    def same(self, name: str, expected: object, actual: object) -> bool:
        """Two JSON values agree key by key (volatile values by kind)."""
        return self.ok(name, not diff(expected, actual, "row"), *diff(expected, actual, "row"))

    # --- SQL ---------------------------------------------------------------------------------

    async def val(self, query: str, *args: object):
        return await self.sql.fetchval(query, *args)

    async def rows(self, query: str, *args: object):
        return [tuple(r) for r in await self.sql.fetch(query, *args)]

    async def job(self, queue: str, job_id: str):
        """A jobs row as the fixtures show it: the status and delay_until columns and data, as
        stored (numbers spelt as jsonb keeps them); None when there is none."""
        r = await self.sql.fetchrow(
            "SELECT status, delay_until, data::text FROM asyncmq_jobs WHERE queue_name = $1 AND job_id = $2",
            queue, job_id)
        return None if r is None else {"status": r[0], "delay_until": r[1], "data": json.loads(r[2])}

    async def status(self, queue: str, job_id: str):
        return await self.val("SELECT status FROM asyncmq_jobs WHERE queue_name = $1 AND job_id = $2", queue, job_id)

    # --- AsyncMQ -----------------------------------------------------------------------------

    def name(self, what: str) -> str:
        self._names += 1
        return f"{WORKER_APP}-{what}-{self._names}"

    def backend(self, application_name: str) -> PostgresBackend:
        """A PostgresBackend with small pools whose sessions carry application_name."""
        return PostgresBackend(DSN, pool_options={
            "min_size": 1, "max_size": 4, "server_settings": {"application_name": application_name}})

    def queue(self, name: str, backend: PostgresBackend) -> Queue:
        return Queue(name, backend=backend)

    async def poll(self, probe, timeout: float = 10.0, every: float = 0.02):
        """Calls the async probe until it returns something true or the deadline passes; returns
        its last value."""
        deadline = time.monotonic() + timeout
        while True:
            value = await probe()
            if value or time.monotonic() >= deadline:
                return value
            await anyio.sleep(every)

    async def sessions(self, application_name: str) -> int:
        return await self.val("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", application_name)

    async def terminate_sessions(self, application_name: str) -> tuple[int, int]:
        """Ends the sessions a stopped worker left behind, and waits until they are gone; returns
        how many there were and how many of them held an advisory lock."""
        n, locked = await self.sql.fetchrow(
            "SELECT count(pg_terminate_backend(a.pid)), count(*) FILTER (WHERE EXISTS ("
            "  SELECT 1 FROM pg_locks AS l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted)) "
            "FROM pg_stat_activity AS a WHERE a.application_name = $1 AND a.pid <> pg_backend_pid()",
            application_name)
        await self.poll(lambda: self._no_sessions(application_name), timeout=5)
        return n, locked

    async def _no_sessions(self, application_name: str) -> bool:
        return await self.sessions(application_name) == 0

    def worker(self, queue: str, concurrency: int = 3, repeatables: list | None = None) -> "Worker":
        return Worker(self, queue, concurrency, repeatables)

    def worker_process(self, queue: str, block: bool) -> "WorkerProcess":
        return WorkerProcess(self, queue, block)

    async def stop_all(self) -> None:
        for w in list(self.workers):
            await w.stop()


class Worker:
    """AsyncMQ's worker loop, asyncmq.runners.run_worker (what `asyncmq worker start` runs), on
    one queue in this process, with a PostgresBackend of its own."""

    def __init__(self, h: Harness, queue: str, concurrency: int, repeatables: list | None) -> None:
        self.h, self.queue, self.concurrency, self.repeatables = h, queue, concurrency, repeatables
        self.app = h.name(queue)
        self.backend = h.backend(self.app)
        self.scope = anyio.CancelScope()
        self.done = anyio.Event()
        self.error: BaseException | None = None
        # What the worker loop saw each time it looked whether its queue is paused (process_job in
        # asyncmq/workers.py asks before every dequeue); the wrapper only records the answers.
        self.paused_answers: list[bool] = []
        look = self.backend.is_queue_paused

        async def recorded(queue_name: str) -> bool:
            answer = await look(queue_name)
            self.paused_answers.append(answer)
            return answer

        self.backend.is_queue_paused = recorded

    async def __aenter__(self) -> "Worker":
        self.h.workers.append(self)
        self.h.tg.start_soon(self._run)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _run(self) -> None:
        with self.scope:
            try:
                await run_worker(self.queue, backend=self.backend, concurrency=self.concurrency,
                                 repeatables=self.repeatables)
            except Exception as e:  # the worker loop ends only when cancelled
                self.error = e
        self.done.set()

    async def stop(self) -> None:
        """Cancels the worker and closes its pools. AsyncMQ 0.9.1's repeatable scheduler, cancelled
        while it holds its advisory lock (asyncmq/schedulers.py), never gives its pooled connection
        back, so closing the pool would wait forever: after a deadline the worker's sessions are
        terminated instead."""
        if self not in self.h.workers:
            return
        self.h.workers.remove(self)
        self.scope.cancel()
        with anyio.move_on_after(5):
            await self.done.wait()
        with anyio.move_on_after(2) as closing:
            await self.backend.close()
        if closing.cancelled_caught:
            for pool in (self.backend.pool, self.backend.store.pool):
                if pool is not None:
                    pool.terminate()
        n, locked = await self.h.terminate_sessions(self.app)
        if n:
            print(f"# {self.app}: terminated {n} session(s) the stopped worker left, {locked} holding an advisory lock",
                  flush=True)
        if self.error is not None:
            self.h.ok(f"worker {self.app} ran without an error", False,
                      "".join(traceback.format_exception(self.error)))


class WorkerProcess:
    """worker_process.py: AsyncMQ's worker loop in a process of its own, with the stalled check on,
    so that a test can kill it."""

    def __init__(self, h: Harness, queue: str, block: bool) -> None:
        self.h, self.queue = h, queue
        self.app = h.name(queue)
        env = dict(os.environ, INTEROP_APP=self.app, INTEROP_BLOCK="1" if block else "0",
                   ENABLE_STALLED_CHECK="true")
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "worker_process.py"), queue], env=env)
        h.workers.append(self)

    async def _exited(self) -> bool:
        return self.proc.poll() is not None

    async def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        await self.h.poll(self._exited, timeout=5)

    async def stop(self) -> None:
        if self not in self.h.workers:
            return
        self.h.workers.remove(self)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            if not await self.h.poll(self._exited, timeout=5):
                await self.kill()
        await self.h.terminate_sessions(self.app)


def run(main) -> None:
    """Runs `async def main(h)` with a SQL connection and a task group for workers; ends with a
    check that no worker session is left. Exits non-zero when a check failed."""
    h = Harness()
    program = os.path.basename(sys.argv[0])

    async def top() -> None:
        h.sql = await asyncpg.connect(DSN, server_settings={"application_name": "interop-sql"})
        try:
            async with anyio.create_task_group() as tg:
                h.tg = tg
                try:
                    await main(h)
                except Exception as e:
                    h.ok(f"{program} ran to its end", False, "".join(traceback.format_exception(e)))
                finally:
                    with anyio.CancelScope(shield=True):
                        await h.stop_all()
            h.eq(f"{program}: every worker stopped, none of its sessions left", 0, await h.val(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE $1", WORKER_APP + "%"))
        finally:
            await h.sql.close()

    anyio.run(top)
    sys.exit(1 if h.failed else 0)
