"""Row 1: `copier copy` of this template vs. a one-file template (copier's own cost)."""

import shutil
from pathlib import Path

from .procs import timed_run
from .project import (
    QUEUE_ON_ANSWERS,
    TEMPLATE_ROOT,
    clean_env,
    copier_command,
    fixture_repository,
)
from .stats import Better, median
from .table import Measurement

REPEATS = 5


def measure(workdir: Path, repeats: int = REPEATS) -> Measurement:
    fixture = fixture_repository("one_file", workdir)
    env = clean_env()
    template_times: list[float] = []
    baseline_times: list[float] = []
    # Alternate the two so a slow spell of the machine hits both alike.
    for attempt in range(repeats):
        for source, answers, times in (
            (TEMPLATE_ROOT, QUEUE_ON_ANSWERS, template_times),
            (fixture, {}, baseline_times),
        ):
            destination = workdir / f"render-{attempt}"
            times.append(
                timed_run(
                    copier_command(source, destination, answers), cwd=workdir, env=env
                )
            )
            shutil.rmtree(destination)
    return Measurement(
        "Render: `copier copy` (queue on, tasks skipped) vs. one-file template",
        median(template_times),
        median(baseline_times),
        "s",
        Better.LOWER,
    )
