"""A bare FastAPI app whose POST enqueues the no-op through a plain streaq worker."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, status
from pydantic import BaseModel

from .plain_worker import ping, worker


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # A producer must be connected before it can enqueue.
    async with worker:
        yield


app = FastAPI(lifespan=lifespan)


class EnqueuedTask(BaseModel):
    task_id: str


@app.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/tasks/ping", status_code=status.HTTP_202_ACCEPTED)
async def enqueue_ping() -> EnqueuedTask:
    task = await ping.enqueue()
    return EnqueuedTask(task_id=task.id)
