"""The example resource: a user who signs up and receives a welcome email."""

from datetime import UTC, datetime
from typing import Annotated

from beanie import Document, Indexed
from pydantic import EmailStr, Field


def utc_now() -> datetime:
    return datetime.now(UTC)


class User(Document):
    email: Annotated[EmailStr, Indexed(unique=True)]
    name: str
    created_at: datetime = Field(default_factory=utc_now)

    class Settings:
        name = "users"
