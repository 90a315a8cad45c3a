"""The generated app with authentication taken out: the baseline of the
authenticated `GET /users/{id}` rows.

Same rendered project, same `create_app`, same routes, database and middleware;
only the app-wide `authenticate` dependency is overridden. In its place every
caller is taken to be the owner of the user the path names: no bearer header is
read, no token verified, no user looked up. So the difference between the two
apps is exactly what authentication costs a request.

Run: `uvicorn --factory benchmarks.apps.no_auth:create_app` (the generated
project's environment; its package is `bench_svc`, see benchmarks/project.py).
"""

from dataclasses import dataclass

from beanie import PydanticObjectId
from bench_svc.api.access import authenticate
from bench_svc.app import create_app as create_template_app
from fastapi import FastAPI, Request


@dataclass(frozen=True)
class Owner:
    """What `get_user` reads of its caller (`id`, `is_admin`), without a lookup."""

    id: PydanticObjectId
    is_admin: bool = False


async def owner_of_the_path(request: Request) -> None:
    """Stands in for `authenticate`: the caller owns the user in the path."""
    user_id = request.path_params.get("user_id")
    if isinstance(user_id, str) and PydanticObjectId.is_valid(user_id):
        request.state.user = Owner(PydanticObjectId(user_id))


def create_app() -> FastAPI:
    app = create_template_app()
    app.dependency_overrides[authenticate] = owner_of_the_path
    return app
