"""A stand-in for a live worker: the heartbeat key a running Streaq worker keeps
in Redis, written by the test itself, for checks that only read heartbeats."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from tests.support.network import free_port

# Long enough to outlast any test that holds it; deleted at the end anyway.
HEARTBEAT_MILLISECONDS = 60_000


@contextmanager
def fake_heartbeat(redis_url: str, queue_name: str) -> Iterator[str]:
    """A heartbeat on `queue_name` for a worker that does not exist; yields its id."""
    worker_id = f"fake{uuid.uuid4().hex[:8]}"
    key = f"streaq:{queue_name}:health:{worker_id}"
    with redis.Redis.from_url(redis_url) as client:
        # What Streaq writes (`worker <id> <counters>`), expiring like the real one.
        client.set(key, f"worker {worker_id} (no counters)", px=HEARTBEAT_MILLISECONDS)
        try:
            yield worker_id
        finally:
            client.delete(key)


def unreachable_redis_url() -> str:
    """A Redis URL nothing answers on."""
    return f"redis://127.0.0.1:{free_port()}/0"
