"""Row 4, the worker half: drain 10,000 no-op tasks with a `--burst` worker."""

from dataclasses import dataclass

from .procs import BenchmarkError, run, timed_run
from .project import Project
from .runtime import private_run
from .stats import Better
from .table import Measurement

TASKS = 10_000
PRODUCER = "benchmarks.apps.produce"
PLAIN_WORKER = "benchmarks.apps.plain_worker:worker"
PLAIN_TASK = "benchmarks.apps.plain_worker:ping"


@dataclass(frozen=True)
class Drain:
    enqueue_seconds: float  # `enqueue_many` of all tasks, connection excluded
    drain_seconds: float  # burst worker from spawn to exit (start-up included)


def drain(
    project: Project, label: str, worker: str, task: str, command: list[str]
) -> Drain:
    """Fill a private queue, then time `command` (a burst worker) emptying it."""
    with private_run(project, label) as (workdir, env):
        producer = [str(project.python), "-m", PRODUCER]
        enqueued = float(
            run([*producer, "enqueue", worker, task, str(TASKS)], cwd=workdir, env=env)
        )
        seconds = timed_run(command, cwd=workdir, env=env, timeout=900)
        left = int(run([*producer, "remaining", worker], cwd=workdir, env=env))
        if left:
            raise BenchmarkError(
                f"{label}: the burst worker exited with {left} tasks queued"
            )
        return Drain(enqueued, seconds)


def measure(project: Project) -> list[Measurement]:
    template = drain(
        project,
        "drain-template",
        f"{project.package}.tasks:worker",
        f"{project.package}.tasks.diagnostics:ping",
        [str(project.bin / project.slug), "worker", "--burst"],
    )
    plain = drain(
        project,
        "drain-plain",
        PLAIN_WORKER,
        PLAIN_TASK,
        [str(project.bin / "streaq"), "run", PLAIN_WORKER, "--burst"],
    )
    return [
        Measurement(
            f"Queue: `enqueue_many` of {TASKS:,} no-op tasks vs. plain streaq",
            TASKS / template.enqueue_seconds,
            TASKS / plain.enqueue_seconds,
            "tasks/s",
            Better.HIGHER,
        ),
        Measurement(
            f"Queue: {TASKS:,} no-op tasks drained by a `--burst` worker "
            "vs. plain streaq",
            TASKS / template.drain_seconds,
            TASKS / plain.drain_seconds,
            "tasks/s",
            Better.HIGHER,
        ),
    ]
