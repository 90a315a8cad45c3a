"""Row 4, the worker half: drain 10,000 no-op tasks with a `--burst` worker."""

from collections.abc import Sequence
from dataclasses import dataclass

from .procs import BenchmarkError, run, stop, timed_run
from .project import Project
from .runtime import private_run
from .side_by_side import SIDE_BY_SIDE_TASKS, compare_side_by_side
from .stats import Better, median
from .table import Measurement
from .workers import (
    PRODUCER,
    WORKER_TIMEOUT_SECONDS,
    Side,
    plain_side,
    start_watcher,
    template_side,
)

TASKS = 10_000
# Item 5 of the fast-feedback goals: the running worker at least 0.95x as fast
# as a plain Streaq worker with the same options.
PLAIN_STREAQ_TARGET = 0.95
# Interleaved rounds (template, plain, template, ...); the median is reported.
ROUNDS = 3


@dataclass(frozen=True)
class Drain:
    enqueue_rate: float  # tasks/s of `enqueue_many`, connection excluded
    steady_rate: float  # tasks/s from the first task finished to the last
    burst_seconds: float  # burst worker from spawn to exit (start-up included)


def drain(
    project: Project, side: Side, tasks: int = TASKS, delay_seconds: float = 0.0
) -> Drain:
    """Fill a private queue with `tasks` tasks (each waiting `delay_seconds`), then
    time a burst worker emptying it, watched by a separate process that sees
    when the first and the last task finish."""
    with private_run(project, side.label) as (workdir, env):
        env.update(side.env)
        producer = [str(project.python), "-m", PRODUCER]
        enqueue_seconds = float(
            run(
                [
                    *producer,
                    *("enqueue", side.worker, side.task),
                    *(str(tasks), str(delay_seconds)),
                ],
                cwd=workdir,
                env=env,
            )
        )
        watcher = start_watcher(project, side, "watch", workdir, env)
        try:
            burst_seconds = timed_run(
                side.command, cwd=workdir, env=env, timeout=WORKER_TIMEOUT_SECONDS
            )
            output, _ = watcher.communicate(timeout=30)
        finally:
            stop(watcher)
        left = int(run([*producer, "remaining", side.worker], cwd=workdir, env=env))
        if left:
            raise BenchmarkError(
                f"{side.label}: the burst worker exited with {left} tasks queued"
            )
        watched_tasks, watched_seconds = output.split()
        return Drain(
            enqueue_rate=tasks / enqueue_seconds,
            steady_rate=int(watched_tasks) / float(watched_seconds),
            burst_seconds=burst_seconds,
        )


def median_drain(drains: Sequence[Drain]) -> Drain:
    return Drain(
        enqueue_rate=median([d.enqueue_rate for d in drains]),
        steady_rate=median([d.steady_rate for d in drains]),
        burst_seconds=median([d.burst_seconds for d in drains]),
    )


def median_drains(
    project: Project,
    sides: Sequence[Side],
    rounds: int,
    tasks: int = TASKS,
    delay_seconds: float = 0.0,
) -> list[Drain]:
    """Each side's median drain (of `tasks` tasks each waiting `delay_seconds`),
    the sides taking turns within each round."""
    drains: list[list[Drain]] = [[] for _ in sides]
    for _ in range(rounds):
        for results, side in zip(drains, sides, strict=True):
            results.append(drain(project, side, tasks, delay_seconds))
    return [median_drain(results) for results in drains]


def measure(
    project: Project, rounds: int = ROUNDS, side_by_side_rounds: int = 1
) -> list[Measurement]:
    sides = [template_side(project), plain_side(project)]
    template, plain = median_drains(project, sides, rounds)
    template_worker, plain_worker = sides
    shared = compare_side_by_side(
        project, template_worker, plain_worker, side_by_side_rounds
    )
    return [
        Measurement(
            f"Queue: `enqueue_many` of {TASKS:,} no-op tasks vs. plain streaq",
            template.enqueue_rate,
            plain.enqueue_rate,
            "tasks/s",
            Better.HIGHER,
        ),
        Measurement(
            f"Queue: {TASKS:,} no-op tasks through a running worker "
            "(first to last finished) vs. plain streaq",
            template.steady_rate,
            plain.steady_rate,
            "tasks/s",
            Better.HIGHER,
        ),
        shared.row(
            f"Queue: {SIDE_BY_SIDE_TASKS:,} no-op tasks through a running worker, "
            "both workers draining at once on one core (median of the rounds' "
            "ratios) vs. plain streaq",
            "tasks/s",
            target_ratio=PLAIN_STREAQ_TARGET,
        ),
        Measurement(
            f"Queue: `--burst` worker draining {TASKS:,} tasks, spawn to exit "
            "(start-up included) vs. plain streaq",
            template.burst_seconds,
            plain.burst_seconds,
            "s",
            Better.LOWER,
        ),
    ]
