"""A real `serve` process refuses what would take its memory: 50 MB bodies at
once (with a Content-Length over the limit, and chunked without one), and a
request head that does not end; and a body that stalls gets 408 in time."""

import json
import secrets
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.api_server import ApiServer, start_api_server

# Starts the server process.
pytestmark = pytest.mark.slow

MIB = 1024 * 1024
BODY_BYTES = 50 * MIB
# The requirement: refused with memory growing by far less than the body.
# (Measured on 2 cores: answered in 0.1 to 0.3 s, and no growth to the megabyte;
# the time is not asserted: a busy machine stretches it.)
GROWTH_BYTES = 20 * MIB
# REQUEST_BODY_TIMEOUT_SECONDS for this server: short, so the test is quick.
BODY_TIMEOUT_SECONDS = 3.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    folder = tmp_path_factory.mktemp("serve")
    api = start_api_server(
        folder / "serve.log",
        # Development on the embedded store in this folder, as on a laptop.
        {
            "ENVIRONMENT": "development",
            "DATA_DIR": str(folder / ".data"),
            "REQUEST_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT_SECONDS),
        },
    )
    yield api
    api.stop()


def chunks_of(total: int, size: int = MIB) -> Iterator[bytes]:
    """`total` bytes in chunks: httpx sends them chunked, without Content-Length."""
    for _ in range(total // size):
        yield b"x" * size


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_50_mb_body_is_refused_at_once_in_bounded_memory(
    server: ApiServer, framing: str
) -> None:
    body = b"x" * BODY_BYTES if framing == "content-length" else chunks_of(BODY_BYTES)
    before = server.resident_bytes()

    response = httpx.post(
        f"{server.base_url}/users",
        content=body,
        headers={"content-type": "application/json"},
        timeout=30,
    )

    assert response.status_code == 413
    # Not held in memory: the body is refused as it arrives, never buffered.
    assert server.resident_bytes() - before < GROWTH_BYTES
    # The server is still there for the next client.
    assert httpx.get(f"{server.base_url}/health/live").status_code == 200


def send_a_head_without_end(connection: socket.socket) -> None:
    """Send a request line and 50 MB of headers, never the blank line that ends
    a request head."""
    connection.sendall(b"GET /health/live HTTP/1.1\r\nHost: test\r\n")
    for number in range(BODY_BYTES // MIB):
        connection.sendall(b"X-Padding-%d: %s\r\n" % (number, b"a" * MIB))


def test_a_request_head_that_does_not_end_is_cut_off(server: ApiServer) -> None:
    # httptools would buffer headers without end (100 MB of them took 100 MB);
    # the h11 protocol `serve` uses hangs up once an unfinished request head
    # passes MAX_REQUEST_HEAD_BYTES.
    before = server.resident_bytes()
    host, port = server.base_url.removeprefix("http://").split(":")
    # A timeout is an OSError too: only the server hanging up passes.
    with (
        socket.create_connection((host, int(port)), timeout=30) as connection,
        pytest.raises((ConnectionResetError, BrokenPipeError)),
    ):
        send_a_head_without_end(connection)

    assert server.resident_bytes() - before < GROWTH_BYTES


def server_address(server: ApiServer) -> tuple[str, int]:
    host, port = server.base_url.removeprefix("http://").split(":")
    return host, int(port)


def request_head(content_length: int) -> bytes:
    return (
        b"POST /users HTTP/1.1\r\nHost: test\r\n"
        b"Content-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % content_length
    )


def read_until_closed(connection: socket.socket) -> bytes:
    """Everything the server sends until it hangs up."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def test_a_body_that_stalls_gets_408_within_the_timeout(server: ApiServer) -> None:
    with socket.create_connection(
        server_address(server), timeout=BODY_TIMEOUT_SECONDS + 10
    ) as connection:
        started = time.monotonic()
        # 10 of the 1000 bytes announced, then nothing.
        connection.sendall(request_head(1000) + b'{"email":')
        answer = read_until_closed(connection)
        elapsed = time.monotonic() - started

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), answer
    assert "REQUEST_BODY_TIMEOUT_SECONDS" in json.loads(body)["detail"]
    # Not before the deadline; the upper bound only tells "cut off" from "left
    # hanging" (the socket's own timeout), with room for a busy machine.
    assert BODY_TIMEOUT_SECONDS <= elapsed < BODY_TIMEOUT_SECONDS + 7
    assert "Traceback" not in server.log()


def test_a_slow_but_steady_upload_is_served(server: ApiServer) -> None:
    sign_up = {
        "email": f"steady.{secrets.token_hex(6)}@example.com",
        "name": "Steady",
        "password": secrets.token_urlsafe(16),
    }
    body = json.dumps(sign_up).encode().ljust(1000)
    pieces = [body[start : start + 100] for start in range(0, len(body), 100)]
    with socket.create_connection(
        server_address(server), timeout=BODY_TIMEOUT_SECONDS + 10
    ) as connection:
        connection.sendall(request_head(len(body)))
        # Ten pieces over half the timeout: slow, never stalled.
        for piece in pieces:
            time.sleep(BODY_TIMEOUT_SECONDS / 20)
            connection.sendall(piece)
        status_line = connection.recv(65536).split(b"\r\n", 1)[0]

    assert status_line.startswith(b"HTTP/1.1 201 "), status_line
