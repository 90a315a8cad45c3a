"""Send an email at most once per key, however often its task is retried.

A task can run again after it already had an effect: its worker was killed
after the SMTP server took the message but before Streaq stored the result.
The key is claimed in MongoDB (a unique index) *before* sending:

- claim inserted → send → mark sent;
- the send raised → release the claim, so the retry sends;
- the claim is there already → a previous try sent (or died while sending):
  do not send again. A lost email is reported in the log; a doubled one cannot
  be taken back.
"""

import logging
from collections.abc import Awaitable, Callable

from pymongo.errors import DuplicateKeyError

from ...models import utc_now
from ...models.task_records import EmailDelivery

logger = logging.getLogger(__name__)


async def deliver_once(
    key: str, task_id: str, send: Callable[[], Awaitable[None]]
) -> bool:
    """Run `send` unless `key` was claimed before; True when it sent now."""
    claim = EmailDelivery(key=key, task_id=task_id)
    try:
        await claim.insert()
    except DuplicateKeyError:
        previous = await EmailDelivery.find_one(EmailDelivery.key == key)
        if previous is not None and previous.sent_at is None:
            logger.warning(
                "email %s: task %s died while sending it; not sending again "
                "(check the mail server's log if it never arrived)",
                key,
                previous.task_id,
            )
        else:
            logger.info("email %s was already sent; not sending again", key)
        return False
    try:
        await send()
    except Exception:
        # Sending failed: free the key for the retry. A cancelled send (abort,
        # shutdown) keeps its claim, as it may have reached the server.
        await claim.delete()
        raise
    claim.sent_at = utc_now()
    await claim.save()
    return True
