"""Log lines written while a task runs carry its id, name and try
(`task_id`, `task_name`, `task_try`): the task's own lines, and Streaq's about
how the run ends (failed, retrying, timed out, aborted).

Streaq keeps the running task's `TaskContext` from just before its "task ... □
started" line until just after its verdict; a registered middleware reads it
(`.context`). A context variable set inside a middleware would not do: a
worker's consumer runs task after task in one asyncio task, so one left set
would label the next task's first lines, and one reset when the task's
coroutine returns would miss Streaq's verdict, logged after it.
"""

from typing import Any

from streaq import Worker
from streaq.types import ReturnCoroutine, StreaqError

from ...observability.logs import TaskFields, read_task_fields_with


def log_task_fields(worker: Worker[Any]) -> None:
    """Make this process's log lines name the task of `worker` that is running
    where each is logged."""

    @worker.middleware
    def task_context(task: ReturnCoroutine) -> ReturnCoroutine:
        # Registered for its `.context`, which reads Streaq's task context
        # (below); it leaves the task as it is, at no cost per run.
        return task

    def running_task() -> TaskFields | None:
        try:
            context = task_context.context
        except StreaqError:  # no task runs where this line is logged
            return None
        return TaskFields(
            task_id=context.task_id,
            task_name=context.fn_name,
            task_try=context.tries,
        )

    read_task_fields_with(running_task)
