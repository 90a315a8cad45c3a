"""A throwaway redis-server for the test session when REDIS_URL is not set.

Started from pytest_configure, before any fixture can run, because the worker
reads REDIS_URL when its module is imported.
"""

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.network import free_port

STARTUP_TIMEOUT_SECONDS = 10.0


@dataclass
class RedisServer:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis_server(
    port: int | None = None, data_dir: Path | None = None
) -> RedisServer | None:
    """Start redis-server on loopback (a free port unless given); None if absent.

    In memory only, or with `data_dir` an append-only file there that makes the
    data survive a restart, as a production Redis for a job queue should.
    """
    executable = shutil.which("redis-server")
    if executable is None:
        return None
    port = port or free_port()
    persistence: tuple[str, ...] = ("--appendonly", "no")
    if data_dir is not None:
        persistence = ("--appendonly", "yes", "--appendfsync", "always")
    process = subprocess.Popen(
        [
            executable,
            *("--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", *persistence),
            *("--dir", str(data_dir or tempfile.gettempdir())),
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if answers_ping(port):
            return RedisServer(process=process, port=port)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"redis-server did not start on port {port}")
