"""Account administration outside the API (the `make-admin` command)."""

from .config import Settings
from .db import init_models, open_database
from .models import Role, User, normalize_email


class NoSuchUserError(LookupError):
    """No user has the email given."""


async def grant_admin(settings: Settings, email: str) -> None:
    """Give the user with `email` (in any case) the admin role."""
    async with open_database(settings, warn_if_embedded=False) as database:
        await init_models(database)
        user = await User.find_one(User.email == normalize_email(email))
        if user is None:
            raise NoSuchUserError(
                f"No user has the email {email}; they sign up first (POST /users)."
            )
        user.role = Role.ADMIN
        await user.save()
