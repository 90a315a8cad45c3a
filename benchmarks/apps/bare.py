"""Bare FastAPI apps answering the template's JSON without doing any work.

`app` declares its routes on the app itself; `routed_app` serves the same
liveness route from an included APIRouter, the way the template (and most
FastAPI services) organise routes, so the router's own cost can be told apart.
"""

from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI, status
from pydantic import BaseModel

app = FastAPI()
routed_app = FastAPI()
health = APIRouter(prefix="/health")

# Fixed values: producing them is the work this baseline leaves out.
USER_ID = "665f1c2e9b1e8a3d4c5b6a79"
TASK_ID = "0b5e7c1f2a3d4e5f6a7b8c9d0e1f2a3b"
CREATED_AT = datetime(2025, 1, 1, tzinfo=UTC)


class Liveness(BaseModel):
    status: str


class UserCreate(BaseModel):
    email: str
    name: str


class UserCreated(BaseModel):
    id: str
    email: str
    name: str
    created_at: datetime
    welcome_email_task_id: str


@app.get("/health/live")
@health.get("/live")
async def live() -> Liveness:
    return Liveness(status="ok")


routed_app.include_router(health)


@app.post("/users", status_code=status.HTTP_201_CREATED)
async def create_user(payload: UserCreate) -> UserCreated:
    return UserCreated(
        id=USER_ID,
        email=payload.email,
        name=payload.name,
        created_at=CREATED_AT,
        welcome_email_task_id=TASK_ID,
    )
