"""AsyncMQ's worker loop (asyncmq.runners.run_worker) on one queue, in a process of its own, as
`asyncmq worker start QUEUE` runs it: started by harness.WorkerProcess, which may kill it. Its
sessions carry INTEROP_APP as their application name. SIGTERM stops it."""

import os
import signal
import sys

import anyio
from asyncmq.backends.postgres import PostgresBackend
from asyncmq.conf import settings
from asyncmq.logging import setup_logging
from asyncmq.runners import run_worker

import interop_tasks  # noqa: F401  (registers the tasks)


setup_logging(settings.logging_config)


async def main(queue: str) -> None:
    backend = PostgresBackend(pool_options={
        "min_size": 1, "max_size": 4, "server_settings": {"application_name": os.environ["INTEROP_APP"]}})
    with anyio.open_signal_receiver(signal.SIGTERM) as signals:
        async with anyio.create_task_group() as tg:
            tg.start_soon(run_worker, queue, backend, 1)
            async for _ in signals:
                tg.cancel_scope.cancel()
                break
    # The process ends here; its sessions end with it.


if __name__ == "__main__":
    anyio.run(main, sys.argv[1])
