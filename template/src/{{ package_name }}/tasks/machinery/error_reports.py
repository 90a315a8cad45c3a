"""Failed and dead-lettered tasks reported to Sentry (when SENTRY_DSN is set).

Each report is tagged with the task's id, name and try, and its trace id, so it
leads to the task's record (GET /tasks/{id}, the dead letters) and its trace.
Reported once each:

- a task that fails: its last try raised (robust tasks dead-letter it first);
- a task dead-lettered before its code ran (a poison task, a payload signed
  with another secret: unrun_failures.py).

A try that is retried is not a failure yet, and is not reported.
"""

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from streaq import StreaqRetry

from ...observability.error_reports import error_reports_on, report_error
from .tracing import task_trace_id
from .unrun_failures import (
    UNREADABLE_TASK_NAME,
    DeadLetteringWorker,
    SigningSecretMismatchError,
)

C = TypeVar("C")


def task_tags(task_id: str, task_name: str, tries: int) -> dict[str, str]:
    tags = {"task_id": task_id, "task_name": task_name, "task_try": str(tries)}
    if (trace_id := task_trace_id()) is not None:
        tags["trace_id"] = trace_id
    return tags


class ErrorReportingWorker(DeadLetteringWorker[C]):
    """Streaq's worker with dead letters, reporting the failures above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reporting = self.middleware(self._report_failure)

    def _report_failure(
        self, call: Callable[..., Coroutine[Any, Any, Any]]
    ) -> Callable[..., Coroutine[Any, Any, Any]]:
        async def run(*args: Any, **kwargs: Any) -> Any:
            if not error_reports_on():
                return await call(*args, **kwargs)
            try:
                return await call(*args, **kwargs)
            except StreaqRetry:
                raise
            except Exception as error:
                task = self._reporting.context
                report_error(error, task_tags(task.task_id, task.fn_name, task.tries))
                raise

        return run

    async def dead_letter_unrun(
        self, task_id: str, error: BaseException, tries: int, fn_name: str
    ) -> BaseException:
        recorded = await super().dead_letter_unrun(task_id, error, tries, fn_name)
        if recorded is not error:  # one of the failures dead-lettered there
            if isinstance(recorded, SigningSecretMismatchError):
                fn_name = UNREADABLE_TASK_NAME
            report_error(recorded, task_tags(task_id, fn_name, tries))
        return recorded
