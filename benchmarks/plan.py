"""How much a run measures: the full run whose table is published, or the quick
one for iteration. Only the amounts change; every row is measured the same way,
so a quick run's ratios point the same direction, with wider noise."""

from dataclasses import dataclass
from pathlib import Path

from . import queuebench, render, startup
from .wrk import LoadSettings

HERE = Path(__file__).resolve().parent
FULL_OUTPUT = HERE / "latest.md"
# Git-ignored: a quick run never replaces the full run's file (and so cannot be
# committed or copied into the README by mistake).
QUICK_OUTPUT = HERE / "latest-quick.md"


@dataclass(frozen=True)
class Plan:
    quick: bool
    load: LoadSettings
    render_repeats: int
    startup_repeats: int
    queue_rounds: int
    # Time to green runs the generated suite twice (~2.5 min); the matrix ~20 min.
    green: bool
    matrix: bool
    output: Path


FULL = Plan(
    quick=False,
    load=LoadSettings(),
    render_repeats=render.REPEATS,
    startup_repeats=startup.REPEATS,
    queue_rounds=queuebench.ROUNDS,
    green=True,
    matrix=True,
    output=FULL_OUTPUT,
)

# Under 5 minutes on the 2-core machine: one round of everything, 3 s wrk runs
# after 1 s of warm-up, and neither of the two rows that run whole test suites.
QUICK = Plan(
    quick=True,
    load=LoadSettings(seconds=3, warmup_seconds=1, rounds=1),
    render_repeats=3,
    startup_repeats=3,
    queue_rounds=1,
    green=False,
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
        f"{plan.load.warmup_seconds} s warm-up then {plan.load.seconds} s per "
        f"HTTP run, {counted(plan.render_repeats, 'render')} and "
        f"{counted(plan.startup_repeats, 'start-up')} per side"
    )
    return text + (" (quick mode)." if plan.quick else ".")
