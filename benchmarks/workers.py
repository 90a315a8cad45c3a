"""The workers the queue rows compare: the generated project's and plain
Streaq's, and how each is enqueued to and started."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .procs import BenchmarkError, stop
from .project import Project

PRODUCER = "benchmarks.apps.produce"
PLAIN_WORKER = "benchmarks.apps.plain_worker:worker"
PLAIN_TASK = "benchmarks.apps.plain_worker:ping"
WORKER_TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class Side:
    """One worker under test: what it is, how it is enqueued to and started."""

    label: str
    worker: str  # module:attribute of the Worker object
    task: str  # module:attribute of the no-op task
    command: list[str]  # a burst worker draining the queue
    # Added to the run's environment, for the producer and the worker alike.
    env: tuple[tuple[str, str], ...] = ()


def template_side(project: Project) -> Side:
    return Side(
        "drain-template",
        f"{project.package}.tasks:worker",
        f"{project.package}.tasks.diagnostics:ping",
        [str(project.bin / project.slug), "worker", "--burst"],
    )


def plain_side(project: Project) -> Side:
    return Side(
        "drain-plain",
        PLAIN_WORKER,
        PLAIN_TASK,
        [str(project.bin / "streaq"), "run", PLAIN_WORKER, "--burst"],
    )


def start_watcher(
    project: Project, side: Side, mode: str, workdir: Path, env: dict[str, str]
) -> "subprocess.Popen[str]":
    """A `produce watch` or `produce timeline` process (`mode`) on the side's
    queue, returned once it says it is watching: start the worker then."""
    watcher = subprocess.Popen(
        [str(project.python), "-m", PRODUCER, mode, side.worker],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert watcher.stdout is not None
    if watcher.stdout.readline().strip() != "watching":
        stop(watcher)
        raise BenchmarkError(f"{side.label}: the queue watcher did not start")
    return watcher
