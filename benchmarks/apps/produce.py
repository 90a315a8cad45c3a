"""Fill a queue with no-op tasks before a burst worker drains it, or count what
is left. Runs in the generated project's environment:

    python -m benchmarks.apps.produce enqueue WORKER TASK COUNT [DELAY]  # seconds
    python -m benchmarks.apps.produce remaining WORKER            # prints a count
    python -m benchmarks.apps.produce watch WORKER                # see `watch`
    python -m benchmarks.apps.produce timeline WORKER             # see `timeline`

WORKER and TASK are `module:attribute` paths, so the template's worker and the
plain one go through the same code. DELAY, in seconds, is the no-op task's
`delay_seconds`: how long each run waits, as a task waiting on I/O would.
"""

import asyncio
import gc
import importlib
import sys
import time
from typing import Any

# Often enough to time a drain of ~10 s to 1%; light on Redis (three XLENs).
WATCH_INTERVAL_SECONDS = 0.01


def load(path: str) -> Any:
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


async def enqueue(worker: Any, task: Any, count: int, delay: float = 0.0) -> float:
    # Both sides freeze what start-up made, as the template's API and worker
    # lifespans do: otherwise the garbage collector's full passes over the larger
    # import graph, not the queue, would be measured.
    gc.freeze()
    async with worker:
        started = time.perf_counter()
        arguments = {"delay_seconds": delay} if delay else {}
        await worker.enqueue_many([task.enqueue(**arguments) for _ in range(count)])
        return time.perf_counter() - started


async def queued(worker: Any) -> int:
    # Scheduled tasks (the next cron run) are not work left over.
    size: int = await worker.queue_size(include_scheduled=False)
    return size


async def remaining(worker: Any) -> int:
    async with worker:
        return await queued(worker)


async def watch(worker: Any) -> None:
    """Time a worker's steady-state drain, its start-up left out.

    Prints "watching" once connected (start the worker then), and when the queue
    is empty "<tasks> <seconds>": the tasks left when the first one finished and
    the time from then until the last finished. Streaq deletes a task from its
    stream when it finishes, so the stream length counts what is left.
    """
    async with worker:
        total = await queued(worker)
        print("watching", flush=True)
        while (left := await queued(worker)) >= total:
            await asyncio.sleep(WATCH_INTERVAL_SECONDS)
        started = time.perf_counter()
        while await queued(worker):
            await asyncio.sleep(WATCH_INTERVAL_SECONDS)
        print(left, time.perf_counter() - started, flush=True)


async def timeline(worker: Any) -> None:
    """Record how a worker's queue empties, for a drain that shares the machine
    with another (side_by_side.drain_side_by_side compares both over the span
    both drained).

    Prints "watching" once connected, and when the queue is empty one line
    "<monotonic seconds> <tasks left>" per reading, from the first reading to the
    empty queue. The monotonic clock is the system's: readings of two watchers
    can be set side by side.
    """
    async with worker:
        readings = [(time.monotonic(), await queued(worker))]
        print("watching", flush=True)
        while readings[-1][1]:
            await asyncio.sleep(WATCH_INTERVAL_SECONDS)
            readings.append((time.monotonic(), await queued(worker)))
        for seconds, left in readings:
            print(seconds, left)


def main(argv: list[str]) -> None:
    match argv:
        case ["enqueue", worker, task, count]:
            print(asyncio.run(enqueue(load(worker), load(task), int(count))))
        case ["enqueue", worker, task, count, delay]:
            print(
                asyncio.run(enqueue(load(worker), load(task), int(count), float(delay)))
            )
        case ["remaining", worker]:
            print(asyncio.run(remaining(load(worker))))
        case ["watch", worker]:
            asyncio.run(watch(load(worker)))
        case ["timeline", worker]:
            asyncio.run(timeline(load(worker)))
        case _:
            raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
