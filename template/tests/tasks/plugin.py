"""The job queue's fixtures for the whole suite: with the queue on, the app itself
connects to Redis, so every test of the app needs one.

Redis is REDIS_URL when set, else a `redis-server` started for the session; each
run gets a queue and secrets of its own.
"""

import os
import uuid
from collections.abc import Iterator

import pytest

from tests.tasks.support.heartbeats import fake_heartbeat
from tests.tasks.support.redis_server import RedisServer, start_redis_server

# Set in pytest_configure: where the tests find Redis, or why there is none.
redis_server: RedisServer | None = None
redis_unavailable_reason = ""


def pytest_configure(config: pytest.Config) -> None:
    # Before any test module imports the app: the worker is built from the
    # environment when the queue is imported.
    global redis_server, redis_unavailable_reason
    config.addinivalue_line(
        "markers",
        "ha: runs Redis high availability (Sentinel, failover) or Redis Cluster "
        'on servers of its own; also slow. `pytest -m "not ha"` leaves it out',
    )
    if "REDIS_URL" not in os.environ:
        redis_server = start_redis_server()
        if redis_server is None:
            redis_unavailable_reason = (
                "Redis >= 7 is needed for queue tests: set REDIS_URL or install "
                "redis-server (e.g. apt-get install redis-server)"
            )
        else:
            os.environ["REDIS_URL"] = redis_server.url
    # A queue of its own, so parallel runs sharing one Redis never meet.
    os.environ["QUEUE_NAME"] = f"test-{uuid.uuid4().hex}"
    os.environ["TASK_SIGNING_SECRET"] = uuid.uuid4().hex


def pytest_unconfigure(config: pytest.Config) -> None:
    if redis_server is not None:
        redis_server.stop()


def skip_without_redis() -> None:
    if redis_unavailable_reason:
        pytest.skip(redis_unavailable_reason)


@pytest.fixture
def redis_url() -> str:
    """The Redis the tests use; skips (saying why) when there is none."""
    skip_without_redis()
    return os.environ["REDIS_URL"]


@pytest.fixture(autouse=True)
def redis_for_the_app(request: pytest.FixtureRequest) -> None:
    """A test of the app skips, saying why, when there is no Redis to connect to."""
    if "app" in request.fixturenames:
        skip_without_redis()


@pytest.fixture
def worker_heartbeat(redis_url: str) -> Iterator[str]:
    """A worker's heartbeat on the tests' queue, without the worker: what `doctor`
    and `worker health` need to see some worker alive. Yields the worker's id."""
    with fake_heartbeat(redis_url, os.environ["QUEUE_NAME"]) as worker_id:
        yield worker_id
