"""`tracked_cron`: a Streaq cron job whose every run is recorded as a `CronRun`.

Streaq fires each tick of a cron job once across all workers (the tick's task id
is derived from its time and claimed atomically in Redis). This wrapper adds
the history an operator wants: running/completed/failed/skipped, timings, the
result or the error, in the `cron_runs` collection.

It also refuses stale ticks. When no worker is up at a tick's time, Streaq keeps
that tick in Redis and runs it whenever a worker starts again, however late (only
the last pending tick: one per job, not one per missed tick; streaq issue #152).
A daily job due at 03:00 would then run at 14:00 after a morning outage. A tick
due longer ago than CRON_MISFIRE_GRACE_SECONDS is recorded as `missed` instead,
and the job waits for its next tick.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import anyio
from pymongo.errors import DuplicateKeyError
from streaq.task import AsyncRegisteredTask

from ...models import utc_now
from ...models.task_records import CronRun, CronRunStatus
from ..worker import worker
from .tick_time import due_time

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


def lateness_seconds(scheduled_at: datetime | None, now: datetime) -> float | None:
    """How long after its due time a tick is taken up (None: due time unknown)."""
    if scheduled_at is None:
        return None
    return round((now - scheduled_at).total_seconds(), 3)


def is_misfire(late_seconds: float | None, grace_seconds: float) -> bool:
    """A tick later than the grace window is a misfire; an unknown lateness is not
    (work is never dropped on a guess)."""
    return late_seconds is not None and late_seconds > grace_seconds


async def record_missed(
    job_name: str,
    task_id: str,
    scheduled_at: datetime | None,
    late_seconds: float | None,
    grace_seconds: float,
) -> CronRun:
    """Record a tick that is too late to run, and say so in the log."""
    missed = CronRun(
        job_name=job_name,
        task_id=task_id,
        status=CronRunStatus.MISSED,
        scheduled_at=scheduled_at,
        late_seconds=late_seconds,
        finished_at=utc_now(),
        duration_seconds=0.0,
        error=f"due {late_seconds} s earlier, beyond the {grace_seconds} s grace window",
    )
    await missed.insert()
    logger.warning(
        "cron %s missed its tick due at %s: taken up %s s late (no worker was "
        "running), beyond CRON_MISFIRE_GRACE_SECONDS=%s, so it did not run; it "
        "runs again at its next tick. Raise CRON_MISFIRE_GRACE_SECONDS to run "
        "late ticks after an outage.",
        job_name,
        scheduled_at.isoformat() if scheduled_at else "?",
        late_seconds,
        grace_seconds,
    )
    return missed


async def start_run(
    job_name: str,
    task_id: str,
    scheduled_at: datetime | None = None,
    late_seconds: float | None = None,
) -> CronRun:
    """Record the run; a retried tick (its worker died) reuses its record."""
    run = CronRun(
        job_name=job_name,
        task_id=task_id,
        scheduled_at=scheduled_at,
        late_seconds=late_seconds,
    )
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
    and does nothing, so a slow job never overlaps itself. A tick taken up more
    than CRON_MISFIRE_GRACE_SECONDS after its due time is recorded as `missed`
    and does nothing either.
    """

    def register(
        function: Callable[[], Awaitable[R]],
    ) -> AsyncRegisteredTask[[], R | None]:
        job_name = name or function.__qualname__

        async def run_and_record() -> R | None:
            task_id = registered.context.task_id
            started = time.monotonic()
            # The stream message's due time (see tick_time.py), not the task id
            # (a hash) nor Streaq's cron "next run" (already moved on to the
            # next tick by the time this one runs).
            scheduled_at = due_time()
            late = lateness_seconds(scheduled_at, utc_now())
            grace = worker.context.settings.cron_misfire_grace_seconds
            # Only a first try can be a misfire: a retry continues a tick that
            # started in time, and was only delayed by its worker's death.
            if registered.context.tries == 1 and is_misfire(late, grace):
                await record_missed(job_name, task_id, scheduled_at, late, grace)
                return None
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
            run = await start_run(job_name, task_id, scheduled_at, late)
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
