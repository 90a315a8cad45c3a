"""Run a generated project's own tooling: install, its test-suite, mypy."""

import os
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path


def run(
    command: list[str], project: Path, **environment: str
) -> subprocess.CompletedProcess[str]:
    # A generated suite starts a dozen worker and server processes, each importing
    # the whole stack: with PYTHONDONTWRITEBYTECODE (set on some CI machines) each
    # one compiles ~1,300 modules again, which made the queue-on suites ~60% slower.
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name != "PYTHONDONTWRITEBYTECODE"
    }
    return subprocess.run(
        command,
        cwd=project,
        capture_output=True,
        text=True,
        env={**inherited, **environment},
    )


def assert_suite_and_mypy_pass(
    project: Path,
    report: Path,
    mypy_cache: Path | None,
    *,
    lane: str | None = None,
    processes: int = 0,
    **environment: str,
) -> None:
    """uv sync, then the project's own suite (no failure, no skip) and mypy.

    ``lane`` is a marker expression (``"not slow"``: the quick lane); mypy is
    skipped when ``mypy_cache`` is None (another test of the same render ran it).
    ``processes`` above 0 runs the suite on that many pytest-xdist processes.
    ``environment`` is added to the suite's environment (e.g. MONGODB_URL).
    """
    sync = run(["uv", "sync", "--quiet"], project)
    assert sync.returncode == 0, sync.stderr

    selection = ["-m", lane] if lane else []
    parallel = ["-n", str(processes)] if processes else []
    tests = run(
        [
            *("uv", "run", "--no-sync", "pytest", "-q"),
            *selection,
            *parallel,
            f"--junitxml={report}",
        ],
        project,
        **environment,
    )
    totals = ElementTree.parse(report).getroot().find("testsuite")
    assert totals is not None, tests.stdout
    counts = {
        key: int(totals.get(key, "0"))
        for key in ("tests", "failures", "errors", "skipped")
    }
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert counts["tests"] > 0, "the generated suite collected no tests"
    assert counts["skipped"] == 0, f"skips hide missing services:\n{tests.stdout}"

    if mypy_cache is None:
        return
    types = run(
        ["uv", "run", "--no-sync", "mypy"], project, MYPY_CACHE_DIR=str(mypy_cache)
    )
    assert types.returncode == 0, types.stdout + types.stderr
