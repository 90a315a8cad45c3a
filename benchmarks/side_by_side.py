"""Two sides measured at the same time on one core: workers draining their own
queues, or servers each under their own wrk.

This machine's speed drifts by more than the 5% the observability rows measure:
one worker's drains of the same queue ranged from 468 to 751 tasks/s within a
quarter of an hour, taking turns with its baseline, and one app's 5 s wrk runs
from 2,672 to 4,877 req/s. Measured side by side, a slow spell hits both sides
alike. Both are pinned to one core, so the scheduler gives each an equal share
of it and their rates keep the ratio of their costs per task or request; Redis,
wrk and the queue watchers run on the other cores. Left to the scheduler, two
copies of the same worker drained at rates up to 25% apart (one shared its core
with Redis); pinned, within 1%. The bench reports the median of the rounds'
ratios.
"""

import bisect
import os
import subprocess
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .httpbench import App, Load, serving
from .procs import BenchmarkError, run, stop, wait_until_idle
from .project import Project
from .runtime import private_run
from .stats import Better, median
from .table import Measurement
from .workers import PRODUCER, WORKER_TIMEOUT_SECONDS, Side, start_watcher
from .wrk import LoadSettings, WrkReport, load_at_once

# A side of a comparison: a worker (Side) or an app (App).
T = TypeVar("T")

# How many side-by-side rounds the published run drains per comparison.
ROUNDS = 7
# Fewer tasks than a drain alone: each side gets half a core.
SIDE_BY_SIDE_TASKS = 4_000


def shared_core() -> int:
    """The core the sides share: the last this process may run on."""
    return max(os.sched_getaffinity(0))


def pin(pid: int, core: int) -> None:
    """Keep every thread of process `pid` on `core`; threads it starts later
    inherit the setting."""
    for thread in Path(f"/proc/{pid}/task").iterdir():
        try:
            os.sched_setaffinity(int(thread.name), {core})
        except ProcessLookupError:
            continue  # a thread that ended since the listing


# How long a watcher may take to print its readings once its queue is empty.
WATCHER_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Timeline:
    """A queue's readings while it was drained: monotonic seconds, tasks left."""

    seconds: list[float]
    left: list[int]

    @classmethod
    def parse(cls, printed: str) -> "Timeline":
        readings = [line.split() for line in printed.splitlines() if line.strip()]
        return cls([float(s) for s, _ in readings], [int(n) for _, n in readings])

    @property
    def first_finished(self) -> float:
        """When the first task was seen finished: the worker's start-up is over."""
        return next(
            second
            for second, left in zip(self.seconds, self.left, strict=True)
            if left < self.left[0]
        )

    @property
    def emptied(self) -> float:
        return self.seconds[self.left.index(0)]

    def left_at(self, second: float) -> float:
        """Tasks left at `second`, interpolated between the readings around it."""
        after = bisect.bisect_left(self.seconds, second)
        if after == 0:
            return self.left[0]
        if after == len(self.seconds):
            return self.left[-1]
        before = after - 1
        span = self.seconds[after] - self.seconds[before]
        share = (second - self.seconds[before]) / span if span else 0.0
        return self.left[before] + (self.left[after] - self.left[before]) * share


def shared_rates(timelines: Sequence[Timeline]) -> list[float]:
    """Each queue's tasks/s over the span every worker was draining: from the
    last first-finished task to the first emptied queue."""
    start = max(timeline.first_finished for timeline in timelines)
    end = min(timeline.emptied for timeline in timelines)
    if end <= start:
        raise BenchmarkError(
            "one worker emptied its queue before another had finished a task: "
            "no span in which both drained"
        )
    return [
        (timeline.left_at(start) - timeline.left_at(end)) / (end - start)
        for timeline in timelines
    ]


def drain_side_by_side(
    project: Project, sides: Sequence[Side], tasks: int = SIDE_BY_SIDE_TASKS
) -> list[float]:
    """Fill a private queue per side with `tasks` no-op tasks, start every side's
    burst worker at once on one core, and return each side's tasks/s over the
    span all of them drained."""
    core = shared_core()
    producer = [str(project.python), "-m", PRODUCER]
    with ExitStack() as cleanup:
        runs = [cleanup.enter_context(private_run(project, s.label)) for s in sides]
        watchers: list[subprocess.Popen[str]] = []
        for side, (workdir, env) in zip(sides, runs, strict=True):
            env.update(side.env)
            run(
                [*producer, "enqueue", side.worker, side.task, str(tasks)],
                cwd=workdir,
                env=env,
            )
            watchers.append(start_watcher(project, side, "timeline", workdir, env))
            cleanup.callback(stop, watchers[-1])
        # Each worker's log goes to a file: a pipe nobody reads while the other
        # worker is waited for would fill and stall it.
        logs = [workdir / "worker.log" for workdir, _ in runs]
        workers = [
            subprocess.Popen(
                side.command,
                cwd=workdir,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=cleanup.enter_context(log.open("w")),
                start_new_session=True,
            )
            for side, (workdir, env), log in zip(sides, runs, logs, strict=True)
        ]
        for worker in workers:
            cleanup.callback(stop, worker)
            pin(worker.pid, core)
        for side, worker, log in zip(sides, workers, logs, strict=True):
            if worker.wait(timeout=WORKER_TIMEOUT_SECONDS):
                raise BenchmarkError(
                    f"{side.label}: the burst worker exited with "
                    f"{worker.returncode}:\n{log.read_text()[-2000:]}"
                )
        printed = [w.communicate(timeout=WATCHER_TIMEOUT_SECONDS)[0] for w in watchers]
        return shared_rates([Timeline.parse(text) for text in printed])


@dataclass(frozen=True)
class Comparison:
    """A side against its baseline over rounds drained side by side."""

    rate: float  # median tasks/s of the side, sharing the machine
    baseline_rate: float  # median tasks/s of the baseline, sharing it too
    ratio: float  # median of the rounds' ratios (side ÷ baseline)

    def row(
        self, measure: str, unit: str, target_ratio: float | None = None
    ) -> Measurement:
        """The comparison as a table row: both medians and the paired ratio."""
        return Measurement(
            measure,
            self.rate,
            self.baseline_rate,
            unit,
            Better.HIGHER,
            target_ratio=target_ratio,
            paired_ratio=self.ratio,
        )


def in_rounds(
    side: T, baseline: T, rounds: int, measure: Callable[[list[T]], Sequence[float]]
) -> Comparison:
    """`rounds` side-by-side measurements of `side` and `baseline` (`measure`
    gives one rate per thing it is handed, in order); which one is started
    first alternates, so neither always gets the head start."""
    rates: list[float] = []
    baseline_rates: list[float] = []
    for attempt in range(rounds):
        if attempt % 2:
            baseline_rate, rate = measure([baseline, side])
        else:
            rate, baseline_rate = measure([side, baseline])
        rates.append(rate)
        baseline_rates.append(baseline_rate)
    return Comparison(
        rate=median(rates),
        baseline_rate=median(baseline_rates),
        ratio=median([a / b for a, b in zip(rates, baseline_rates, strict=True)]),
    )


def compare_side_by_side(
    project: Project, side: Side, baseline: Side, rounds: int
) -> Comparison:
    """Tasks/s of `side` and `baseline` drained side by side over `rounds`."""
    return in_rounds(
        side, baseline, rounds, lambda sides: drain_side_by_side(project, sides)
    )


def serve_side_by_side(
    project: Project, apps: Sequence[App], target: Load, settings: LoadSettings
) -> list[WrkReport]:
    """Start every app on the one shared core, then load them all at once with
    the same wrk settings: one report per app."""
    core = shared_core()
    with ExitStack() as running:
        served = [running.enter_context(serving(project, a, target)) for a in apps]
        for each in served:
            pin(each.process.pid, core)

        def settle() -> None:
            for each in served:
                wait_until_idle(each.process.pid)

        return load_at_once(
            [(each.url, each.headers) for each in served], settings, settle=settle
        )


def compare_served_side_by_side(
    project: Project,
    app: App,
    baseline: App,
    target: Load,
    settings: LoadSettings,
    rounds: int,
) -> Comparison:
    """Requests/s of `app` and `baseline` served side by side over `rounds`."""

    def rates(apps: list[App]) -> list[float]:
        reports = serve_side_by_side(project, apps, target, settings)
        return [report.requests_per_second for report in reports]

    return in_rounds(app, baseline, rounds, rates)
