"""The tasks AsyncMQ's worker runs in the interoperability tests.

Each task takes a tag (unique per job) as its first argument and records every run under it, with
its start and end (time.time(), AsyncMQ's clock), so a test can tell how often and when a job ran.
"""

import os
import time
from collections import defaultdict

import anyio
from asyncmq.tasks import task

RUNS: dict[str, list[tuple[float, float]]] = defaultdict(list)
STARTED: dict[str, float] = {}
_gates: dict[str, anyio.Event] = {}
_failed_once: set[str] = set()


def gate(tag: str) -> anyio.Event:
    """The event a `hold` job waits for."""
    return _gates.setdefault(tag, anyio.Event())


@task(queue="interop")
async def echo(tag: str, value: object = None) -> dict:
    start = time.time()
    RUNS[tag].append((start, time.time()))
    return {"tag": tag, "value": value}


@task(queue="interop")
async def slow(tag: str, seconds: float) -> dict:
    """Runs for `seconds`: a parent that is still running while its child could be taken."""
    start = time.time()
    await anyio.sleep(seconds)
    RUNS[tag].append((start, time.time()))
    return {"tag": tag}


@task(queue="interop")
async def flaky(tag: str) -> dict:
    """Fails on its first run and succeeds on the next."""
    start = time.time()
    RUNS[tag].append((start, time.time()))
    if tag not in _failed_once:
        _failed_once.add(tag)
        raise RuntimeError(f"first run of {tag} fails")
    return {"tag": tag, "attempt": len(RUNS[tag])}


@task(queue="interop")
async def fail(tag: str) -> None:
    RUNS[tag].append((time.time(), time.time()))
    raise RuntimeError(f"{tag} always fails")


@task(queue="interop")
async def hold(tag: str) -> dict:
    """Runs until the test opens its gate."""
    start = STARTED.setdefault(tag, time.time())
    await gate(tag).wait()
    RUNS[tag].append((start, time.time()))
    return {"tag": tag}


@task(queue="interop")
async def block_if_asked(tag: str) -> dict:
    """Never ends in a worker started with INTEROP_BLOCK=1 (one that the test kills)."""
    while os.environ.get("INTEROP_BLOCK") == "1":
        await anyio.sleep(3600)
    return {"tag": tag, "pid": os.getpid()}
