"""Why a worker stopped when Redis, not the code, is the cause, and waiting it out.

Streaq's worker stops on the first Redis error it meets. These errors are states of
Redis that pass without touching the worker, so a worker process waits them out
and starts a fresh worker (worker_process.py) instead of dying:

- the connection is lost (Redis restarts, the network drops);
- Redis stops answering on an open connection (a connection that stopped
  delivering without closing: the client's reply timeout, timeouts.py, ends it);
- the queue's streams were deleted (FLUSHALL, FLUSHDB, a Redis that came back
  empty): Streaq's blocked read ends with UNBLOCKED, the next one with NOGROUP;
- Redis refuses writes: out of memory, a demoted replica (whose blocked reads end
  with UNBLOCKED too), a failed snapshot (pressure.py).
"""

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

import coredis.exceptions
import redis

from ...config import Settings
from ...redis_topology import redis_settings_named, sync_redis
from .pressure import write_refusal
from .producer import REDIS_CONNECTION_ERRORS

logger = logging.getLogger(__name__)

# How often a waiting worker tries Redis, and how often it says it still waits.
RETRY_SECONDS = 1.0
WAITING_LOG_SECONDS = 30.0
# The key a waiting worker writes to learn that Redis accepts writes again.
PROBE_KEY = "streaq:{queue_name}:writable-probe"
PROBE_EXPIRY_MS = 10_000
# A blocked read on a server demoted to a replica ends with "UNBLOCKED force
# unblock from blocking operation, instance state changed (master -> replica?)";
# the writes after it would meet this refusal.
READ_ONLY_MESSAGE = "You can't write against a read only replica."


@dataclass(frozen=True)
class RedisTrouble:
    """What happened, as the end of "the worker ..." (no final period)."""

    what: str


def leaf_errors(error: BaseException) -> Iterator[BaseException]:
    """Every exception inside `error`, exception groups unpacked."""
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from leaf_errors(inner)
    else:
        yield error


def causes(error: BaseException) -> Iterator[BaseException]:
    """Every leaf of `error` and the chain of causes behind each."""
    for leaf in leaf_errors(error):
        cause: BaseException | None = leaf
        while cause is not None:
            yield cause
            cause = cause.__cause__


def trouble_of(error: BaseException) -> RedisTrouble | None:
    """The state of Redis that stopped the worker, or None for any other error."""
    for cause in causes(error):
        if isinstance(cause, REDIS_CONNECTION_ERRORS):
            return RedisTrouble(f"lost its connection to Redis ({cause})")
        if isinstance(cause, TimeoutError):
            return RedisTrouble(
                f"got no answer from Redis in time ({cause}): the connection "
                "stopped delivering or the server hangs"
            )
        if isinstance(cause, coredis.exceptions.UnblockedError) and (
            "replica" in str(cause)
        ):
            cause = coredis.exceptions.ReadOnlyError(READ_ONLY_MESSAGE)
        if isinstance(
            cause,
            coredis.exceptions.UnblockedError
            | coredis.exceptions.StreamConsumerGroupError,
        ):
            return RedisTrouble(
                f"found the queue's streams deleted ({cause}): FLUSHALL, FLUSHDB "
                "or a Redis that came back empty"
            )
        if (refusal := write_refusal(cause)) is not None:
            fix = refusal.fix.removesuffix(".")
            return RedisTrouble(f"was refused writes: {refusal.reason} ({fix})")
    return None


def redis_problem(settings: Settings, queue_name: str) -> str | None:
    """Why Redis cannot serve a worker right now, or None when it can: it must
    answer and accept a write."""
    try:
        with sync_redis(
            settings,
            socket_connect_timeout=RETRY_SECONDS,
            socket_timeout=RETRY_SECONDS,
        ) as client:
            client.set(PROBE_KEY.format(queue_name=queue_name), "1", px=PROBE_EXPIRY_MS)
    except redis.RedisError as error:
        return f"{type(error).__name__}: {error}"
    return None


def wait_for_redis(settings: Settings, queue_name: str) -> float:
    """Block until Redis answers and accepts writes, saying every so often that
    the worker waits and why; return the seconds waited."""
    started = last_said = time.monotonic()
    while (problem := redis_problem(settings, queue_name)) is not None:
        time.sleep(RETRY_SECONDS)
        if time.monotonic() - last_said >= WAITING_LOG_SECONDS:
            last_said = time.monotonic()
            logger.warning(
                "still waiting for Redis (%.0f s): %s; check %s and the server",
                last_said - started,
                problem,
                redis_settings_named(settings),
            )
    return time.monotonic() - started
