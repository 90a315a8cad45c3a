"""Noticing that Redis lost the queue's data, and saying what that cost.

A FLUSHALL, or a Redis restarted without persistence, empties the queue with no
error anyone sees: queued and scheduled tasks, results, abort requests and the
cron schedule are gone. To notice, each worker process stamps the queue's Redis
with the time it first saw it (a key written only if absent) and remembers the
stamp across its restarts (worker_process.py re-executes it with the stamp in its
environment). A different stamp after a restart means the data was lost between.
"""

import logging
import os
import secrets
from datetime import UTC, datetime

import redis

from ...config import Settings
from ...redis_topology import sync_redis

logger = logging.getLogger(__name__)

STAMP_KEY = "streaq:{queue_name}:data-since"
# Where a worker process keeps the stamp it saw, for the process it re-executes.
STAMP_VARIABLE = "WORKER_SEEN_REDIS_DATA_SINCE"

WHAT_IS_LOST = (
    "the tasks that were queued, scheduled or running, their results, abort "
    "requests and the cron schedule"
)


def new_stamp() -> str:
    """Now, and a random tag: a Redis emptied and stamped again within the same
    instant still gets a stamp of its own (a worker restarts in under a second)."""
    return f"{datetime.now(UTC).isoformat()}#{secrets.token_hex(4)}"


def stamped_at(stamp: str) -> str:
    """The time part of a stamp, for people."""
    return stamp.partition("#")[0]


def stamp_redis(settings: Settings, queue_name: str) -> str:
    """The stamp of the queue's Redis data (when it was first seen), stamping it
    now if unset."""
    key = STAMP_KEY.format(queue_name=queue_name)
    stamp = new_stamp()
    with sync_redis(settings, decode_responses=True) as client:
        client.set(key, stamp, nx=True)
        return str(client.get(key) or stamp)


def check_for_data_loss(settings: Settings, queue_name: str) -> None:
    """Log what was lost if Redis lost its data since this process last looked;
    remember the current stamp for the next look. Never fails the worker: a
    Redis that cannot answer here fails the worker's own start soon after."""
    try:
        stamp = stamp_redis(settings, queue_name)
    except redis.RedisError as error:
        logger.warning("could not check Redis for lost data: %s", error)
        return
    seen = os.environ.get(STAMP_VARIABLE)
    if seen is not None and seen != stamp:
        logger.error(
            "Redis lost the queue's data (it held it since %s; it is empty since "
            "%s): lost are %s. Workers recreate what Streaq needs (streams, "
            "consumer groups, functions, the cron schedule); the lost tasks are "
            "not rerun. Run Redis with persistence (appendonly yes) and never "
            "FLUSHALL a queue's database.",
            stamped_at(seen),
            stamped_at(stamp),
            WHAT_IS_LOST,
        )
    os.environ[STAMP_VARIABLE] = stamp
