"""One worker process: runs a Streaq worker, carries it through Redis outages and
exits with code 1, in one line, on any other error.

Streaq's worker stops when its Redis connection breaks, and a `Worker` runs only
once per process. So a worker process that loses Redis waits until Redis answers
again and then re-executes itself: same process ID (a container or systemd sees
no restart), a fresh worker, and the tasks it held are reclaimed after
WORKER_IDLE_TIMEOUT_SECONDS like those of any vanished worker.

Any other error is fatal: the process logs it and exits with code 1, so whatever
supervises it (the `--workers N` supervisor, compose, systemd) restarts it.
"""

import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence

import redis
from streaq.cli import run_worker

from ...causes import describe
from .producer import REDIS_CONNECTION_ERRORS

logger = logging.getLogger(__name__)

# The service's top-level package, which `python -m` runs as the command line.
PACKAGE = __name__.partition(".")[0]
WORKER_PATH = f"{PACKAGE}.tasks:worker"
# How often a worker waiting for Redis tries it, and how often it says so.
REDIS_RETRY_SECONDS = 1.0
WAITING_LOG_SECONDS = 30.0
# What a worker process exits with after a fatal error.
FATAL_EXIT_CODE = 1


def leaf_errors(error: BaseException) -> Iterator[BaseException]:
    """Every exception inside `error`, exception groups unpacked."""
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from leaf_errors(inner)
    else:
        yield error


def lost_redis(error: BaseException) -> bool:
    """The worker stopped because Redis could not be reached."""
    for leaf in leaf_errors(error):
        cause: BaseException | None = leaf
        while cause is not None:
            if isinstance(cause, REDIS_CONNECTION_ERRORS):
                return True
            cause = cause.__cause__
    return False


def redis_answers(redis_url: str) -> bool:
    try:
        with redis.Redis.from_url(
            redis_url, socket_connect_timeout=REDIS_RETRY_SECONDS
        ) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def wait_for_redis(redis_url: str) -> None:
    """Block until Redis answers, saying every so often that the worker waits."""
    started = last_said = time.monotonic()
    while not redis_answers(redis_url):
        time.sleep(REDIS_RETRY_SECONDS)
        if time.monotonic() - last_said >= WAITING_LOG_SECONDS:
            last_said = time.monotonic()
            logger.warning(
                "still waiting for Redis (%.0f s); check REDIS_URL and the server",
                last_said - started,
            )


def worker_command(*, burst: bool, verbose: bool) -> list[str]:
    """The command line of one worker process of this project."""
    return [
        sys.executable,
        *("-m", PACKAGE, "worker"),
        *(["--burst"] if burst else []),
        *(["--verbose"] if verbose else []),
    ]


def run_one_worker(
    *,
    burst: bool,
    verbose: bool,
    redis_url: str,
    restart_command: Sequence[str],
    before_restart: Callable[[], None] | None = None,
) -> None:
    """Run a worker in this process until it stops; after losing Redis, wait for
    it and re-execute `restart_command` in place; after any other error, exit
    with FATAL_EXIT_CODE."""
    try:
        run_worker(WORKER_PATH, burst, False, verbose)
    except Exception as error:
        if not lost_redis(error):
            # One line, no traceback: the cause is what a person needs to act.
            logger.critical(
                "the worker stopped on an error: %s; exiting with code %d so that "
                "its supervisor restarts it (fix the cause if this repeats)",
                describe(error),
                FATAL_EXIT_CODE,
            )
            raise SystemExit(FATAL_EXIT_CODE) from None
        logger.error(
            "the worker lost Redis (%s); it restarts once Redis answers again",
            next(leaf_errors(error)),
        )
    else:
        return
    wait_for_redis(redis_url)
    if before_restart is not None:
        before_restart()
    logger.warning("Redis answers again: restarting the worker")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(restart_command[0], list(restart_command))  # noqa: S606 - our own command
