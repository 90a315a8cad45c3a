"""The API's side of the queue: connecting as a producer, and knowing a Redis
outage from a bug."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from importlib.resources import files
from typing import Any

import coredis.exceptions
import redis.exceptions
from streaq import Worker
from streaq.types import Streaq

from ...causes import describe


class QueueUnavailableError(RuntimeError):
    """Redis cannot be reached, so tasks can be neither enqueued nor inspected."""


@asynccontextmanager
async def connect_producer(queue: Worker[Any]) -> AsyncIterator[Worker[Any]]:
    """Connect `queue` as a producer: it can enqueue and inspect tasks, not run them."""
    async with AsyncExitStack() as stack:
        try:
            await stack.enter_async_context(queue)
        except Exception as error:
            raise QueueUnavailableError(
                f"cannot connect to Redis at REDIS_URL ({describe(error)}); "
                "start Redis >= 7 or point REDIS_URL at one"
            ) from error
        yield queue


# Errors that mean Redis cannot be reached right now (from Streaq's coredis client
# or from the redis-py client used for progress events), not a bug in a request.
REDIS_CONNECTION_ERRORS: tuple[type[Exception], ...] = (
    coredis.exceptions.ConnectionError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    QueueUnavailableError,
)


def lost_queue_functions(error: BaseException) -> bool:
    """Redis restarted without its data (no persistence) and forgot Streaq's functions."""
    return isinstance(error, coredis.exceptions.ResponseError) and (
        "Function not found" in str(error)
    )


async def restore_queue_functions(queue: Worker[Any]) -> None:
    """Load Streaq's Redis functions again after such a restart.

    Workers load them when they start; a producer that has been connected since
    before the restart would otherwise fail every enqueue until restarted.
    """
    library = files("streaq").joinpath("lua", "streaq.lua").read_text()
    await Streaq(queue.redis, code=library, replace=True)
