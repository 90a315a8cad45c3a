"""Redis refusing writes while it is up: out of memory, a read-only replica, a
failed snapshot. Which client errors mean it, and what a person should do.

Both clients report these as response errors, not connection errors: Streaq's
coredis raises `ResponseError` keeping the server's code ("OOM command not
allowed ...") except for READONLY (`ReadOnlyError`); redis-py strips the code and
raises `OutOfMemoryError` or `ReadOnlyError`. A pipeline wraps the text in
"Command # n (...) of pipeline caused error: ...", and Streaq's abort wraps the
error in an exception group. Matching the server's text covers all of them.
"""

from dataclasses import dataclass

import coredis.exceptions
import redis.exceptions

from ...causes import innermost_error


@dataclass(frozen=True)
class WriteRefusal:
    """Why Redis refuses writes (`reason`) and what to do about it (`fix`)."""

    reason: str
    fix: str

    @property
    def summary(self) -> str:
        """One line for a health check."""
        return f"Redis refuses writes: {self.reason}"

    @property
    def detail(self) -> str:
        """The answer to a client whose request Redis refused."""
        return (
            f"The job queue (Redis) refuses writes: {self.reason}. Nothing was "
            f"changed; retry shortly. {self.fix}"
        )


OUT_OF_MEMORY = WriteRefusal(
    reason="it is out of memory (used memory > maxmemory)",
    fix=(
        "Free memory on that Redis or raise its maxmemory; keep maxmemory-policy "
        "noeviction, since an evicting policy would silently drop queued tasks."
    ),
)
READ_ONLY = WriteRefusal(
    reason="REDIS_URL points at a read-only replica (demoted by a failover?)",
    fix="Point REDIS_URL at the primary, or promote this server: REPLICAOF NO ONE.",
)
SNAPSHOT_FAILING = WriteRefusal(
    reason="it cannot save its RDB snapshot to disk (MISCONF)",
    fix=(
        "Fix the disk or permissions named in the Redis log (its 'dir'); writes "
        "resume after the next successful save."
    ),
)

# The server's words for each refusal, as both clients pass them on (redis-py
# drops the leading "OOM"/"READONLY" code, so the text after it is matched).
REFUSAL_MARKERS: tuple[tuple[str, WriteRefusal], ...] = (
    ("command not allowed when used memory > 'maxmemory'", OUT_OF_MEMORY),
    ("You can't write against a read only replica", READ_ONLY),
    ("MISCONF ", SNAPSHOT_FAILING),
)

REDIS_RESPONSE_ERRORS: tuple[type[Exception], ...] = (
    coredis.exceptions.ResponseError,
    redis.exceptions.ResponseError,
)


def write_refusal(error: BaseException) -> WriteRefusal | None:
    """The refusal `error` reports, or None when it is any other error."""
    cause = innermost_error(error)
    if not isinstance(cause, REDIS_RESPONSE_ERRORS):
        return None
    text = str(cause)
    for marker, refusal in REFUSAL_MARKERS:
        if marker in text:
            return refusal
    return None
