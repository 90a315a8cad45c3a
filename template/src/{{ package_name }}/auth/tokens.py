"""Access tokens: JWTs signed with TOKEN_SECRET (HS256) that name a user and expire."""

from datetime import UTC, datetime, timedelta

import jwt

from ..config import Settings

ALGORITHM = "HS256"


class InvalidTokenError(Exception):
    """The token is malformed, tampered with, signed with another secret, or expired."""


def mint_access_token(user_id: str, settings: Settings) -> str:
    """A token for `user_id`, valid for ACCESS_TOKEN_MINUTES."""
    now = datetime.now(UTC)
    claims = {
        "sub": user_id,
        "iat": now,
        "exp": now + timedelta(minutes=settings.access_token_minutes),
    }
    return jwt.encode(claims, settings.token_secret.get_secret_value(), ALGORITHM)


def read_access_token(token: str, settings: Settings) -> str:
    """The user id `token` names; InvalidTokenError when it cannot be trusted."""
    try:
        claims = jwt.decode(
            token,
            settings.token_secret.get_secret_value(),
            # Only the algorithm tokens are minted with: never "none" or another.
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp"]},
        )
    except jwt.PyJWTError as error:
        raise InvalidTokenError(str(error)) from error
    subject = claims["sub"]
    if not isinstance(subject, str):
        raise InvalidTokenError("the token's subject is not a user id")
    return subject
