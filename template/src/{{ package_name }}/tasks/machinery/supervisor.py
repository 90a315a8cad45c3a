"""`worker --workers N`: N worker processes, watched and restarted by this one.

Each worker is a child started with the `spawn` method: a fresh interpreter that
imports the project and so builds its own `Worker`, with a Streaq id of its own.
A forked child would share the id of the `Worker` this process built at import,
and Streaq could no longer tell the workers' tasks apart (a slow task would be
reclaimed from a live worker and run twice).

A child that ends for any reason (an error, a signal, a task that ended the
process) is started again after a backoff (`restarts.py`). SIGTERM or SIGINT
stops them all: each gets WORKER_GRACE_PERIOD_SECONDS plus STOP_MARGIN_SECONDS to
finish, then what is left is killed. With `--burst`, a child that finishes its
work is not restarted, and the supervisor returns once all have. A supervisor
killed outright (SIGKILL) cannot stop its children: each gets SIGTERM from the
kernel instead (parent_death.py).
"""

import logging
import multiprocessing
import os
import signal
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from multiprocessing.context import SpawnProcess
from types import FrameType

from ...config import get_settings
from ...observability.logs import configure_logging
from .parent_death import end_with_parent
from .restarts import RestartBackoff, describe_exit
from .worker_process import run_one_worker, worker_command

logger = logging.getLogger(__name__)

SPAWN = multiprocessing.get_context("spawn")
# Stopping workers get this long beyond their grace period to close their
# resources before they are killed.
STOP_MARGIN_SECONDS = 5.0
# Longest the watch loop sleeps before it looks at a stop request again.
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class WorkerOptions:
    """What every child needs to run a worker (sent to it, so picklable)."""

    burst: bool
    verbose: bool
    queue_name: str
    # Read where the options are made: in the supervisor.
    supervisor_pid: int = field(default_factory=os.getpid)


def run_supervised_worker(number: int, options: WorkerOptions) -> None:
    """The body of child `number`: one worker, as `worker` alone would run it."""
    # A process group of its own: a Ctrl-C in a terminal then reaches the worker
    # once, as the supervisor's SIGTERM. Streaq listens for the first signal
    # only; a second one would kill the worker in its grace period.
    os.setpgrp()
    # A supervisor killed outright cannot stop its workers: they stop themselves.
    end_with_parent(options.supervisor_pid)
    # A fresh interpreter: its logging is set up as the supervisor's was.
    configure_logging(get_settings(), verbose=options.verbose)
    run_one_worker(
        burst=options.burst,
        # Read here: the settings are the supervisor's environment, inherited.
        settings=get_settings(),
        queue_name=options.queue_name,
        restart_command=worker_command(burst=options.burst, verbose=options.verbose),
    )


@dataclass
class WorkerSlot:
    """One of the N workers: its current process, if any, and its restart plan."""

    number: int
    backoff: RestartBackoff = field(default_factory=RestartBackoff)
    process: SpawnProcess | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    done: bool = False


class StopRequest:
    """Records SIGTERM or SIGINT; the watch loop reads it between waits."""

    def __init__(self) -> None:
        self.signal_name: str | None = None
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop_signal, self.record)

    def record(self, signum: int, frame: FrameType | None) -> None:
        self.signal_name = signal.Signals(signum).name


def start(slot: WorkerSlot, options: WorkerOptions) -> None:
    process = SPAWN.Process(
        target=run_supervised_worker,
        args=(slot.number, options),
        name=f"worker-{slot.number}",
    )
    process.start()
    slot.process, slot.started_at, slot.restart_at = process, time.monotonic(), None
    logger.info("worker %d started (pid %s)", slot.number, process.pid)


def note_exit(slot: WorkerSlot, process: SpawnProcess, *, burst: bool) -> None:
    """`process`, the slot's child, has ended: mark a finished burst worker done,
    else plan its restart."""
    # Not alive, so multiprocessing has its exit code (negative: a signal).
    exit_code = process.exitcode if process.exitcode is not None else 0
    ran_seconds = time.monotonic() - slot.started_at
    pid = process.pid
    process.close()
    slot.process = None
    if burst and exit_code == 0:
        slot.done = True
        logger.info("worker %d (pid %s) finished: the queue is empty", slot.number, pid)
        return
    delay = slot.backoff.delay_after(ran_seconds)
    slot.restart_at = time.monotonic() + delay
    logger.warning(
        "worker %d (pid %s) %s; restarting in %g s",
        slot.number,
        pid,
        describe_exit(exit_code),
        delay,
    )


def wait_for_change(slots: list[WorkerSlot]) -> None:
    """Sleep until a child ends, a restart is due or POLL_SECONDS have passed."""
    now = time.monotonic()
    due = [slot.restart_at - now for slot in slots if slot.restart_at is not None]
    timeout = max(0.0, min([POLL_SECONDS, *due]))
    sentinels = [slot.process.sentinel for slot in slots if slot.process is not None]
    if sentinels:
        wait(sentinels, timeout)
    else:
        time.sleep(timeout)


def watch(slots: list[WorkerSlot], options: WorkerOptions, stop: StopRequest) -> None:
    """Keep every slot's worker running until a stop signal (or, with `--burst`,
    until every worker has finished)."""
    while stop.signal_name is None and not all(slot.done for slot in slots):
        wait_for_change(slots)
        if stop.signal_name is not None:
            return
        for slot in slots:
            process = slot.process
            if process is not None and not process.is_alive():
                note_exit(slot, process, burst=options.burst)
            if slot.restart_at is not None and slot.restart_at <= time.monotonic():
                start(slot, options)


def stop_all(slots: list[WorkerSlot], timeout: float) -> None:
    """SIGTERM every running child, wait up to `timeout` s, kill what is left."""
    running = [
        (slot.number, slot.process)
        for slot in slots
        if slot.process is not None and slot.process.is_alive()
    ]
    for _, process in running:
        process.terminate()
    deadline = time.monotonic() + timeout
    for number, process in running:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            logger.warning(
                "worker %d (pid %s) still runs %g s after SIGTERM: killing it",
                number,
                process.pid,
                timeout,
            )
            process.kill()
            process.join()


def supervise_workers(
    count: int, options: WorkerOptions, *, grace_period_seconds: float
) -> None:
    """Run `count` workers in child processes until SIGTERM or SIGINT (or, with
    `--burst`, until all have drained the queue), restarting any that ends."""
    stop = StopRequest()
    slots = [WorkerSlot(number) for number in range(1, count + 1)]
    stop_timeout = grace_period_seconds + STOP_MARGIN_SECONDS
    try:
        for slot in slots:
            start(slot, options)
        watch(slots, options, stop)
    finally:
        if stop.signal_name is not None:
            logger.info(
                "received %s: stopping the workers (up to %g s)",
                stop.signal_name,
                stop_timeout,
            )
        stop_all(slots, stop_timeout)
    logger.info("all workers stopped")
