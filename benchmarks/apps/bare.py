"""A bare FastAPI app answering the template's JSON without doing any work."""

from datetime import UTC, datetime

from fastapi import FastAPI, status
from pydantic import BaseModel

app = FastAPI()

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
async def live() -> Liveness:
    return Liveness(status="ok")


@app.post("/users", status_code=status.HTTP_201_CREATED)
async def create_user(payload: UserCreate) -> UserCreated:
    return UserCreated(
        id=USER_ID,
        email=payload.email,
        name=payload.name,
        created_at=CREATED_AT,
        welcome_email_task_id=TASK_ID,
    )
