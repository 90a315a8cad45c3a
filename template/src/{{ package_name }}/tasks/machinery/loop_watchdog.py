"""A watchdog for the worker's event loop: a loop that stops turning ends the process.

Everything a worker does runs on one event loop: a task that calls blocking code
inside `async def` (`time.sleep`, a synchronous HTTP or database client, a long
computation) stops the heartbeat, every other task and Streaq's own timeouts. The
other workers reclaim its tasks after the idle timeout, but the blocked process
would hold on forever, alive to its supervisor. So a thread beside the loop asks
it to turn every second; when it has not for `loop_stall_limit` seconds
(timeouts.py), the thread names the line the loop is stuck on and exits the
process with code 1, so that the supervisor (`--workers N`, compose, systemd)
starts a fresh one.
"""

import asyncio
import logging
import os
import sys
import sysconfig
import threading
import time
from types import FrameType
from typing import TypeVar

from anyio import TASK_STATUS_IGNORED
from anyio.abc import TaskStatus
from streaq import Worker

from .timeouts import loop_stall_limit
from .worker_process import FATAL_EXIT_CODE

logger = logging.getLogger(__name__)

C = TypeVar("C")

CHECK_SECONDS = 1.0
# Code outside these folders is the service's own: the likeliest culprit.
LIBRARY_FOLDERS = tuple(
    {sysconfig.get_paths()[name] for name in ("stdlib", "purelib", "platlib")}
)


def stuck_line(thread_id: int) -> str:
    """Where the thread `thread_id` is now: the innermost line of the service's
    own code if there is one, else the innermost line."""
    frame: FrameType | None = sys._current_frames().get(thread_id)
    innermost = frame
    while frame is not None:
        if not frame.f_code.co_filename.startswith(LIBRARY_FOLDERS):
            break
        frame = frame.f_back
    chosen = frame or innermost
    if chosen is None:
        return "an unknown line"
    code = chosen.f_code
    return f"{code.co_filename}:{chosen.f_lineno} in {code.co_name}"


class LoopWatchdog:
    """Ends the process when `loop` has not turned for `stall_limit` seconds."""

    def __init__(self, loop: asyncio.AbstractEventLoop, stall_limit: float) -> None:
        self._loop = loop
        self._stall_limit = stall_limit
        self._loop_thread = threading.get_ident()
        self._last_turn = time.monotonic()
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._watch, name="event-loop-watchdog", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def _turned(self) -> None:
        self._last_turn = time.monotonic()

    def _watch(self) -> None:
        while not self._stopped.wait(CHECK_SECONDS):
            try:
                self._loop.call_soon_threadsafe(self._turned)
            except RuntimeError:  # the loop was closed: nothing left to watch
                return
            stalled = time.monotonic() - self._last_turn
            if stalled > self._stall_limit:
                self._give_up(stalled)

    def _give_up(self, stalled: float) -> None:
        logger.critical(
            "the worker's event loop has not turned for %.0f s (limit %.0f s): it "
            "is blocked at %s. A task calls blocking code inside `async def`: make "
            "it a plain `def` (Streaq runs those in threads) or await an async "
            "form. Exiting with code %d so that its supervisor starts a fresh worker",
            stalled,
            self._stall_limit,
            stuck_line(self._loop_thread),
            FATAL_EXIT_CODE,
        )
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(FATAL_EXIT_CODE)


class WatchedLoopWorker(Worker[C]):
    """A Streaq `Worker` whose process ends when its event loop stops turning."""

    async def run_async(
        self, *, task_status: TaskStatus[None] = TASK_STATUS_IGNORED
    ) -> None:
        # Streaq keeps the idle timeout in milliseconds.
        limit = loop_stall_limit(self.idle_timeout / 1000)
        watchdog = LoopWatchdog(asyncio.get_running_loop(), limit)
        watchdog.start()
        try:
            await super().run_async(task_status=task_status)
        finally:
            watchdog.stop()
