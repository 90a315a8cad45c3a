"""Per task name: how long runs take and how they end, counted in the worker
process that ran them (served by `worker --metrics-port`: metrics_endpoint.py).

Streaq ends every run in one of two methods, which this worker wraps:
`finish_task` after the task's code ran (or will run again) and
`finish_failed_task` when Streaq failed it without running it (aborted before it
started, tries exhausted, a payload it cannot read). The outcome comes from what
Streaq stored, the way `run_task` decides it:

- succeeded: the code returned;
- failed: it raised (any exception but those below), or Streaq failed it unrun;
- timed_out: it ran past its timeout (Streaq stores TimeoutError);
- aborted: `abort()` cancelled it, running or before it ran (StreaqCancelled);
- retried: it asked to run again (StreaqRetry, a robust task's backoff, or a
  timeout with `retry_timeouts`): the next try counts again.

A run cut short because its worker stopped (SIGTERM past the grace period) has
no outcome: another worker runs it again, and that run counts.
"""

from datetime import timedelta
from typing import Any, TypeVar

from prometheus_client import Counter, Histogram
from streaq import Worker
from streaq.types import StreamMessage, StreaqCancelled

C = TypeVar("C")

SUCCEEDED = "succeeded"
FAILED = "failed"
TIMED_OUT = "timed_out"
ABORTED = "aborted"
RETRIED = "retried"
OUTCOMES = (SUCCEEDED, FAILED, TIMED_OUT, ABORTED, RETRIED)
# The task label of a failure whose task this worker does not know (an unreadable
# payload, a name nobody registered): payloads cannot add series without bound.
UNKNOWN_TASK = "(unknown)"

TASK_DURATION = Histogram(
    "queue_task_duration_seconds",
    "Seconds a task's code ran, per try, by task name.",
    ["task"],
    # Tasks run from milliseconds (an email) to minutes (an export).
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800),
)
TASKS_FINISHED = Counter(
    "queue_tasks_finished",
    "Task runs by task name and outcome (succeeded, failed, timed_out, aborted, "
    "retried).",
    ["task", "outcome"],
)


def outcome_of(
    *, finish: bool, retry_at: int | None, success: bool, result: Any
) -> str | None:
    """The outcome of a run Streaq finishes with these values; None for a run
    its stopping worker gave back (not finished, no retry planned: it runs
    again elsewhere)."""
    if not finish:
        return RETRIED if retry_at else None
    if success:
        return SUCCEEDED
    if isinstance(result, StreaqCancelled):
        return ABORTED
    if isinstance(result, TimeoutError):
        return TIMED_OUT
    return FAILED


class TaskMetricsWorker(Worker[C]):
    """A Streaq `Worker` that counts each run's outcome and times its code."""

    def task_label(self, fn_name: str) -> str:
        return fn_name if fn_name in self.registry else UNKNOWN_TASK

    async def finish_task(
        self,
        msg: StreamMessage,
        finish: bool,
        schedule: int | None,
        return_value: Any,
        start_time: int,
        finish_time: int,
        created_time: int,
        fn_name: str,
        success: bool,
        silent: bool,
        ttl: timedelta | int | None,
        triggers: str | None,
        lock_key: str | None,
        tries: int,
        otherwise: str | None,
    ) -> None:
        outcome = outcome_of(
            finish=finish, retry_at=schedule, success=success, result=return_value
        )
        if outcome is not None:
            task = self.task_label(fn_name)
            TASK_DURATION.labels(task).observe((finish_time - start_time) / 1000)
            TASKS_FINISHED.labels(task, outcome).inc()
        await super().finish_task(
            msg,
            finish,
            schedule,
            return_value,
            start_time,
            finish_time,
            created_time,
            fn_name,
            success,
            silent,
            ttl,
            triggers,
            lock_key,
            tries,
            otherwise,
        )

    async def finish_failed_task(
        self,
        msg: StreamMessage,
        exc: BaseException,
        tries: int,
        created_time: int,
        fn_name: str = "Unknown",
        ttl: timedelta | int | None = 300,
        otherwise: str | None = None,
    ) -> None:
        outcome = ABORTED if isinstance(exc, StreaqCancelled) else FAILED
        TASKS_FINISHED.labels(self.task_label(fn_name), outcome).inc()
        await super().finish_failed_task(
            msg, exc, tries, created_time, fn_name, ttl, otherwise
        )
