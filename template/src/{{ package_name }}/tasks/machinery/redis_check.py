"""The Redis and workers rows of the service checks (checks.py): Redis reachable,
new enough, how many tasks wait and how many workers are alive; and, for doctor,
that at least one is."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from streaq import Worker

from ...config import Settings
from ...redis_topology import (
    cluster_primaries,
    current_primary,
    streaq_connection,
    uses_cluster,
    uses_sentinel,
)
from .pressure import READ_ONLY, write_refusal
from .stats import count_tasks, live_worker_ids

MINIMUM_REDIS_VERSION = (7, 0)


@asynccontextmanager
async def open_redis_probe(settings: Settings) -> AsyncIterator[Worker[Any]]:
    """A short-lived connection of its own, for commands that check Redis before
    they start a server or a worker: the shared `worker` stays untouched for the
    process that follows."""
    probe: Worker[Any] = Worker(
        **streaq_connection(settings, {}),
        queue_name=settings.queue_name,
    )
    async with probe:
        yield probe


async def topology_detail(settings: Settings) -> str:
    """Which topology serves the queue; under Sentinel, the primary the sentinels
    name now (after a failover, the replica they promoted); under Redis Cluster,
    how many primaries share the hash slots."""
    if uses_cluster(settings):
        return f"Cluster, {await cluster_primaries(settings)} primaries"
    if not uses_sentinel(settings):
        return "one server"
    primary = await current_primary(settings)
    return f"Sentinel '{settings.redis_sentinel_master}', primary {primary}"


async def check_redis(queue: Worker[Any], settings: Settings) -> str:
    """Raise unless Redis answers, is >= 7 and takes writes; report its version,
    the tasks waiting, apart from those scheduled for later (cron ticks among
    them), and the workers alive (none is no failure here: see the workers row).

    A Redis that refuses writes fails the check like a stopped one: every enqueue
    would answer 503, and the fix (REDIS_URL, memory) is the operator's."""
    info = await queue.redis.info("server")
    version = str(info["redis_version"])
    major, minor = (int(part) for part in version.split(".")[:2])
    if (major, minor) < MINIMUM_REDIS_VERSION:
        raise RuntimeError(
            f"Redis {version} is too old: Streaq needs Redis >= 7.0 "
            "(Redis Functions); upgrade the server REDIS_URL points at"
        )
    replication = await queue.redis.info("replication")
    if replication["role"] != "master":
        # Reads still work on a replica: only asking tells it from a primary.
        raise RuntimeError(READ_ONLY.summary)
    try:
        counts = await count_tasks(queue)
    except Exception as error:
        # Out of memory, Streaq's pipelined reads are refused too.
        if (refusal := write_refusal(error)) is None:
            raise
        raise RuntimeError(refusal.summary) from error
    workers = len(await live_worker_ids(queue))
    topology = await topology_detail(settings)
    return (
        f"Redis {version} ({topology}), {counts.queued} task(s) queued and "
        f"{counts.scheduled} scheduled on '{queue.queue_name}', {workers} worker(s) "
        "alive"
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
