"""Email tasks: retried on failure, dead-lettered at the end, never sent twice."""

import logging

from ..models.task_records import DeadLetter
from ..services.welcome import deliver_welcome_email
from .machinery.delivery import deliver_once
from .machinery.retries import robust_task
from .worker import worker

logger = logging.getLogger(__name__)


def log_undelivered_welcome(letter: DeadLetter) -> None:
    """Called once the welcome email has failed on every try."""
    logger.error(
        "welcome email undeliverable after %d tries (task %s): %s; it is kept in "
        "dead_letters for a retry by hand",
        letter.tries,
        letter.task_id,
        letter.error,
    )


@robust_task(max_retries=3, timeout=60, on_failure=log_undelivered_welcome)
async def send_welcome_email(to: str, name: str) -> str:
    """Send the welcome email to a new user once; the result is the recipient."""
    await deliver_once(
        key=f"welcome-email:{to}",
        task_id=send_welcome_email.context.task_id,
        send=lambda: deliver_welcome_email(worker.context.mailer, to=to, name=name),
    )
    return to
