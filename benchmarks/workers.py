"""The workers the queue rows compare: the generated project's and plain
Streaq's, and how each is enqueued to and started."""

from dataclasses import dataclass

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
