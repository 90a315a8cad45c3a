"""Tasks over HTTP: status and result, abort, live progress, queue statistics."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any

import anyio
from fastapi import (
    APIRouter,
    Depends,
    FastAPI,
    HTTPException,
    Path,
    Request,
    Response,
    status,
)
from fastapi.encoders import jsonable_encoder
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel
from streaq import StreaqError
from streaq.task import TaskResult, TaskStatus
from streaq.types import StreaqCancelled

from ...api.access import AdminUser, CurrentUser
from ...api.dependencies import require_documents
from ...config import Settings
from ...redis_topology import AsyncRedis, async_redis
from ..diagnostics import ping
from ..worker import worker
from .attempt_limits import shared_attempt_limiter
from .event_streams import StreamSlots, event_stream_slot, redis_pool_size
from .owners import owner_of, record_owner
from .producer import QueueUnavailableError, keep_producer_connected
from .progress import follow_progress
from .stats import QueueStats, queue_stats
from .unrun_failures import SigningSecretMismatchError, is_bad_signature

logger = logging.getLogger(__name__)

TaskId = Annotated[
    str,
    Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The id enqueue returned."),
]

# How long to wait for a stored result of a task reported done: it is already in
# Redis, so this only bounds a slow connection.
RESULT_FETCH_TIMEOUT_SECONDS = 5
# How long DELETE waits for a worker to confirm that it stopped the task.
ABORT_CONFIRM_SECONDS = 5

# How long the API remembers aborting a task that had not started: Streaq keeps
# no result for such a task, so without this note it would look unknown.
ABORTED_NOTE_SECONDS = 300

# How long the event stream waits for the result after the final progress event.
END_RESULT_WAIT_SECONDS = 30

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    status.HTTP_404_NOT_FOUND: {"description": "No such task."}
}


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    ABORTED = "aborted"


class TaskReport(BaseModel):
    task_id: str
    status: TaskStatus
    outcome: Outcome | None = None
    success: bool | None = None
    result: Any = None
    error: str | None = None


@asynccontextmanager
async def connect_queue(app: FastAPI) -> AsyncIterator[None]:
    """Connect what these routes use while the app runs: `worker` as a producer,
    and redis-py for the progress events relayed to clients (its pool sized so
    that the event streams allowed cannot take all of it)."""
    settings: Settings = app.state.settings
    # Until the producer connects, /health/ready probes Redis itself (see checks.py).
    app.state.connections["redis"] = None

    def producer_connected() -> None:
        # /health/ready checks Redis through the producer (see checks.py).
        app.state.connections["redis"] = worker

    async with (
        keep_producer_connected(worker, producer_connected),
        async_redis(settings, max_connections=redis_pool_size(settings)) as redis,
    ):
        app.state.redis = redis
        # Sign-up and log-in attempts: one limit for all API processes.
        app.state.auth_attempts = shared_attempt_limiter(settings, redis)
        app.state.event_stream_slots = StreamSlots(
            per_owner=settings.event_streams_per_client,
            total=settings.event_streams_total,
        )
        # Frozen like the app's own start-up objects (see app.py).
        gc.freeze()
        yield


router = APIRouter(prefix="/tasks", tags=["tasks"], lifespan=connect_queue)


def get_redis(request: Request) -> AsyncRedis:
    """The redis-py client `connect_queue` opened."""
    redis: AsyncRedis = request.app.state.redis
    return redis


def outcome_of(error: BaseException) -> Outcome:
    if isinstance(error, StreaqCancelled):
        return Outcome.ABORTED
    if isinstance(error, TimeoutError):
        return Outcome.TIMED_OUT
    return Outcome.FAILED


def aborted_note_key(task_id: str) -> str:
    return f"{worker.queue_name}:aborted-before-start:{task_id}"


RedisDep = Annotated[AsyncRedis, Depends(get_redis)]


@dataclass(frozen=True)
class KnownTask:
    id: str
    status: TaskStatus


def no_such_task(task_id: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_404_NOT_FOUND,
        detail=f"No task with id {task_id} (unknown, or its result expired).",
    )


async def known_task(
    task_id: TaskId, redis: RedisDep, caller: CurrentUser
) -> KnownTask:
    """The task and its status; 404 for an unknown task and for another user's
    (the same answer: ids reveal nothing), checked before any response. The one
    place the path's task id is read and validated.

    `missing` is returned only for a task this API aborted before it started.
    """
    if not caller.is_admin and await owner_of(redis, task_id) != str(caller.id):
        raise no_such_task(task_id)
    task_status = await worker.status_by_id(task_id)
    if task_status is TaskStatus.NOT_FOUND and not await redis.exists(
        aborted_note_key(task_id)
    ):
        raise no_such_task(task_id)
    return KnownTask(id=task_id, status=task_status)


async def enqueued_for(request: Request, task_id: str, user_id: str) -> None:
    """Record that the task just enqueued belongs to `user_id` (see owners.py)."""
    redis: AsyncRedis = request.app.state.redis
    await record_owner(redis, task_id, user_id)


async def report_on(task_id: str, task_status: TaskStatus) -> TaskReport:
    if task_status is TaskStatus.NOT_FOUND:
        return TaskReport(
            task_id=task_id,
            status=TaskStatus.DONE,
            outcome=Outcome.ABORTED,
            success=False,
            error="StreaqCancelled: aborted before it started",
        )
    report = TaskReport(task_id=task_id, status=task_status)
    if task_status is TaskStatus.DONE:
        outcome = await stored_result(task_id, RESULT_FETCH_TIMEOUT_SECONDS)
        if isinstance(outcome, SigningSecretMismatchError):
            report.success = False
            report.outcome = Outcome.FAILED
            report.error = f"{type(outcome).__name__}: {outcome}"
            return report
        report.success = outcome.success
        if outcome.success:
            report.outcome = Outcome.SUCCEEDED
            report.result = jsonable_encoder(outcome.result)
        else:
            error = outcome.exception
            report.outcome = outcome_of(error)
            report.error = f"{type(error).__name__}: {error}"
    return report


async def stored_result(
    task_id: str, wait_seconds: float
) -> TaskResult[Any] | SigningSecretMismatchError:
    """The task's stored result, or why it cannot be read: a worker with another
    TASK_SIGNING_SECRET signed it (the same worker dead-lettered the task)."""
    try:
        return await worker.result_by_id(
            task_id, timeout=timedelta(seconds=wait_seconds)
        )
    except TimeoutError as error:
        # Seen once a Sentinel failover is over: the first result subscription
        # on the promoted primary can hang. A 503 asks the client to retry.
        raise QueueUnavailableError(
            f"the stored result of task {task_id} did not arrive from Redis "
            f"within {wait_seconds:g} s"
        ) from error
    except StreaqError as error:
        if not is_bad_signature(error):
            raise
        # A configuration fault, not a bug here: one line, no traceback.
        logger.error("task %s: result signed with another secret", task_id)
        return SigningSecretMismatchError(
            "the task failed: its stored result is signed with another "
            "TASK_SIGNING_SECRET than this API's, so a worker with a different "
            "secret took it (and dead-lettered it, unable to verify it). Give the "
            "API and the workers the same TASK_SIGNING_SECRET."
        )


ADMINS_ONLY: dict[int | str, dict[str, Any]] = {
    status.HTTP_403_FORBIDDEN: {"description": "Only admins may do this."}
}


@router.get("/stats", dependencies=[Depends(require_documents)], responses=ADMINS_ONLY)
async def get_queue_stats(admin: AdminUser) -> QueueStats:
    """Tasks by status and dead letters, for dashboards and alerts (admins)."""
    return await queue_stats(worker)


class EnqueuedTask(BaseModel):
    task_id: str


@router.post("/ping", status_code=status.HTTP_202_ACCEPTED, responses=ADMINS_ONLY)
async def enqueue_ping(admin: AdminUser) -> EnqueuedTask:
    """Enqueue a no-op task: follow it at GET /tasks/{task_id} to check that a
    worker is consuming the queue end to end (admins)."""
    # No delay from the request: a route must not let callers hold worker
    # slots (drills pass a delay to `ping.enqueue` from code).
    task = await ping.enqueue()
    return EnqueuedTask(task_id=task.id)


KnownTaskDep = Annotated[KnownTask, Depends(known_task)]


@router.get("/{task_id}", responses=NOT_FOUND)
async def get_task_report(task: KnownTaskDep) -> TaskReport:
    """The task's status, and its outcome with the result or error once done."""
    return await report_on(task.id, task.status)


@router.delete(
    "/{task_id}",
    responses={
        **NOT_FOUND,
        status.HTTP_202_ACCEPTED: {
            "model": TaskReport,
            "description": "Abort requested; no worker confirmed it yet.",
        },
        status.HTTP_409_CONFLICT: {"description": "The task has already finished."},
    },
)
async def abort_task(
    task: KnownTaskDep, redis: RedisDep, response: Response
) -> TaskReport:
    """Abort a scheduled, queued or running task; its outcome becomes `aborted`."""
    if task.status is TaskStatus.DONE:
        raise HTTPException(
            status_code=status.HTTP_409_CONFLICT,
            detail=f"Task {task.id} has already finished; there is nothing to abort.",
        )
    if not await worker.abort_by_id(task.id, timeout=ABORT_CONFIRM_SECONDS):
        # A queued task is dropped when a worker next reads the queue.
        response.status_code = status.HTTP_202_ACCEPTED
    task_status = await worker.status_by_id(task.id)
    if task_status is TaskStatus.NOT_FOUND:
        # A scheduled task is deleted outright: remember that it was aborted.
        await redis.set(aborted_note_key(task.id), "1", ex=ABORTED_NOTE_SECONDS)
    return await report_on(task.id, task_status)


@router.get(
    "/{task_id}/events",
    response_class=EventSourceResponse,
    # The slot is taken first: a refused stream costs no Redis call.
    dependencies=[Depends(event_stream_slot)],
    responses={
        **NOT_FOUND,
        status.HTTP_429_TOO_MANY_REQUESTS: {
            "description": "This client has EVENT_STREAMS_PER_CLIENT streams open."
        },
        status.HTTP_503_SERVICE_UNAVAILABLE: {
            "description": "The server has EVENT_STREAMS_TOTAL streams open."
        },
    },
)
async def follow_task_events(
    task: KnownTaskDep, redis: RedisDep, request: Request
) -> AsyncIterator[ServerSentEvent]:
    """The task's progress as Server-Sent Events (`progress`), then one `end`
    carrying the task's report. Events published before the client connected
    are replayed first. An unknown task answers 404 before the stream starts.

    A stream lasts at most EVENT_STREAM_MAX_SECONDS: then `end` carries the
    report as it stands (status `scheduled`, `queued` or `running`); reconnect
    or poll GET /tasks/{task_id} to follow on.
    """
    settings: Settings = request.app.state.settings
    deadline = anyio.current_time() + settings.event_stream_max_seconds

    async def task_has_ended() -> bool:
        return await worker.status_by_id(task.id) in (
            TaskStatus.DONE,
            TaskStatus.NOT_FOUND,
        )

    async for event in follow_progress(
        redis, worker.queue_name, task.id, task_has_ended, until=deadline
    ):
        yield ServerSentEvent(data=event, event="progress", id=str(event.seq))
    # The final progress event comes just before the task returns; if it is
    # still running after the wait, or the stream's time is up, the report
    # says so.
    if (time_left := deadline - anyio.current_time()) > 0:
        with suppress(TimeoutError):
            await stored_result(task.id, min(END_RESULT_WAIT_SECONDS, time_left))
    final_report = await report_on(task.id, await worker.status_by_id(task.id))
    yield ServerSentEvent(data=final_report, event="end")
