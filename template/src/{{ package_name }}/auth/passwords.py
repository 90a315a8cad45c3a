"""Password hashes (argon2). Hashing is slow on purpose: it runs in a thread so
that the event loop keeps serving other requests meanwhile."""

from functools import cache

import anyio
from pwdlib import PasswordHash

# Shorter passwords are refused at sign-up.
MINIMUM_PASSWORD_LENGTH = 12
# Argon2 with pwdlib's recommended parameters.
HASHER = PasswordHash.recommended()


@cache
def _dummy_hash() -> str:
    """Checked when no user has the email given, so that a log-in for an unknown
    account takes as long as one with a wrong password (timing reveals nothing).
    Made on first use, not at import: every command that imports the app would
    otherwise pay a hash (and its 64 MiB) it may never need."""
    return HASHER.hash("no account has this password")


def _verify_against_dummy(password: str) -> None:
    # In the thread, the first call's hash included: not on the event loop.
    HASHER.verify(password, _dummy_hash())


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(HASHER.hash, password)


async def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether `password` matches `password_hash`; None (no such user) takes as
    long as a real check and is always False."""
    if password_hash is None:
        await anyio.to_thread.run_sync(_verify_against_dummy, password)
        return False
    return await anyio.to_thread.run_sync(HASHER.verify, password, password_hash)
