"""The environment the generated project and the baselines run in: a private
queue on the shared Redis and a fresh embedded-store folder per run."""

import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .project import TEMPLATE_ROOT, Project, clean_env

REDIS_URL = "redis://127.0.0.1:6379/0"
CONCURRENCY = (
    16  # the template's default WORKER_CONCURRENCY; the plain worker gets it too
)
# Same secret for producer and worker; the value only has to match.
SIGNING_SECRET = "bench-" + "s" * 32
# Signs the access tokens of the bench's admin (any 32+ characters will do).
TOKEN_SECRET = "bench-" + "t" * 32
# wrk sends every sign-up from one address: the bench measures the route, not
# the per-client limit on sign-ups and logins.
AUTH_RATE_LIMIT = "1000000/minute"


def delete_queue_keys(queue_name: str) -> None:
    """Remove every key naming the queue (streaq's `streaq:<queue>...` and the
    template's own `<queue>:...`). Never FLUSHALL: other tests share this Redis."""
    for pattern in (f"streaq:{queue_name}*", f"{queue_name}:*"):
        keys = subprocess.run(
            ["redis-cli", "-u", REDIS_URL, "--scan", "--pattern", pattern],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        # In batches: one DEL with tens of thousands of arguments is refused.
        for start in range(0, len(keys), 500):
            subprocess.run(
                ["redis-cli", "-u", REDIS_URL, "DEL", *keys[start : start + 500]],
                capture_output=True,
                check=True,
            )


@contextmanager
def private_run(project: Project, label: str) -> Iterator[tuple[Path, dict[str, str]]]:
    """Yield a working folder and the environment of one measured run; afterwards
    delete its queue's keys and its data.

    The folder holds no `.env`, so only these variables configure the app (the
    render's `.env` would switch the dashboard on).
    """
    queue_name = f"bench-{label}-{secrets.token_hex(4)}"
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{label}-"))
    env = clean_env(
        {
            "ENVIRONMENT": "development",
            "DATA_DIR": str(workdir / "data"),
            "REDIS_URL": REDIS_URL,
            "QUEUE_NAME": queue_name,
            "TASK_SIGNING_SECRET": SIGNING_SECRET,
            "TOKEN_SECRET": TOKEN_SECRET,
            "AUTH_RATE_LIMIT": AUTH_RATE_LIMIT,
            "WORKER_CONCURRENCY": str(CONCURRENCY),
            # The baselines are imported from this repository.
            "PYTHONPATH": str(TEMPLATE_ROOT),
        }
    )
    try:
        yield workdir, env
    finally:
        delete_queue_keys(queue_name)
        shutil.rmtree(workdir, ignore_errors=True)
