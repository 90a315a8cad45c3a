"""Scheduled housekeeping: purge task records older than the retention period."""

from datetime import timedelta

from ..config import get_settings
from ..models import utc_now
from ..models.task_records import CronRun, CronRunStatus, DeadLetter, EmailDelivery
from .machinery.cron_history import tracked_cron
from .worker import worker

# A purge of a large backlog must still end well before the next daily tick.
CLEANUP_TIMEOUT_SECONDS = 600


@tracked_cron(get_settings().cleanup_schedule, timeout=CLEANUP_TIMEOUT_SECONDS)
async def purge_old_task_records() -> dict[str, int]:
    """Delete dead letters, finished cron runs and email records past retention.

    Runs on CLEANUP_SCHEDULE; the result (what was deleted) is kept on its run.
    """
    days = worker.context.settings.task_record_retention_days
    cutoff = utc_now() - timedelta(days=days)
    dead_letters = await DeadLetter.find(DeadLetter.failed_at < cutoff).delete()
    cron_runs = await CronRun.find(
        CronRun.started_at < cutoff, CronRun.status != CronRunStatus.RUNNING
    ).delete()
    deliveries = await EmailDelivery.find(EmailDelivery.claimed_at < cutoff).delete()
    return {
        "dead_letters": deleted_count(dead_letters),
        "cron_runs": deleted_count(cron_runs),
        "email_deliveries": deleted_count(deliveries),
    }


def deleted_count(outcome: object) -> int:
    """Beanie returns pymongo's DeleteResult (or None when nothing was sent)."""
    return int(getattr(outcome, "deleted_count", 0) or 0)
