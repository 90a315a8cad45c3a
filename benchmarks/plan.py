"""How much a run measures: the full run whose table is published, or the quick
one for iteration. Only the amounts change; every row is measured the same way,
so a quick run's ratios point the same direction, with wider noise."""

from dataclasses import dataclass
from pathlib import Path

from . import innerloop, queuebench, render, side_by_side, startup, storebench
from .wrk import LoadSettings

HERE = Path(__file__).resolve().parent
FULL_OUTPUT = HERE / "latest.md"
# Git-ignored: a quick run never replaces the full run's file (and so cannot be
# committed or copied into the README by mistake).
QUICK_OUTPUT = HERE / "latest-quick.md"
# Git-ignored too: a run of some sections (--only) is for checking those rows.
PARTIAL_OUTPUT = HERE / "latest-partial.md"


@dataclass(frozen=True)
class Plan:
    quick: bool
    load: LoadSettings
    render_repeats: int
    startup_repeats: int
    queue_rounds: int
    side_by_side_rounds: int  # rounds per comparison of workers draining at once
    store_samples: int  # timed inserts per collection size
    quick_lane_runs: int  # timed `pytest -m "not slow"` runs (median reported)
    # Time to green copies, installs and tests three projects twice (~5 min); the
    # inner loop's whole-suite run ~1 min; the matrix ~20 min.
    green: bool
    whole_suite: bool
    matrix: bool
    output: Path
    # Section names to measure (--only); None measures every section.
    only: frozenset[str] | None = None


FULL = Plan(
    quick=False,
    load=LoadSettings(),
    render_repeats=render.REPEATS,
    startup_repeats=startup.REPEATS,
    queue_rounds=queuebench.ROUNDS,
    side_by_side_rounds=side_by_side.ROUNDS,
    store_samples=storebench.SAMPLES,
    quick_lane_runs=innerloop.REPEATS,
    green=True,
    whole_suite=True,
    matrix=True,
    output=FULL_OUTPUT,
)

# Under 6 minutes on the 2-core machine: one round of everything, 3 s wrk runs
# after 1 s of warm-up, one quick-lane run, 5 inserts per store size, and none
# of the rows that run whole test suites.
QUICK = Plan(
    quick=True,
    load=LoadSettings(seconds=3, warmup_seconds=1, rounds=1),
    render_repeats=3,
    startup_repeats=3,
    queue_rounds=1,
    side_by_side_rounds=1,
    store_samples=5,
    quick_lane_runs=1,
    green=False,
    whole_suite=False,
    matrix=False,
    output=QUICK_OUTPUT,
)


def counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def describe(plan: Plan) -> str:
    """The run's amounts, as the report's notes state them."""
    text = (
        f"This run: {counted(plan.load.rounds, 'round')} per HTTP app and "
        f"{counted(plan.queue_rounds, 'round')} per queue worker, "
        f"{counted(plan.side_by_side_rounds, 'round')} per side-by-side worker "
        "comparison, "
        f"{plan.load.warmup_seconds} s warm-up then {plan.load.seconds} s per "
        f"HTTP run, {counted(plan.render_repeats, 'render')} and "
        f"{counted(plan.startup_repeats, 'start-up')} per side, "
        f"{counted(plan.store_samples, 'insert')} per store size, "
        f"{counted(plan.quick_lane_runs, 'quick-lane run')}"
    )
    return text + (" (quick mode)." if plan.quick else ".")
