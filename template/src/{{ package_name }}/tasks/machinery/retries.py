"""`robust_task`: retry on any exception with exponential backoff, then dead-letter.

Streaq on its own retries only when a task raises `StreaqRetry` (or its worker
dies). Tasks that talk to the outside world fail in many ways; this decorator
turns every exception into a retry, and records the final failure.
"""

import inspect
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import ParamSpec, TypeVar

import anyio
from streaq import StreaqRetry
from streaq.task import AsyncRegisteredTask

from ...models.task_records import DeadLetter
from ..worker import worker

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# Called with the dead letter once a task has failed for the last time.
FailureHandler = Callable[[DeadLetter], Awaitable[None] | None]


def backoff_seconds(tries: int, base: float, maximum: float) -> float:
    """Delay before the next try: base**tries seconds (2, 4, 8, ...), capped."""
    return float(min(base**tries, maximum))


def robust_task(
    *,
    max_retries: int = 3,
    backoff_base: float = 2,
    backoff_max: float = 300,
    timeout: float | None = None,
    on_failure: FailureHandler | None = None,
    name: str | None = None,
) -> Callable[[Callable[P, Awaitable[R]]], AsyncRegisteredTask[P, R]]:
    """Register an async task that retries `max_retries` times, then dead-letters.

    - Any exception (including exceeding `timeout` seconds) schedules another try
      after `backoff_base ** tries` seconds, at most `backoff_max`, scaled by
      TASK_BACKOFF_SCALE.
    - After the last try the failure is stored as a `DeadLetter` (task name, id,
      error, error type, tries, failed_at), `on_failure` (sync or async) is called
      with it, and the task ends failed with the original error.
    - A worker that dies mid-task counts as a try too (Streaq re-runs the task).
      A task whose worker dies on its last try (a poison task) is not run again:
      it is dead-lettered with the cause "the worker died while running it" and
      `on_failure` runs (see tasks/machinery/unrun_failures.py).
    """

    def register(function: Callable[P, Awaitable[R]]) -> AsyncRegisteredTask[P, R]:
        task_name = name or function.__qualname__

        async def run_with_retries(*args: P.args, **kwargs: P.kwargs) -> R:
            tries = registered.context.tries
            try:
                with anyio.fail_after(timeout):
                    return await function(*args, **kwargs)
            except StreaqRetry:
                raise
            except Exception as error:
                if tries <= max_retries:
                    scale = worker.context.settings.task_backoff_scale
                    delay = backoff_seconds(tries, backoff_base, backoff_max) * scale
                    logger.warning(
                        "task %s try %d of %d failed (%s: %s); retrying in %.2fs",
                        task_name,
                        tries,
                        max_retries + 1,
                        type(error).__name__,
                        error,
                        delay,
                    )
                    raise StreaqRetry(delay=timedelta(seconds=delay)) from error
                await dead_letter(registered.context.task_id, tries, error)
                raise

        async def dead_letter(task_id: str, tries: int, error: Exception) -> None:
            letter = DeadLetter(
                task_name=task_name,
                task_id=task_id,
                error=str(error) or repr(error),
                error_type=type(error).__name__,
                tries=tries,
            )
            await letter.insert()
            logger.error(
                "task %s (%s) dead-lettered after %d tries: %s: %s",
                task_name,
                task_id,
                tries,
                letter.error_type,
                letter.error,
            )
            if on_failure is not None:
                outcome = on_failure(letter)
                if inspect.isawaitable(outcome):
                    await outcome

        run_with_retries.__name__ = function.__name__
        run_with_retries.__qualname__ = function.__qualname__
        run_with_retries.__doc__ = function.__doc__
        # Streaq's own timeout stays off: `fail_after` above turns an overrun into
        # an ordinary, retried failure. One more try than retries.
        registered = worker.task(max_tries=max_retries + 1, name=task_name)(
            run_with_retries
        )
        # The worker calls this when the last try never finished (its worker died).
        worker.worker_death_handlers[task_name] = dead_letter
        return registered

    return register
