"""Attempts per client address (sign-up, log-in): a moving window in memory.

In memory means per API process: with `serve --workers N` a client gets N times
AUTH_RATE_LIMIT. Enough to slow password guessing from one address; one limit
across processes needs one of the shared storages of `limits` instead.
"""

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class AttemptLimiter:
    """Counts attempts by key (an action and a client address) against one limit."""

    def __init__(self, limit: str) -> None:
        self.limit: RateLimitItem = parse(limit)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def attempt(self, key: str) -> float | None:
        """Count one attempt; None if it is allowed, else the seconds to wait."""
        if self._limiter.hit(self.limit, key):
            return None
        reset_at, _ = self._limiter.get_window_stats(self.limit, key)
        return max(reset_at - time.time(), 1.0)


def retry_after_header(seconds: float) -> dict[str, str]:
    return {"Retry-After": str(math.ceil(seconds))}
