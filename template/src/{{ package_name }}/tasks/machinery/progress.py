"""Task progress for clients: published by a task, followed over Server-Sent Events.

A task publishes its steps with `ProgressPublisher`; each event is appended to a short
Redis list (so a client that connects late still sees the earlier steps) and
published on a Redis pub/sub channel (so a connected client sees it at once).
`follow_progress` replays the list, then relays the channel, in order.
"""

from collections.abc import AsyncIterator, Awaitable, Callable

import anyio
from pydantic import BaseModel

from ...redis_topology import AsyncRedis

# How long a finished task's progress stays readable.
PROGRESS_RETENTION_SECONDS = 3600
# How often a follower with nothing new checks whether the task has ended.
IDLE_CHECK_SECONDS = 1.0


class ProgressEvent(BaseModel):
    """One step of a task: `done` of `total` units, in publication order (`seq`)."""

    seq: int
    done: int
    total: int
    message: str
    final: bool = False


def channel_name(queue_name: str, task_id: str) -> str:
    return f"{queue_name}:progress:{task_id}"


def history_key(queue_name: str, task_id: str) -> str:
    return f"{queue_name}:progress-log:{task_id}"


class ProgressPublisher:
    """Publishes the progress of one task run."""

    def __init__(self, redis: AsyncRedis, queue_name: str, task_id: str) -> None:
        self._redis = redis
        self._channel = channel_name(queue_name, task_id)
        self._history = history_key(queue_name, task_id)
        self._seq = 0

    async def publish(
        self, done: int, total: int, message: str, *, final: bool = False
    ) -> None:
        self._seq += 1
        event = ProgressEvent(
            seq=self._seq, done=done, total=total, message=message, final=final
        ).model_dump_json()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(self._history, event)
            pipe.expire(self._history, PROGRESS_RETENTION_SECONDS)
            await pipe.execute()
        # Published after the history is written (a Redis Cluster runs no PUBLISH
        # in a transaction): a follower that reads both drops the copy by `seq`.
        await self._redis.publish(self._channel, event)


async def follow_progress(
    redis: AsyncRedis,
    queue_name: str,
    task_id: str,
    task_has_ended: Callable[[], Awaitable[bool]],
    *,
    until: float,
) -> AsyncIterator[ProgressEvent]:
    """Yield the task's progress events in order until its final one.

    Also stops when the task ended without a final event (it failed or was
    aborted): `task_has_ended` is asked whenever nothing arrived for a while;
    and at `until` (on anyio's clock) whatever the task does.
    """
    last_seq = 0
    async with redis.pubsub() as pubsub:
        # Subscribe before reading the history: nothing falls between the two.
        await pubsub.subscribe(channel_name(queue_name, task_id))
        for raw in await redis.lrange(history_key(queue_name, task_id), 0, -1):
            event = ProgressEvent.model_validate_json(raw)
            last_seq = event.seq
            yield event
            if event.final:
                return
        while (time_left := until - anyio.current_time()) > 0:
            message = await pubsub.get_message(
                ignore_subscribe_messages=True,
                timeout=min(IDLE_CHECK_SECONDS, time_left),
            )
            if message is None:
                if await task_has_ended():
                    return
                continue
            event = ProgressEvent.model_validate_json(message["data"])
            if event.seq <= last_seq:
                continue  # already replayed from the history
            last_seq = event.seq
            yield event
            if event.final:
                return
