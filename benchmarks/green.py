"""Row 2: time to green for both answers to the queue question — copy, `uv sync`,
the whole suite as the generated README runs it (`uv run pytest -n auto`) — vs.
a one-test FastAPI project put through the same steps (`uv run pytest`)."""

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from .procs import timed_run
from .project import (
    QUEUE_OFF_ANSWERS,
    QUEUE_ON_ANSWERS,
    TEMPLATE_ROOT,
    check_python,
    clean_env,
    copier_command,
    fixture_repository,
)
from .runtime import REDIS_URL
from .stats import Better
from .table import Measurement

# The generated README's whole-suite command: one test process per core.
TEMPLATE_PYTEST = ("uv", "run", "--quiet", "pytest", "-q", "-n", "auto")
# The one-test baseline has no pytest-xdist; starting workers would only cost it.
BASELINE_PYTEST = ("uv", "run", "--quiet", "pytest", "-q")


def row(queue: str) -> str:
    return (
        "Time to green: copy → `uv sync` → `uv run pytest -n auto` "
        f"(queue {queue}, warm uv cache) vs. a one-test FastAPI project"
    )


ROWS = (row("on"), row("off"))


def copy_sync_test(
    source: Path,
    answers: Mapping[str, str],
    destination: Path,
    pytest: Sequence[str],
) -> float:
    """Seconds for the three steps a developer takes before the first green run."""
    # The generated suite reads REDIS_URL for its queue tests.
    env = clean_env({"REDIS_URL": REDIS_URL})
    seconds = timed_run(
        copier_command(source, destination, answers), cwd=destination.parent, env=env
    )
    check_python(destination)
    seconds += timed_run(["uv", "sync", "--quiet"], cwd=destination, env=env)
    seconds += timed_run(pytest, cwd=destination, env=env)
    shutil.rmtree(destination)
    return seconds


def measure(workdir: Path) -> list[Measurement]:
    fixture = fixture_repository("minimal_fastapi", workdir)
    runs = {
        "on": (TEMPLATE_ROOT, QUEUE_ON_ANSWERS, TEMPLATE_PYTEST),
        "off": (TEMPLATE_ROOT, QUEUE_OFF_ANSWERS, TEMPLATE_PYTEST),
        "baseline": (fixture, {}, BASELINE_PYTEST),
    }
    # A warm-up of each fills uv's cache, so the timed runs measure a warm cache.
    for name, (source, answers, pytest) in runs.items():
        copy_sync_test(source, answers, workdir / f"green-warmup-{name}", pytest)
    seconds = {
        name: copy_sync_test(source, answers, workdir / f"green-{name}", pytest)
        for name, (source, answers, pytest) in runs.items()
    }
    return [
        Measurement(row(queue), seconds[queue], seconds["baseline"], "s", Better.LOWER)
        for queue in ("on", "off")
    ]
