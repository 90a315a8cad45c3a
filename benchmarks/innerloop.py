"""The inner loop: how long the generated suite keeps a developer waiting once the
project is installed — the quick lane (`uv run pytest -m "not slow"`) and the
whole suite (`uv run pytest -n auto`) — each held to its target on this machine
rather than compared with a baseline (see table.Target)."""

from .procs import run, timed_run
from .project import Project, clean_env
from .runtime import REDIS_URL
from .stats import median
from .table import Row, Target, Unmeasured

REPEATS = 3
QUICK_LANE_TARGET_SECONDS = 10.0
WHOLE_SUITE_TARGET_SECONDS = 45.0

QUICK_LANE = ("uv", "run", "--quiet", "pytest", "-q", "-m", "not slow")
WHOLE_SUITE = ("uv", "run", "--quiet", "pytest", "-q", "-n", "auto")

QUICK_LANE_ROW = 'Inner loop: `uv run pytest -m "not slow"` (quick lane, queue on)'
WHOLE_SUITE_ROW = "Inner loop: `uv run pytest -n auto` (whole suite, queue on)"


def measure(
    project: Project, repeats: int = REPEATS, *, whole_suite: bool
) -> list[Row]:
    """Median of `repeats` quick-lane runs and, if `whole_suite`, one whole-suite
    run, in the bench's installed queue-on render (its own `.env`, as a developer
    has it)."""
    # The generated suite reads REDIS_URL for its queue tests.
    env = clean_env({"REDIS_URL": REDIS_URL})
    # A developer's second run finds the project's bytecode written by the first:
    # compile it up front (the installed packages already are, see project.sync).
    run(
        [str(project.python), "-m", "compileall", "-q", "src", "tests"],
        cwd=project.root,
        env=env,
    )
    quick_lane = [
        timed_run(QUICK_LANE, cwd=project.root, env=env) for _ in range(repeats)
    ]
    rows: list[Row] = [
        Target(QUICK_LANE_ROW, median(quick_lane), QUICK_LANE_TARGET_SECONDS, "s")
    ]
    if whole_suite:
        seconds = timed_run(WHOLE_SUITE, cwd=project.root, env=env)
        rows.append(Target(WHOLE_SUITE_ROW, seconds, WHOLE_SUITE_TARGET_SECONDS, "s"))
    else:
        rows.append(Unmeasured(WHOLE_SUITE_ROW, "not measured (--quick)"))
    return rows
