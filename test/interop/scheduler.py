"""The extension's scheduler with AsyncMQ's own worker: AsyncMQ's job loop
(asyncmq.workers.process_job, what its Worker class runs, with no delayed-job scanner and no
repeatable scheduler beside it) runs the job the scheduler fired from a repeatable stored in the
table, and runs a failed job again once the scheduler promoted its retry. Run by
test/shell/interop_scheduler.sh, on a cluster that preloads asyncmq with a scheduler in this
database."""

import json

import anyio
from anyio import CapacityLimiter
from asyncmq.workers import process_job

from harness import run
from interop_tasks import RUNS


class JobLoop:
    """AsyncMQ's process_job on one queue, with a backend of its own; stopped like the harness's
    workers (its sessions ended when its pool does not close)."""

    def __init__(self, h, queue: str) -> None:
        self.h, self.queue = h, queue
        self.app = h.name(queue)
        self.backend = h.backend(self.app)
        self.scope = anyio.CancelScope()
        self.done = anyio.Event()

    async def __aenter__(self) -> "JobLoop":
        self.h.workers.append(self)
        self.h.tg.start_soon(self._run)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _run(self) -> None:
        with self.scope:
            await process_job(self.queue, CapacityLimiter(2), None, self.backend)
        self.done.set()

    async def stop(self) -> None:
        if self not in self.h.workers:
            return
        self.h.workers.remove(self)
        self.scope.cancel()
        with anyio.move_on_after(5):
            await self.done.wait()
        with anyio.move_on_after(2):
            await self.backend.close()
        await self.h.terminate_sessions(self.app)


async def main(h):
    producer = h.backend(h.name("producer"))
    try:
        await fired(h, producer)
        await retried(h, producer)
    finally:
        await producer.close()


async def fired(h, backend):
    q = h.queue("scheduled", backend)
    await q.upsert_repeatable("interop_tasks.echo", every=3600, args=["fired"])
    await h.val("UPDATE asyncmq_repeatables SET next_run = now() WHERE queue_name = 'scheduled'")
    async with JobLoop(h, "scheduled"):
        async def completed():
            return await h.rows("SELECT status, data->'result' FROM asyncmq_jobs WHERE queue_name = 'scheduled'")
        rows = await h.poll(lambda: _when(completed, lambda r: r and r[0][0] == "completed"))
        h.eq("scheduler: AsyncMQ's job loop ran the job the scheduler fired from a stored repeatable, once",
             ([("completed", json.dumps({"tag": "fired", "value": None}))], 1), (rows, len(RUNS["fired"])))
    h.ok("scheduler: and next_run moved on an hour", await h.val(
        "SELECT next_run > now() + interval '59 minutes' FROM asyncmq_repeatables WHERE queue_name = 'scheduled'"))


async def retried(h, backend):
    q = h.queue("retried", backend)
    await q.add("interop_tasks.flaky", ["retry"], retries=1, backoff=0.3, job_id="flaky")
    async with JobLoop(h, "retried"):
        async def done():
            return await h.job("retried", "flaky")
        row = await h.poll(lambda: _when(done, lambda r: r and r["status"] == "completed"))
        runs = RUNS["retry"]
        h.eq("scheduler: the job failed once, the scheduler promoted its retry, AsyncMQ's job loop ran it again",
             ("completed", 1, 2), (row and row["status"], row and row["data"]["retries"], len(runs)))
        h.ok("scheduler: the second run came after the backoff (0.3 s)", len(runs) == 2 and runs[1][0] - runs[0][1] >= 0.3,
             runs)


async def _when(probe, test):
    value = await probe()
    return value if test(value) else None


run(main)
