"""The API's side of the queue: connecting as a producer, and knowing a Redis
outage from a bug."""

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from importlib.resources import files
from typing import Any

import anyio
import coredis.exceptions
import redis.exceptions
from anyio.abc import TaskStatus
from streaq import Worker
from streaq.types import Streaq

from ...causes import describe
from ...config import get_settings
from ...redis_topology import redis_settings_named

logger = logging.getLogger(__name__)

# How often an API that started while Redis was down tries to connect again.
RECONNECT_SECONDS = 2.0


class QueueUnavailableError(RuntimeError):
    """Redis cannot be reached, so tasks can be neither enqueued nor inspected."""


@asynccontextmanager
async def connect_producer(queue: Worker[Any]) -> AsyncIterator[Worker[Any]]:
    """Connect `queue` as a producer: it can enqueue and inspect tasks, not run them."""
    async with AsyncExitStack() as stack:
        try:
            await stack.enter_async_context(queue)
        except Exception as error:
            named = redis_settings_named(get_settings())
            raise QueueUnavailableError(
                f"cannot connect to Redis at {named} ({describe(error)}); "
                f"start Redis >= 7 or point {named} at one"
            ) from error
        yield queue


@asynccontextmanager
async def keep_producer_connected(
    queue: Worker[Any], on_connected: Callable[[], None]
) -> AsyncIterator[None]:
    """Connect `queue` as a producer for as long as the block runs, calling
    `on_connected` once it is. A Redis that is down at start-up does not stop
    the API (`serve --no-require-services`): the connection is tried again every
    RECONNECT_SECONDS in the background, and the queue answers 503 until then."""
    async with anyio.create_task_group() as group:
        await group.start(hold_producer_connection, queue, on_connected)
        try:
            yield
        finally:
            group.cancel_scope.cancel()


async def hold_producer_connection(
    queue: Worker[Any],
    on_connected: Callable[[], None],
    *,
    task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Connect, then hold the connection; started once the first attempt ends."""
    started = False
    while True:
        try:
            async with connect_producer(queue):
                on_connected()
                if started:
                    logger.warning("Redis answers: the job queue is connected")
                else:
                    started = True
                    task_status.started()
                await anyio.sleep_forever()
        except QueueUnavailableError as error:
            if not started:
                logger.error("%s; the job queue answers 503 until it answers", error)
                started = True
                task_status.started()
        await anyio.sleep(RECONNECT_SECONDS)


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
