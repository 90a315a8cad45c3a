"""The generated app with its sign-ups kept in a plain in-memory dict instead of
the embedded development store (tinymongo on sqlite): the baseline of the
dev-store row under load.

Same rendered project, same `create_app`, sign-up route, argon2 hash, rate
limit and welcome-email enqueue; the only change is `insert_user`, the
module-level function the route calls to store a new user: here it refuses a
taken email and keeps the document in a dict, as the unique index and the
store would. The store is still opened (the app's start-up binds its models),
so both sides start the same way.

Run: `uvicorn --factory benchmarks.apps.dict_store:create_app` (the generated
project's environment; its package is `bench_svc`).
"""

import bench_svc.api.users as users_api
from beanie import PydanticObjectId
from bench_svc.app import create_app as create_template_app
from bench_svc.auth.passwords import hash_password
from bench_svc.models import User
from fastapi import FastAPI, HTTPException, status


class DictUsers:
    """Users by email: what the users collection and its unique index keep."""

    def __init__(self) -> None:
        self.by_email: dict[str, User] = {}

    async def insert_user(self, payload: users_api.UserCreate) -> User:
        """`insert_user`'s contract: the hashed user stored, 409 on a taken email."""
        user = User(
            email=payload.email,
            name=payload.name,
            password_hash=await hash_password(payload.password),
        )
        if user.email in self.by_email:
            raise HTTPException(
                status_code=status.HTTP_409_CONFLICT,
                detail=f"A user with email {payload.email} already exists.",
            )
        user.id = PydanticObjectId()
        self.by_email[user.email] = user
        return user


def create_app() -> FastAPI:
    users_api.insert_user = DictUsers().insert_user
    return create_template_app()
