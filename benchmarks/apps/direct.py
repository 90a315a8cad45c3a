"""A bare FastAPI app doing POST /users' work directly: the same Beanie document
inserted into the same embedded store (tinymongo on sqlite) and a plain streaq
enqueue. Against the template it isolates the template's own overhead."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated

import tinymongo
from beanie import Document, Indexed, init_beanie
from fastapi import FastAPI, status
from pydantic import BaseModel, ConfigDict, EmailStr, Field
from streaq import Worker

from .settings import CONCURRENCY, DATA_DIR, QUEUE_NAME, REDIS_URL

worker = Worker(redis_url=REDIS_URL, queue_name=QUEUE_NAME, concurrency=CONCURRENCY)


@worker.task
async def send_welcome_email(to: str, name: str) -> str:
    return to


def utc_now() -> datetime:
    return datetime.now(UTC)


class User(Document):
    email: Annotated[EmailStr, Indexed(unique=True)]
    name: str
    created_at: datetime = Field(default_factory=utc_now)

    class Settings:
        name = "users"


class UserCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    email: EmailStr
    name: str = Field(min_length=1, max_length=100)


class UserCreated(BaseModel):
    id: str
    email: EmailStr
    name: str
    created_at: datetime
    welcome_email_task_id: str


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    client = tinymongo.AsyncMongoClient(backend="sqlite", tinymongo_folder=DATA_DIR)
    try:
        await init_beanie(database=client["bench"], document_models=[User])
        async with worker:
            yield
    finally:
        await client.close()


app = FastAPI(lifespan=lifespan)


@app.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/users", status_code=status.HTTP_201_CREATED)
async def create_user(payload: UserCreate) -> UserCreated:
    user = User(email=payload.email, name=payload.name)
    await user.insert()
    task = await send_welcome_email.enqueue(user.email, user.name)
    return UserCreated(
        id=str(user.id),
        email=user.email,
        name=user.name,
        created_at=user.created_at,
        welcome_email_task_id=task.id,
    )
