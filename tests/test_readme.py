"""README's two commands are true: CI runs its test command; its quick start works."""

import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.answers import TEMPLATE_ROOT
from tests.network import free_port

README = (TEMPLATE_ROOT / "README.md").read_text()
CI_SCRIPT = (TEMPLATE_ROOT / ".ci" / "run").read_text()


def console_block_after(heading: str) -> list[str]:
    """The command lines of the first console block under a README heading."""
    section = README.split(f"## {heading}\n", 1)[1]
    block = re.search(r"```console\n(.*?)```", section, re.DOTALL)
    assert block is not None, f"no console block under '{heading}'"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command() -> None:
    [command] = console_block_after("Run the template's tests")
    ci_commands = [
        line.strip()
        for line in CI_SCRIPT.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]

    assert ci_commands[-1] == command


def test_ci_installs_uv_and_redis_itself() -> None:
    assert "pip install --quiet uv" in CI_SCRIPT
    assert "apt-get install -y redis-server" in CI_SCRIPT


def test_the_quick_start_says_how_to_get_uv_before_using_it() -> None:
    quick_start = README.split("## Quick start\n", 1)[1].split("```console", 1)[0]
    generated_install = (TEMPLATE_ROOT / "template" / "README.md.jinja").read_text()
    generated_install = generated_install.split("## Install\n", 1)[1].split("```", 1)[0]

    for text in (quick_start, generated_install):
        assert "https://docs.astral.sh/uv/getting-started/installation/" in text
        assert "curl -LsSf https://astral.sh/uv/install.sh | sh" in text


@pytest.mark.slow
def test_the_quick_start_generates_a_project_that_serves(tmp_path: Path) -> None:
    copy_command, run_command = console_block_after("Quick start")
    destination = tmp_path / "billing-api"
    copied = subprocess.run(
        ["bash", "-c", copy_command.replace("../billing-api", str(destination))],
        cwd=TEMPLATE_ROOT,
        capture_output=True,
        text=True,
    )
    assert copied.returncode == 0, copied.stderr
    assert (destination / "src" / "billing_api" / "app.py").is_file()

    # The second line ends by serving forever: run it with a port we can probe.
    assert run_command.endswith("uv run billing-api serve")
    run_in_destination = run_command.replace("cd ../billing-api", f"cd {destination}")
    port = free_port()
    server = subprocess.Popen(
        ["bash", "-c", f"{run_in_destination} --port {port}"],
        env={**os.environ, "ENVIRONMENT": "development"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert wait_for_live(port, server), "the served project never answered"
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def wait_for_live(port: int, server: subprocess.Popen[bytes]) -> bool:
    # uv sync and the project's own test-suite run before the server starts.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/health/live", timeout=2
            ) as response:
                return bool(response.status == 200)
        except OSError:
            time.sleep(0.5)
    return False
