"""The MONGODB_URL path: generated suites against a MongoDB wire-protocol server.

No MongoDB server can be installed here. nx-27017 speaks the MongoDB wire protocol
over SQLite, so real pymongo clients, Beanie initialisation, unique indexes and
throwaway databases are exercised end to end. It is a smoke test of the connection
path, not of MongoDB's query semantics (the generated CI runs a real mongo service).
"""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.answers import TEXT_ANSWERS
from tests.generated import assert_suite_and_mypy_pass
from tests.network import free_port, wait_for_port
from tests.rendering import render

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mongodb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A wire-protocol server on a free loopback port, in a folder of its own."""
    # A dev dependency: its script sits beside this interpreter.
    executable = Path(sys.executable).with_name("nx-27017")
    assert executable.is_file(), "install the template's dev group: uv sync"
    folder = tmp_path_factory.mktemp("mongodb")
    port = free_port()
    server = subprocess.Popen(
        [
            executable,
            *("--host", "127.0.0.1", "--port", str(port)),
            *("--data-dir", str(folder)),
            *("--log-file", str(folder / "server.log")),
            *("--pid-file", str(folder / "server.pid")),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, server, seconds=20)
        yield f"mongodb://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=15)


@pytest.mark.long_running
@pytest.mark.parametrize("enable_job_queue", [False, True], ids=["no-queue", "queue"])
def test_the_generated_suite_passes_with_mongodb_url_set(
    template: Path, tmp_path: Path, mongodb_url: str, enable_job_queue: bool
) -> None:
    answers = {**TEXT_ANSWERS, "enable_job_queue": enable_job_queue}
    project = render(template, tmp_path / "project", answers)

    # Two test processes, as the project's CI runs it: every test's database is
    # a throwaway of its own, so they never meet.
    assert_suite_and_mypy_pass(
        project,
        tmp_path / "junit.xml",
        tmp_path / "mypy",
        processes=2,
        MONGODB_URL=mongodb_url,
    )
