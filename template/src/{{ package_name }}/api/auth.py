"""Log-in (OAuth2 password flow): an email and a password for an access token."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from ..auth.passwords import verify_password
from ..auth.rate_limits import AttemptLimiter, retry_after_header
from ..auth.tokens import mint_access_token
from ..config import Settings
from ..models import User, normalize_email
from .access import UNAUTHORIZED_HEADERS
from .dependencies import require_documents

TOO_MANY_ATTEMPTS: dict[int | str, dict[str, str]] = {
    status.HTTP_429_TOO_MANY_REQUESTS: {
        "description": "Too many attempts from this address (AUTH_RATE_LIMIT)."
    }
}


# Log-in attempts are counted under this path wherever they are made (here, and
# on the task dashboard's form): guessing a password at either spends one budget.
LOG_IN_PATH = "/auth/token"


async def count_attempt(
    limiter: AttemptLimiter, path: str, request: Request
) -> float | None:
    """Count an attempt at `path` by the request's client address: None if it
    is allowed, else the seconds to wait (AUTH_RATE_LIMIT)."""
    client = request.client.host if request.client else "unknown"
    return await limiter.attempt(f"{path} {client}")


async def limit_attempts(request: Request) -> None:
    """Dependency: count an attempt of this route by this client address; 429
    with Retry-After beyond AUTH_RATE_LIMIT."""
    limiter: AttemptLimiter = request.app.state.auth_attempts
    if (wait := await count_attempt(limiter, request.url.path, request)) is not None:
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            detail="Too many attempts from this address; retry later.",
            headers=retry_after_header(wait),
        )


router = APIRouter(prefix="/auth", tags=["auth"])


class AccessToken(BaseModel):
    access_token: str
    # The kind of token (OAuth2), not a secret.
    token_type: Literal["bearer"] = "bearer"  # noqa: S105


@router.post(
    "/token",
    dependencies=[Depends(limit_attempts), Depends(require_documents)],
    responses={
        status.HTTP_401_UNAUTHORIZED: {"description": "Wrong email or password."},
        **TOO_MANY_ATTEMPTS,
    },
)
async def log_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request
) -> AccessToken:
    """Exchange an email (the `username` field) and password for an access token;
    send it as `Authorization: Bearer <token>` until it expires."""
    user = await user_with_password(form.username, form.password)
    if user is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Wrong email or password.",
            headers=UNAUTHORIZED_HEADERS,
        )
    settings: Settings = request.app.state.settings
    return AccessToken(access_token=mint_access_token(str(user.id), settings))


async def user_with_password(email: str, password: str) -> User | None:
    """The user with `email` (in any case) if `password` is theirs, else None.
    An unknown email takes as long as a wrong password: timing reveals nothing."""
    user = await User.find_one(User.email == normalize_email(email))
    known_hash = user.password_hash if user else None
    if not await verify_password(password, known_hash) or user is None:
        return None
    return user
