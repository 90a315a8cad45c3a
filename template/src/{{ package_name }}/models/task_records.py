"""What the job queue remembers in MongoDB, beyond Streaq's short-lived results.

Streaq keeps a task's result in Redis for its `ttl` only; these records last
until the maintenance job purges them (TASK_RECORD_RETENTION_DAYS).
"""

from enum import StrEnum
from typing import Annotated, Any

from beanie import Document, Indexed
from pydantic import Field

from .timestamps import UtcDateTime, utc_now


class DeadLetter(Document):
    """A robust task that failed on its last try: what ran, how it failed, when."""

    task_name: Annotated[str, Indexed()]
    task_id: str
    error: str
    error_type: str
    tries: int
    failed_at: Annotated[UtcDateTime, Indexed()] = Field(default_factory=utc_now)

    class Settings:
        name = "dead_letters"


class CronRunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    SKIPPED = "skipped"
    # Due longer ago than CRON_MISFIRE_GRACE_SECONDS (no worker was up): not run.
    MISSED = "missed"


class CronRun(Document):
    """One tick of a scheduled job, recorded by `tracked_cron` (tasks/machinery/cron_history.py)."""

    job_name: Annotated[str, Indexed()]
    # Streaq derives a cron task's id from its tick: one id, one run.
    task_id: Annotated[str, Indexed(unique=True)]
    status: CronRunStatus = CronRunStatus.RUNNING
    # Above 1 only when a worker died mid-run and Streaq retried the same tick.
    attempts: int = 1
    started_at: Annotated[UtcDateTime, Indexed()] = Field(default_factory=utc_now)
    # When the tick was due, and how late the worker took it up (None if unknown).
    scheduled_at: UtcDateTime | None = None
    late_seconds: float | None = None
    finished_at: UtcDateTime | None = None
    duration_seconds: float | None = None
    result: Any = None
    error: str | None = None

    class Settings:
        name = "cron_runs"


class EmailDelivery(Document):
    """The idempotency record of an email: its key is claimed before sending.

    A retried task that finds the key claimed does not send again, so a crash
    between sending and finishing the task never doubles an email.
    """

    key: Annotated[str, Indexed(unique=True)]
    task_id: str
    claimed_at: Annotated[UtcDateTime, Indexed()] = Field(default_factory=utc_now)
    sent_at: UtcDateTime | None = None

    class Settings:
        name = "email_deliveries"


# The queue's documents, for DOCUMENT_MODELS.
TASK_RECORD_DOCUMENTS: list[type[Document]] = [DeadLetter, CronRun, EmailDelivery]
