"""The example resource: a user who signs up and receives a welcome email."""

from typing import Annotated

from beanie import Document, Indexed
from pydantic import EmailStr, Field

from .timestamps import UtcDateTime, utc_now


class User(Document):
    email: Annotated[EmailStr, Indexed(unique=True)]
    name: str
    created_at: UtcDateTime = Field(default_factory=utc_now)

    class Settings:
        name = "users"
