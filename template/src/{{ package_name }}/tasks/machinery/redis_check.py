"""The Redis row of the service checks (checks.py): reachable, new enough, and
how many tasks wait."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from streaq import Worker

from ...config import Settings
from .stats import count_tasks

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
    """Raise unless Redis answers and is >= 7; report its version and the tasks
    waiting, apart from those scheduled for later (cron ticks among them)."""
    info = await queue.redis.info("server")
    version = str(info["redis_version"])
    major, minor = (int(part) for part in version.split(".")[:2])
    if (major, minor) < MINIMUM_REDIS_VERSION:
        raise RuntimeError(
            f"Redis {version} is too old: Streaq needs Redis >= 7.0 "
            "(Redis Functions); upgrade the server REDIS_URL points at"
        )
    counts = await count_tasks(queue)
    return (
        f"Redis {version}, {counts.queued} task(s) queued and {counts.scheduled} "
        f"scheduled on '{queue.queue_name}'"
    )
