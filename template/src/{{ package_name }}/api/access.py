"""Who may call what: every route needs a logged-in user unless PUBLIC_ROUTES
names it. `authenticate` runs before every route of the app (see app.py), so a
route added later is protected without anyone remembering to protect it.

The task dashboard at /admin/tasks is a mounted app with its own log-in, for
admins only (the same accounts and access tokens).
"""

from typing import Annotated

from beanie import PydanticObjectId
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from ..auth.tokens import InvalidTokenError, read_access_token
from ..config import Settings
from ..db import DocumentBinding
from ..models import User

# The routes anyone may call, as "METHOD /path" (the path as declared). The one
# list: every other route answers 401 to a caller without a valid token.
PUBLIC_ROUTES = frozenset(
    {
        "POST /users",  # sign-up
        "POST /auth/token",  # log-in
        "GET /health/live",
        "HEAD /health/live",
        "GET /health/ready",
        "GET /openapi.json",
        "GET /docs",
        "HEAD /docs",
        "GET /docs/oauth2-redirect",
        "HEAD /docs/oauth2-redirect",
        "GET /redoc",
        "HEAD /redoc",
        "HEAD /openapi.json",
        # Prometheus's: guarded by METRICS_TOKEN instead of a user (api/metrics.py).
        "GET /metrics",
    }
)

# Reads "Authorization: Bearer <token>"; /docs shows an "Authorize" button that
# logs in at /auth/token. Missing, it gives None: `authenticate` decides.
bearer_token = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)

UNAUTHORIZED_HEADERS = {"WWW-Authenticate": "Bearer"}


def is_public(request: Request) -> bool:
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    return f"{request.method} {path}" in PUBLIC_ROUTES


def not_authenticated(detail: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers=UNAUTHORIZED_HEADERS,
    )


async def authenticate(
    request: Request, token: Annotated[str | None, Depends(bearer_token)]
) -> None:
    """Dependency of every route: on a route not in PUBLIC_ROUTES, 401 unless the
    bearer token is valid and names an existing user (kept for `current_user`)."""
    if is_public(request):
        return
    if token is None:
        raise not_authenticated(
            "Log in first: POST /auth/token, then send the token as "
            "'Authorization: Bearer <token>'."
        )
    request.state.user = await token_user(
        token, request.app.state.settings, request.app.state.documents
    )


async def find_user(user_id: str) -> User | None:
    """The user with this id, or None (no such user, or not an id at all)."""
    if not PydanticObjectId.is_valid(user_id):
        return None
    return await User.get(PydanticObjectId(user_id))


async def token_user(token: str, settings: Settings, binding: DocumentBinding) -> User:
    """The user an access token names; 401 when the token is invalid or expired,
    or its user is gone since the token was made (then the token is void)."""
    try:
        user_id = read_access_token(token, settings)
    except InvalidTokenError:
        raise not_authenticated(
            "The access token is invalid or expired; log in again."
        ) from None
    await binding.ensure_bound()
    user = await find_user(user_id)
    if user is None:
        raise not_authenticated("The access token's user no longer exists.")
    return user


def current_user(request: Request) -> User:
    """The user `authenticate` found (only on routes outside PUBLIC_ROUTES)."""
    user: User = request.state.user
    return user


def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    """The current user if an admin; 403 otherwise (the route itself is no secret)."""
    if not user.is_admin:
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN, detail="Only admins may do this."
        )
    return user


CurrentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(admin_user)]
