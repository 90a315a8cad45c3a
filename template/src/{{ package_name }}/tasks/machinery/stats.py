"""The queue's numbers behind `GET /tasks/stats`: waiting, scheduled, running, dead,
and the workers alive."""

from typing import Any

from pydantic import BaseModel
from streaq import TaskStatus, Worker

from ...models.task_records import DeadLetter
from ...worker_health import SCAN_BATCH, heartbeat_pattern, worker_id_of

# Running tasks are listed to be counted; beyond this many the count is capped.
RUNNING_COUNT_LIMIT = 10_000


class QueueStats(BaseModel):
    queue_name: str
    queued: int
    scheduled: int
    running: int
    dead_letters: int
    # Workers with a current Streaq heartbeat (see worker_health.py).
    live_workers: int


class TaskCounts(BaseModel):
    """Tasks by where they are in Redis (no database needed)."""

    queued: int
    scheduled: int
    running: int


async def count_tasks(queue: Worker[Any]) -> TaskCounts:
    """Tasks waiting for a worker, scheduled for later (cron ticks included) and
    running now."""
    waiting = await queue.queue_size(include_scheduled=False)
    everything = await queue.queue_size(include_scheduled=True)
    running = len(
        await queue.get_tasks_by_status(TaskStatus.RUNNING, limit=RUNNING_COUNT_LIMIT)
    )
    # A running task stays in its stream until it finishes.
    return TaskCounts(
        queued=max(waiting - running, 0),
        scheduled=everything - waiting,
        running=running,
    )


async def live_worker_ids(queue: Worker[Any]) -> list[str]:
    """The workers whose heartbeat is current on the queue, read over the queue's
    own connection (`worker health` reads the same keys without Streaq)."""
    pattern = heartbeat_pattern(queue.queue_name)
    found: set[str] = set()
    # Under Redis Cluster, SCAN runs on each primary in turn.
    async for key in queue.redis.scan_iter(match=pattern, count=SCAN_BATCH):
        # SCAN may return a key twice; the set counts each worker once.
        found.add(worker_id_of(key.decode() if isinstance(key, bytes) else key))
    return sorted(found)


async def queue_stats(queue: Worker[Any]) -> QueueStats:
    """Tasks waiting, scheduled for later and running now, dead letters and the
    workers alive."""
    counts = await count_tasks(queue)
    return QueueStats(
        queue_name=queue.queue_name,
        **counts.model_dump(),
        dead_letters=await DeadLetter.count(),
        live_workers=len(await live_worker_ids(queue)),
    )
