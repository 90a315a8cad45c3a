"""Caps on open task event streams (GET /tasks/{id}/events): per user and in all.

Each open stream holds a Redis pub/sub connection for as long as it lasts, and a
stream on a scheduled task lasts until the task runs. Uncapped, a hundred streams
took every connection of the pool and later requests failed mid-answer. Here a
stream over a cap is refused before it starts (429 for one user, 503 for the
server), the Redis pool has room for every allowed stream plus the other
requests, and each stream ends after EVENT_STREAM_MAX_SECONDS (see routes.py).

The counts are per API process: with `serve --workers N`, N times as many.
"""

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

from fastapi import HTTPException, Request, status

from ...api.access import current_user
from ...api.errors import RETRY_AFTER_SECONDS
from ...config import Settings

# Redis connections kept for requests other than streams (a status, an abort),
# on top of one per allowed stream.
SPARE_REDIS_CONNECTIONS = 16


def stream_owner(request: Request) -> str:
    """Whose streams count together against EVENT_STREAMS_PER_CLIENT: the
    logged-in user's (every route here needs one), wherever they connect from."""
    return str(current_user(request).id)


def redis_pool_size(settings: Settings) -> int:
    """Connections for the API's redis-py pool: every allowed stream, and spare."""
    return settings.event_streams_total + SPARE_REDIS_CONNECTIONS


class StreamSlots:
    """Counts the open streams of this process, by owner."""

    def __init__(self, per_owner: int, total: int) -> None:
        self.per_owner = per_owner
        self.total = total
        self._open: Counter[str] = Counter()

    @contextmanager
    def hold(self, owner: str) -> Iterator[None]:
        """A slot for one stream of `owner` while the block runs; HTTPException
        (429 or 503, with Retry-After) when a cap is reached."""
        if self._open[owner] >= self.per_owner:
            raise HTTPException(
                status_code=status.HTTP_429_TOO_MANY_REQUESTS,
                detail=(
                    f"You have {self._open[owner]} task event streams open, the "
                    "most allowed (EVENT_STREAMS_PER_CLIENT). Close one, or poll "
                    "GET /tasks/{task_id} instead."
                ),
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        if self._open.total() >= self.total:
            raise HTTPException(
                status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
                detail=(
                    "The server has as many task event streams open as it allows "
                    "(EVENT_STREAMS_TOTAL). Retry shortly, or poll "
                    "GET /tasks/{task_id} instead."
                ),
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        self._open[owner] += 1
        try:
            yield
        finally:
            self._open[owner] -= 1
            if not self._open[owner]:
                del self._open[owner]


async def event_stream_slot(request: Request) -> AsyncIterator[None]:
    """Dependency: hold a slot for the whole stream (FastAPI closes it once the
    response has ended), or refuse the request before the stream starts."""
    slots: StreamSlots = request.app.state.event_stream_slots
    with slots.hold(stream_owner(request)):
        yield
