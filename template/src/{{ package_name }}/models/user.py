"""Accounts: a user who signs up with a password and receives a welcome email."""

from enum import StrEnum
from typing import Annotated

from beanie import Document, Indexed
from pydantic import EmailStr, Field

from .timestamps import UtcDateTime, utc_now


class Role(StrEnum):
    USER = "user"
    # Reads every user and every task; made with the `make-admin` command.
    ADMIN = "admin"


class User(Document):
    # Stored in lower case (see normalize_email): the unique index then holds
    # one account per mailbox, whatever case it was typed in.
    email: Annotated[EmailStr, Indexed(unique=True)]
    name: str
    # Argon2 (auth/passwords.py); never part of a response.
    password_hash: str
    role: Role = Role.USER
    created_at: UtcDateTime = Field(default_factory=utc_now)

    class Settings:
        name = "users"

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def normalize_email(email: str) -> str:
    """The form emails are stored and looked up in: trimmed, lower case."""
    return email.strip().lower()
