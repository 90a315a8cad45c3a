"""`serve --no-require-services` with Redis down: the API starts, tells readiness
and every queue route that Redis is unavailable, and connects once Redis is up,
without a restart (under an orchestrator, nothing would restart it: it is live)."""

import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.support.api_server import start_api_server
from tests.support.network import free_port
from tests.tasks.plugin import skip_without_redis
from tests.tasks.support.redis_server import start_redis_server

# Longest the test waits for the API to reach a Redis that has just started.
CONNECT_TIMEOUT_SECONDS = 30


def wait_until_ready(base_url: str) -> httpx.Response:
    deadline = time.monotonic() + CONNECT_TIMEOUT_SECONDS
    while True:
        ready = httpx.get(f"{base_url}/health/ready", timeout=10)
        if ready.status_code == 200 or time.monotonic() > deadline:
            return ready
        time.sleep(0.2)


@pytest.mark.slow  # starts the server and a redis-server
def test_an_api_started_while_redis_is_down_answers_503_then_connects_when_it_is_up(
    tmp_path: Path, task_store_environment: dict[str, str]
) -> None:
    skip_without_redis()
    port = free_port()
    server = start_api_server(
        tmp_path / "serve.log",
        {**task_store_environment, "REDIS_URL": f"redis://127.0.0.1:{port}/0"},
        "--no-require-services",
    )
    redis = None
    try:
        live = httpx.get(f"{server.base_url}/health/live")
        not_ready = httpx.get(f"{server.base_url}/health/ready", timeout=10)
        sign_up = httpx.post(
            f"{server.base_url}/users",
            json={
                # The store is shared with other tests: an email of its own.
                "email": f"ada-{uuid.uuid4().hex}@example.com",
                "name": "Ada",
                "password": "correct horse battery staple",
            },
        )
        redis = start_redis_server(port)
        ready = wait_until_ready(server.base_url)
    finally:
        server.stop()
        if redis is not None:
            redis.stop()

    assert live.status_code == 200
    assert not_ready.status_code == 503
    assert not_ready.json()["checks"]["redis"]["ok"] is False
    assert sign_up.status_code == 503
    assert "job queue (Redis) is unavailable" in sign_up.json()["detail"]
    assert ready.status_code == 200, ready.text
    assert "Traceback" not in server.log()
