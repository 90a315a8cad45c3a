"""Who owns a task: the user a route enqueued it for. Status, events and abort
answer only that user or an admin; tasks without an owner (cron, maintenance,
ones enqueued from code) only admins.

The owner is a Redis key per task id, written by the route that enqueues the
task: it lives where the task's status and result live, costs one round trip,
and expires on its own, as the task's result does (no clean-up job, no MongoDB
document per task).
"""

from ...redis_topology import AsyncRedis
from ..worker import worker

# How long the owner is remembered: longer than the tasks here wait (scheduled,
# retried), run and keep their result (Streaq's default: 5 minutes). Past it the
# task answers its owner 404, as an expired result does; admins still see it.
OWNER_KEPT_SECONDS = 7 * 24 * 3600


def owner_key(task_id: str) -> str:
    return f"{worker.queue_name}:task-owner:{task_id}"


async def record_owner(redis: AsyncRedis, task_id: str, user_id: str) -> None:
    await redis.set(owner_key(task_id), user_id, ex=OWNER_KEPT_SECONDS)


async def owner_of(redis: AsyncRedis, task_id: str) -> str | None:
    """The id of the user the task was enqueued for; None if it has none."""
    owner = await redis.get(owner_key(task_id))
    # Bytes, unless the client was made with decode_responses=True.
    return owner.decode() if isinstance(owner, bytes) else owner
