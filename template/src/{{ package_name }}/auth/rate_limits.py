"""Attempts per client address (sign-up, log-in): a moving window.

Counted in memory unless a shared storage is given: in memory means per API
process, so with `serve --workers N` a client gets N times AUTH_RATE_LIMIT.
Enough to slow password guessing from one address; a shared storage (one of
those `limits` supports) makes it one limit across processes.
"""

import logging
import math
import time

import anyio
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from ..causes import describe

logger = logging.getLogger(__name__)

# A shared storage that has not answered within this long counts as down: a
# log-in must not wait for a server that has vanished without closing.
SHARED_STORAGE_TIMEOUT_SECONDS = 2.0


class AttemptLimiter:
    """Counts attempts by key (an action and a client address) against one limit.

    When the shared storage fails (its server is down), attempts are counted in
    this process's memory meanwhile: log-in keeps working, since the outage is
    not the client's fault, and guessing stays bounded, per process as without
    a shared storage. Pass a storage made with `wrap_exceptions=True`.
    """

    def __init__(self, limit: str, shared: Storage | None = None) -> None:
        self.limit: RateLimitItem = parse(limit)
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared = None if shared is None else MovingWindowRateLimiter(shared)

    async def attempt(self, key: str) -> float | None:
        """Count one attempt; None if it is allowed, else the seconds to wait."""
        if self._shared is not None:
            try:
                with anyio.fail_after(SHARED_STORAGE_TIMEOUT_SECONDS):
                    return await self._count(self._shared, key)
            except (StorageError, TimeoutError) as error:
                cause = (
                    error.storage_error if isinstance(error, StorageError) else error
                )
                logger.warning(
                    "Rate limit storage unavailable (%s); counting attempts "
                    "per process until it answers",
                    describe(cause),
                )
        return await self._count(self._local, key)

    async def _count(self, limiter: MovingWindowRateLimiter, key: str) -> float | None:
        if await limiter.hit(self.limit, key):
            return None
        reset_at, _ = await limiter.get_window_stats(self.limit, key)
        return max(reset_at - time.time(), 1.0)


def retry_after_header(seconds: float) -> dict[str, str]:
    return {"Retry-After": str(math.ceil(seconds))}
