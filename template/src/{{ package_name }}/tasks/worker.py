"""The Streaq worker: where tasks are registered and from where they are enqueued."""

from enum import StrEnum

from ..config import get_settings
from ..redis_topology import streaq_connection
from .context import WorkerContext
from .lifespan import worker_lifespan
from .machinery.service_worker import ServiceWorker
from .machinery.timeouts import redis_timeouts


class Priority(StrEnum):
    """Queue levels, lowest first. A worker always takes the highest waiting task.

    `enqueue(...)` uses NORMAL; pass `.start(priority=Priority.URGENT)` for work a
    person is waiting on (a password reset) so it overtakes bulk jobs.
    """

    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


def create_worker() -> ServiceWorker[WorkerContext]:
    """The worker, configured from the settings (`get_settings()`, as the app's).

    Producer (the API) and workers must agree on the Redis (REDIS_URL, or the
    Sentinel or Cluster settings: redis_topology.py), the queue name and
    the signing secret: both build this same object from the same settings.
    A `ServiceWorker` is Streaq's `Worker` that also tells a task when it was due
    (cron misfires), dead-letters poison tasks and payloads signed with another
    secret, and ends its process when a task blocks its event loop
    (tasks/machinery/service_worker.py).
    """
    settings = get_settings()
    return ServiceWorker(
        # A reply timeout above Streaq's blocking read: a connection that stops
        # delivering without closing ends in an error the worker recovers from
        # (tasks/machinery/timeouts.py), instead of a worker waiting forever.
        **streaq_connection(
            settings, redis_timeouts(settings.worker_idle_timeout_seconds)
        ),
        queue_name=settings.queue_name,
        concurrency=settings.worker_concurrency,
        lifespan=worker_lifespan,
        # Streaq's default for `enqueue` is the first (lowest) level: NORMAL.
        priorities=[level.value for level in Priority],
        idle_timeout=settings.worker_idle_timeout_seconds,
        grace_period=settings.worker_grace_period_seconds,
        # Payloads are pickled; the signature stops a worker from unpickling data
        # that anyone with write access to Redis slipped into the queue.
        signing_secret=settings.task_signing_secret.get_secret_value(),
    )


# Tasks register on this object when their modules are imported (Streaq's way), so
# it is built at import, from the same settings the app reads.
worker = create_worker()
