"""When the task a worker is running was due: Streaq knows it, the task does not.

A scheduled task (a cron tick, `start(delay=...)`, `start(schedule=...)`) waits in
Redis until it is due; Streaq then puts it on the stream with `enqueue_time` set
to the time it was *scheduled* for, not the time it was moved (streaq's Lua
`publish_delayed_tasks`). That is the one truthful record of a cron tick's time,
and the very value Streaq's own `max_schedule_drift` compares with now. It is on
the stream message only, which a task function never sees, so this worker keeps
it in a context variable for the duration of the run.
"""

from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TypeVar

from streaq import Worker
from streaq.types import StreamMessage

C = TypeVar("C")

_due_ms: ContextVar[int | None] = ContextVar("due_ms", default=None)


class TickTimeWorker(Worker[C]):
    """A Streaq `Worker` whose tasks can ask `due_time()` when they were due."""

    async def run_task(self, msg: StreamMessage) -> None:
        token = _due_ms.set(int(msg.enqueue_time) or None)
        try:
            await super().run_task(msg)
        finally:
            _due_ms.reset(token)


def due_time() -> datetime | None:
    """When the running task was due (None outside a `TickTimeWorker` run)."""
    due = _due_ms.get()
    return None if due is None else datetime.fromtimestamp(due / 1000, tz=UTC)
