"""What every task can reach through `worker.context`."""

from dataclasses import dataclass
from typing import Any

import httpx

from ..config import Settings
from ..redis_topology import AsyncRedis
from ..services.email import EmailSender


@dataclass(frozen=True)
class WorkerContext:
    """Resources opened once per worker process by `lifespan.worker_lifespan`.

    To add one (a cache, an API client, ...), add a field here and open it in
    `worker_lifespan`; tasks then use `worker.context.<field>`.
    """

    settings: Settings
    database: Any
    mailer: EmailSender
    http: httpx.AsyncClient
    # redis-py client on the queue's Redis, for the tasks' own keys (progress events).
    redis: AsyncRedis
