"""Row 2: time to green — copy, `uv sync`, the project's own `uv run pytest`."""

import shutil
from collections.abc import Mapping
from pathlib import Path

from .procs import timed_run
from .project import (
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

ROW = "Time to green: copy → `uv sync` → `uv run pytest` (queue on, warm uv cache)"


def copy_sync_test(
    source: Path, answers: Mapping[str, str], destination: Path
) -> float:
    """Seconds for the three steps a developer takes before the first green run."""
    # The generated suite reads REDIS_URL for its queue tests.
    env = clean_env({"REDIS_URL": REDIS_URL})
    seconds = timed_run(
        copier_command(source, destination, answers), cwd=destination.parent, env=env
    )
    check_python(destination)
    seconds += timed_run(["uv", "sync", "--quiet"], cwd=destination, env=env)
    seconds += timed_run(
        ["uv", "run", "--quiet", "pytest", "-q"], cwd=destination, env=env
    )
    shutil.rmtree(destination)
    return seconds


def measure(workdir: Path) -> Measurement:
    fixture = fixture_repository("minimal_fastapi", workdir)
    runs = {"template": (TEMPLATE_ROOT, QUEUE_ON_ANSWERS), "baseline": (fixture, {})}
    # A warm-up of each fills uv's cache, so the timed runs measure a warm cache.
    for name, (source, answers) in runs.items():
        copy_sync_test(source, answers, workdir / f"green-warmup-{name}")
    seconds = {
        name: copy_sync_test(source, answers, workdir / f"green-{name}")
        for name, (source, answers) in runs.items()
    }
    return Measurement(
        ROW,
        seconds["template"],
        seconds["baseline"],
        "s",
        Better.LOWER,
    )
