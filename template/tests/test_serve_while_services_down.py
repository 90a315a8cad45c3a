"""`serve --no-require-services`: the API starts while MongoDB is down, as an
orchestrator wants it (readiness holds traffic back until MongoDB answers;
refusing to start would be a crash loop), and says so on /health/ready."""

from pathlib import Path

import httpx
import pytest

from tests.support.api_server import start_api_server
from tests.support.network import free_port


@pytest.mark.slow  # starts the server process
def test_without_required_services_serve_starts_while_mongodb_is_down_and_is_not_ready(
    tmp_path: Path,
) -> None:
    server = start_api_server(
        tmp_path / "serve.log",
        {
            "MONGODB_URL": f"mongodb://127.0.0.1:{free_port()}/",
            "MONGODB_TIMEOUT_SECONDS": "0.5",
        },
        "--no-require-services",
    )
    try:
        live = httpx.get(f"{server.base_url}/health/live")
        ready = httpx.get(f"{server.base_url}/health/ready", timeout=10)
    finally:
        server.stop()

    assert live.status_code == 200
    assert ready.status_code == 503
    assert ready.json()["checks"]["mongodb"]["ok"] is False
    assert "Traceback" not in server.log()
