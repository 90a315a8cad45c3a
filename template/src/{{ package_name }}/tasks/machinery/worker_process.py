"""One worker process: runs a Streaq worker, carries it through Redis trouble and
exits with code 1, in one line, on any other error.

Streaq's worker stops on the first Redis error it meets, and a `Worker` runs only
once per process. So a worker process whose Redis fails it (redis_trouble.py: a
lost or silent connection, deleted streams, refused writes) waits until Redis
answers and accepts writes, then re-executes itself: same process ID (a container
or systemd sees no restart), a fresh worker that recreates what Streaq needs
(functions, consumer groups, the cron schedule), and the tasks it held are
reclaimed after WORKER_IDLE_TIMEOUT_SECONDS like those of any vanished worker. If
Redis lost its data meanwhile, the new worker says what was lost (data_loss.py).

Any other error is fatal: the process logs it and exits with code 1, so whatever
supervises it (the `--workers N` supervisor, compose, systemd) restarts it.
"""

import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, cast

from streaq import Worker
from streaq.utils import import_string

from ...causes import describe
from ...config import Settings, get_settings
from ...observability.logs import configure_logging
from .data_loss import check_for_data_loss
from .redis_trouble import trouble_of, wait_for_redis
from .task_logs import log_task_fields

logger = logging.getLogger(__name__)

# The service's top-level package, which `python -m` runs as the command line.
PACKAGE = __name__.partition(".")[0]
WORKER_PATH = f"{PACKAGE}.tasks:worker"
# What a worker process exits with after a fatal error.
FATAL_EXIT_CODE = 1


def worker_command(*, burst: bool, verbose: bool) -> list[str]:
    """The command line of one worker process of this project."""
    return [
        sys.executable,
        *("-m", PACKAGE, "worker"),
        *(["--burst"] if burst else []),
        *(["--verbose"] if verbose else []),
    ]


def run_worker(*, burst: bool) -> None:
    """Run the project's worker in this process until it stops.

    What `streaq run` does (import the worker, set `burst`, run it) without its
    logging set-up, which gives Streaq's logger a handler and a format of its
    own: here Streaq's lines go through the process's one handler, in LOG_FORMAT,
    with the running task's fields (task_logs.py)."""
    worker = cast(Worker[Any], import_string(WORKER_PATH))
    worker.burst = burst
    log_task_fields(worker)
    worker.run_sync()


def run_reloading_worker(burst: bool, verbose: bool) -> None:
    """The body of the process `worker --reload` restarts on each code change: a
    fresh interpreter, so it sets up logging as the `worker` command does."""
    configure_logging(get_settings(), verbose=verbose)
    run_worker(burst=burst)


def run_one_worker(
    *,
    burst: bool,
    settings: Settings,
    queue_name: str,
    restart_command: Sequence[str],
    before_restart: Callable[[], None] | None = None,
) -> None:
    """Run a worker in this process until it stops; after Redis trouble, wait it
    out and re-execute `restart_command` in place; after any other error, exit
    with FATAL_EXIT_CODE."""
    check_for_data_loss(settings, queue_name)
    try:
        run_worker(burst=burst)
    except Exception as error:
        trouble = trouble_of(error)
        if trouble is None:
            # One line, no traceback: the cause is what a person needs to act.
            logger.critical(
                "the worker stopped on an error: %s; exiting with code %d so that "
                "its supervisor restarts it (fix the cause if this repeats)",
                describe(error),
                FATAL_EXIT_CODE,
            )
            raise SystemExit(FATAL_EXIT_CODE) from None
        logger.error(
            "the worker %s; it restarts once Redis answers again and accepts writes",
            trouble.what,
        )
    else:
        return
    waited = wait_for_redis(settings, queue_name)
    if before_restart is not None:
        before_restart()
    logger.warning("Redis answers again after %.1f s: restarting the worker", waited)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(restart_command[0], list(restart_command))  # noqa: S606 - our own command
