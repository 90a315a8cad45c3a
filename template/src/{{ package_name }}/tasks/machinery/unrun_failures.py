"""Dead letters for tasks Streaq fails before their body runs.

Two failures never reach a task's code, so no middleware or `robust_task` wrapper
sees them; Streaq records them in `Worker.finish_failed_task`, the one hook here:

- a robust task whose worker died on its last try (a poison task: it kills every
  worker that runs it). Streaq counts each reclaim as a try and, once the tries
  exceed `max_tries`, fails the task with "Max retry attempts reached" instead of
  running it again;
- a payload whose signature does not match the worker's TASK_SIGNING_SECRET
  (almost always an API and workers configured with different secrets). Streaq
  cannot unpickle it safely, so it does not know even the task's name.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from streaq import StreaqError, Worker
from streaq.types import StreamMessage

from ...models.task_records import DeadLetter

logger = logging.getLogger(__name__)

C = TypeVar("C")

# Streaq 7's own messages for the two failures (worker.py: run_task, deserialize).
# Streaq raises plain StreaqError for both, so the message is all that tells them
# apart; tests/tasks/test_poison_tasks.py fails if an upgrade changes them.
TRIES_EXHAUSTED_MESSAGE = "Max retry attempts reached for task!"
BAD_SIGNATURE_MESSAGE = "Invalid signature for task data!"

WORKER_DIED_CAUSE = "the worker died while running it"
# The name a dead letter gets when the payload could not be read.
UNREADABLE_TASK_NAME = "(unreadable payload)"


class WorkerDiedError(RuntimeError):
    """A robust task's last try ended without a result: its worker died."""


class SigningSecretMismatchError(StreaqError):
    """A task or result signed with another TASK_SIGNING_SECRET than this process's."""


def worker_died(tries: int) -> WorkerDiedError:
    return WorkerDiedError(
        f"{WORKER_DIED_CAUSE} (its last try, {tries} of {tries}, ended without a "
        "result: the process exited or was killed; see the worker's log)"
    )


def signature_mismatch(task_id: str) -> SigningSecretMismatchError:
    return SigningSecretMismatchError(
        f"task {task_id}: the payload's signature does not match this worker's "
        "TASK_SIGNING_SECRET, so it was not run. The API and the workers most "
        "likely have different secrets: give them the same TASK_SIGNING_SECRET "
        "(or something other than the API wrote to the queue)."
    )


def is_bad_signature(error: BaseException) -> bool:
    """Whether Streaq refused data signed with another secret than its own."""
    return isinstance(error, StreaqError) and str(error) == BAD_SIGNATURE_MESSAGE


# Called with the task id and the tries that ran, once a robust task's worker
# died on its last try (robust_task registers one per task, by name).
WorkerDeathHandler = Callable[[str, int, WorkerDiedError], Awaitable[None]]


class DeadLetteringWorker(Worker[C]):
    """Streaq's worker, plus dead letters for the failures above.

    Everything else is Streaq's: the task still ends failed, with a result that
    names the cause instead of Streaq's generic message.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.worker_death_handlers: dict[str, WorkerDeathHandler] = {}

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
        try:
            exc = await self.dead_letter_unrun(msg.task_id, exc, tries, fn_name)
        except Exception:
            # Recording must not stop Streaq from finishing the task: a task left
            # pending would be reclaimed, and fail here, forever.
            logger.exception("could not dead-letter task %s", msg.task_id)
        await super().finish_failed_task(
            msg, exc, tries, created_time, fn_name, ttl, otherwise
        )

    async def dead_letter_unrun(
        self, task_id: str, error: BaseException, tries: int, fn_name: str
    ) -> BaseException:
        """Dead-letter the failure if it is one of ours; return the error to store."""
        message = str(error) if isinstance(error, StreaqError) else None
        handler = self.worker_death_handlers.get(fn_name)
        if message == TRIES_EXHAUSTED_MESSAGE and handler is not None:
            # This delivery is one past the last try; the last try itself died.
            died = worker_died(tries - 1)
            await handler(task_id, tries - 1, died)
            return died
        if message == BAD_SIGNATURE_MESSAGE:
            mismatch = signature_mismatch(task_id)
            letter = DeadLetter(
                task_name=UNREADABLE_TASK_NAME,
                task_id=task_id,
                error=str(mismatch),
                error_type=type(mismatch).__name__,
                tries=tries,
            )
            await letter.insert()
            logger.error("task %s dead-lettered: %s", task_id, mismatch)
            return mismatch
        return error
