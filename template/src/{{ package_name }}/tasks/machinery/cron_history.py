"""`tracked_cron`: a Streaq cron job whose every run is recorded as a `CronRun`.

Streaq fires each tick of a cron job once across all workers (the tick's task id
is derived from its time and claimed atomically in Redis). This wrapper adds
the history an operator wants: running/completed/failed/skipped, timings, the
result or the error, in the `cron_runs` collection.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import anyio
from pymongo.errors import DuplicateKeyError
from streaq.task import AsyncRegisteredTask

from ...models import utc_now
from ...models.task_records import CronRun, CronRunStatus
from ..worker import worker

logger = logging.getLogger(__name__)

R = TypeVar("R")

# Streaq cancels a cron task this long after our own timeout has had its say.
STREAQ_TIMEOUT_MARGIN_SECONDS = 60


async def overlapping_run(job_name: str, task_id: str, time_limit: float) -> bool:
    """Whether an earlier tick of this job is still running (within its limit)."""
    earliest_live_start = utc_now() - timedelta(seconds=time_limit)
    running = await CronRun.find(
        CronRun.job_name == job_name,
        CronRun.status == CronRunStatus.RUNNING,
        CronRun.task_id != task_id,
        CronRun.started_at >= earliest_live_start,
    ).count()
    return running > 0


async def start_run(job_name: str, task_id: str) -> CronRun:
    """Record the run; a retried tick (its worker died) reuses its record."""
    run = CronRun(job_name=job_name, task_id=task_id)
    try:
        await run.insert()
    except DuplicateKeyError:
        existing = await CronRun.find_one(CronRun.task_id == task_id)
        if existing is None:
            raise
        existing.attempts += 1
        existing.status = CronRunStatus.RUNNING
        existing.started_at = utc_now()
        await existing.save()
        return existing
    return run


async def finish_run(
    run: CronRun,
    status: CronRunStatus,
    started: float,
    *,
    result: Any = None,
    error: str | None = None,
) -> None:
    run.status = status
    run.finished_at = utc_now()
    run.duration_seconds = round(time.monotonic() - started, 6)
    run.result = result
    run.error = error
    await run.save()


def tracked_cron(
    schedule: str, *, timeout: float = 3600, name: str | None = None
) -> Callable[[Callable[[], Awaitable[R]]], AsyncRegisteredTask[[], R | None]]:
    """Register `function` to run on `schedule` (crontab, UTC), recording each run.

    A tick that finds the previous one still running is recorded as `skipped`
    and does nothing, so a slow job never overlaps itself.
    """

    def register(
        function: Callable[[], Awaitable[R]],
    ) -> AsyncRegisteredTask[[], R | None]:
        job_name = name or function.__qualname__

        async def run_and_record() -> R | None:
            task_id = registered.context.task_id
            started = time.monotonic()
            if await overlapping_run(job_name, task_id, timeout):
                skipped = CronRun(
                    job_name=job_name,
                    task_id=task_id,
                    status=CronRunStatus.SKIPPED,
                    finished_at=utc_now(),
                    duration_seconds=0.0,
                    error="the previous run was still running",
                )
                await skipped.insert()
                logger.warning("cron %s skipped: previous run still running", job_name)
                return None
            run = await start_run(job_name, task_id)
            try:
                with anyio.fail_after(timeout):
                    result = await function()
            except Exception as error:
                await finish_run(
                    run,
                    CronRunStatus.FAILED,
                    started,
                    error=f"{type(error).__name__}: {error}",
                )
                raise
            await finish_run(run, CronRunStatus.COMPLETED, started, result=result)
            return result

        run_and_record.__qualname__ = function.__qualname__
        run_and_record.__doc__ = function.__doc__
        # `fail_after` above records an overrun as a failure; Streaq's own
        # timeout (needed for unique cron jobs) is only a later safety net.
        registered = worker.cron(
            schedule,
            timeout=int(timeout + STREAQ_TIMEOUT_MARGIN_SECONDS),
            name=job_name,
        )(run_and_record)
        return registered

    return register
