"""Dashboard log-in sessions, kept in Redis so that they end.

A session is a random id in the browser's cookie and a Redis key that expires
after DASHBOARD_SESSION_MAX_AGE_SECONDS: the server, not the cookie's max-age,
decides when it is over, and logging out deletes the key at once. The key holds
the id of the admin who logged in (the dashboard checks on every request that
they still are one); Redis holds a hash of the session id only, so reading Redis
gives no one a session.
"""

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from streaq import Worker

from ...causes import describe
from .producer import REDIS_CONNECTION_ERRORS


class SessionStoreUnavailableError(RuntimeError):
    """Redis cannot be reached: no session can be opened, checked or ended."""


@contextmanager
def session_store() -> Iterator[None]:
    """Turns a Redis outage into SessionStoreUnavailableError, which the
    dashboard answers with 503 (a bug in here still surfaces as itself)."""
    try:
        yield
    except REDIS_CONNECTION_ERRORS as error:
        raise SessionStoreUnavailableError(describe(error)) from error


class DashboardSessions:
    """Opens, checks and ends the sessions of the dashboard for `worker`'s queue
    (on the Redis connection `worker` opens as a producer)."""

    def __init__(self, worker: Worker[Any], max_age_seconds: int) -> None:
        self.worker = worker
        self.max_age_seconds = max_age_seconds

    def key(self, session_id: str) -> str:
        digest = hashlib.sha256(session_id.encode()).hexdigest()
        return f"{self.worker.queue_name}:dashboard-session:{digest}"

    async def open(self, user_id: str) -> str:
        """A new session of the user `user_id`, valid for max_age_seconds from now."""
        session_id = secrets.token_urlsafe(32)
        with session_store():
            await self.worker.redis.set(
                self.key(session_id), user_id, ex=self.max_age_seconds
            )
        return session_id

    async def owner(self, session_id: str) -> str | None:
        """The id of the user whose session this is; None if it is over (or was
        never opened)."""
        with session_store():
            user_id = await self.worker.redis.get(self.key(session_id))
        return None if user_id is None else str(user_id)

    async def end(self, session_id: str) -> None:
        with session_store():
            await self.worker.redis.delete([self.key(session_id)])
