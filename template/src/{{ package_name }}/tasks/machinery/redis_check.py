"""The Redis and workers rows of the service checks (checks.py): Redis reachable,
new enough, how many tasks wait and how many workers are alive; and, for doctor,
that at least one is."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from streaq import Worker

from ...config import Settings
from .stats import count_tasks, live_worker_ids

MINIMUM_REDIS_VERSION = (7, 0)


@asynccontextmanager
async def open_redis_probe(settings: Settings) -> AsyncIterator[Worker[Any]]:
    """A short-lived connection of its own, for commands that check Redis before
    they start a server or a worker: the shared `worker` stays untouched for the
    process that follows."""
    probe: Worker[Any] = Worker(
        redis_url=settings.redis_url.get_secret_value(),
        queue_name=settings.queue_name,
    )
    async with probe:
        yield probe


async def check_redis(queue: Worker[Any], settings: Settings) -> str:
    """Raise unless Redis answers and is >= 7; report its version, the tasks
    waiting, apart from those scheduled for later (cron ticks among them), and the
    workers alive (none is no failure here: see the workers row)."""
    info = await queue.redis.info("server")
    version = str(info["redis_version"])
    major, minor = (int(part) for part in version.split(".")[:2])
    if (major, minor) < MINIMUM_REDIS_VERSION:
        raise RuntimeError(
            f"Redis {version} is too old: Streaq needs Redis >= 7.0 "
            "(Redis Functions); upgrade the server REDIS_URL points at"
        )
    counts = await count_tasks(queue)
    workers = len(await live_worker_ids(queue))
    return (
        f"Redis {version}, {counts.queued} task(s) queued and {counts.scheduled} "
        f"scheduled on '{queue.queue_name}', {workers} worker(s) alive"
    )


async def check_workers(queue: Worker[Any], settings: Settings) -> str:
    """Raise unless at least one worker has a current heartbeat on the queue:
    tasks would wait forever."""
    alive = await live_worker_ids(queue)
    if not alive:
        raise RuntimeError(
            f"no worker alive on queue '{queue.queue_name}' (no Streaq heartbeat "
            "in Redis): enqueued tasks wait until one starts"
        )
    return f"{len(alive)} worker(s) alive on '{queue.queue_name}'"
