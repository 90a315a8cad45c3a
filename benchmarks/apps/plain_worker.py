"""A plain streaq worker with one no-op task: streaq's own cost, nothing added
but the signing the template always does (same secret, same HMAC).

Run: `streaq run benchmarks.apps.plain_worker:worker --burst`.
"""

import asyncio

from streaq import Worker

from .settings import CONCURRENCY, QUEUE_NAME, REDIS_URL, SIGNING_SECRET

worker = Worker(
    redis_url=REDIS_URL,
    queue_name=QUEUE_NAME,
    concurrency=CONCURRENCY,
    signing_secret=SIGNING_SECRET,
)


@worker.task
async def ping(delay_seconds: float = 0.0) -> str:
    # As the template's ping: a delay stands for a task waiting on I/O.
    if delay_seconds > 0:
        await asyncio.sleep(delay_seconds)
    return "pong"
