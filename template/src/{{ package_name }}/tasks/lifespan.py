"""Opens the worker's resources when a worker process starts, closes them at exit."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from ..config import get_settings
from ..db import init_models, open_database
from ..redis_topology import async_redis
from ..services.email import create_email_sender
from .context import WorkerContext
from .machinery.tracing import observed_worker

# Outgoing HTTP calls from tasks should fail rather than hang a worker slot.
HTTP_TIMEOUT_SECONDS = 30.0


@asynccontextmanager
async def worker_lifespan() -> AsyncIterator[WorkerContext]:
    """Yield the context tasks share; `async with` closes each resource at exit.

    Streaq cancels this generator when the worker stops, so teardown must live in
    context managers (or `finally`), never in plain code after `yield`.
    """
    settings = get_settings()
    async with (
        # First: the database client is made once pymongo is instrumented.
        observed_worker(settings),
        open_database(settings) as database,
        httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS) as http,
        async_redis(settings) as redis,
    ):
        await init_models(database)
        # Start-up objects live as long as the worker: frozen, the garbage
        # collector stops re-scanning them while tasks churn through memory.
        gc.freeze()
        yield WorkerContext(
            settings=settings,
            database=database,
            mailer=create_email_sender(settings),
            http=http,
            redis=redis,
        )
