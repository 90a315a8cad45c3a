"""`python -m benchmarks [--quick] [--skip-matrix] [--only SECTIONS] [--output PATH]`:
measure every row (or the named sections' rows), print the report and write it
to PATH (default benchmarks/latest.md, or benchmarks/latest-quick.md for
--quick, benchmarks/latest-partial.md for --only)."""

import argparse
import dataclasses
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from . import (
    green,
    httpbench,
    innerloop,
    matrix,
    observabench,
    queuebench,
    render,
    scalebench,
    startup,
    storebench,
)
from .machine import describe
from .plan import FULL, PARTIAL_OUTPUT, QUICK, Plan
from .plan import describe as describe_plan
from .procs import BenchmarkError, run
from .project import Project, render_queue_off, render_queue_on, sync
from .report import render_report
from .runtime import REDIS_URL
from .table import Row, Unmeasured
from .wrk import require_wrk


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="under 6 min, for iteration: 1 round, 3 s HTTP runs, fewer samples, "
        "no time-to-green, whole-suite or matrix row; labelled quick, written to "
        "benchmarks/latest-quick.md",
    )
    parser.add_argument(
        "--skip-matrix", action="store_true", help="leave out the ~20 min matrix row"
    )
    parser.add_argument(
        "--only",
        default=None,
        help="comma-separated section names (as printed: 'Scaling,Observability "
        "HTTP'): measure only those, written to benchmarks/latest-partial.md",
    )
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument(
        "--http-seconds", type=int, default=None, help="measured seconds per wrk run"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="interleaved rounds per HTTP app and queue worker (median reported)",
    )
    return parser.parse_args(argv)


def plan_from_args(args: argparse.Namespace) -> Plan:
    """The full or quick plan, with the options given explicitly on top."""
    plan = QUICK if args.quick else FULL
    load = plan.load
    if args.http_seconds is not None:
        load = dataclasses.replace(load, seconds=args.http_seconds)
    if args.rounds is not None:
        load = dataclasses.replace(load, rounds=args.rounds)
        plan = dataclasses.replace(
            plan, queue_rounds=args.rounds, side_by_side_rounds=args.rounds
        )
    only = (
        frozenset(name.strip() for name in args.only.split(",") if name.strip())
        if args.only
        else None
    )
    return dataclasses.replace(
        plan,
        load=load,
        matrix=plan.matrix and not args.skip_matrix,
        only=only,
        output=args.output or (PARTIAL_OUTPUT if only else plan.output),
    )


def check_prerequisites() -> None:
    """Fail before any work when a tool is missing, naming the fix."""
    require_wrk()
    try:
        run(["redis-cli", "-u", REDIS_URL, "ping"], cwd=Path.cwd())
    except BenchmarkError as error:
        raise SystemExit(f"Redis >= 7 must answer at {REDIS_URL}: {error}") from None


class Collector:
    """Runs each section; a failing one becomes a row saying so, and the rest go on.
    With `only`, the sections not named are left out."""

    def __init__(self, only: frozenset[str] | None = None) -> None:
        self.rows: list[Row] = []
        self.failed = False
        self.only = only

    def wanted(self, name: str) -> bool:
        return self.only is None or name in self.only

    def section(self, name: str, measure: Callable[[], Sequence[Row]]) -> None:
        if not self.wanted(name):
            return
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        try:
            self.rows.extend(measure())
        except (BenchmarkError, subprocess.SubprocessError, OSError) as error:
            self.failed = True
            traceback.print_exc()
            first_line = (
                str(error).splitlines()[0] if str(error) else type(error).__name__
            )
            self.rows.append(Unmeasured(name, f"failed: {first_line}"))


def main(argv: list[str]) -> int:
    plan = plan_from_args(parse_args(argv))
    check_prerequisites()
    settings = plan.load
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        print(
            "[bench] rendering and installing the queue-on and queue-off projects ...",
            file=sys.stderr,
            flush=True,
        )
        project: Project = render_queue_on(workdir / "project")
        sync(project)
        # Only its import is measured (start-up); every other row is queue on.
        queue_off: Project = render_queue_off(workdir / "project-queue-off")
        sync(queue_off)
        python_version = run(
            [
                str(project.python),
                "-c",
                "import platform; print(platform.python_version())",
            ],
            cwd=workdir,
        ).strip()
        machine = describe(python_version)
        collector = Collector(plan.only)
        extra_notes = [describe_plan(plan)]
        if plan.only is not None:
            extra_notes.append(
                "Partial run (--only): " + ", ".join(sorted(plan.only)) + "."
            )
        skipped = "not measured (--quick)" if plan.quick else "not measured"
        collector.section(
            "Render", lambda: [render.measure(workdir, plan.render_repeats)]
        )
        if plan.green:
            collector.section("Time to green", lambda: green.measure(workdir))
        elif collector.wanted("Time to green"):
            collector.rows.extend(Unmeasured(row, skipped) for row in green.ROWS)
        collector.section(
            "Inner loop",
            lambda: innerloop.measure(
                project, plan.quick_lane_runs, whole_suite=plan.whole_suite
            ),
        )
        collector.section(
            "Dev store", lambda: storebench.measure(project, plan.store_samples)
        )
        collector.section("HTTP", lambda: httpbench.measure(project, settings))
        collector.section(
            "HTTP authentication",
            lambda: httpbench.measure_authentication(project, settings),
        )
        collector.section(
            "Queue worker",
            lambda: queuebench.measure(
                project, plan.queue_rounds, plan.side_by_side_rounds
            ),
        )
        collector.section(
            "Queue API", lambda: httpbench.measure_enqueue_api(project, settings)
        )
        collector.section(
            "Observability HTTP",
            lambda: observabench.measure_http(
                project, settings, plan.side_by_side_rounds
            ),
        )
        collector.section(
            "Observability in-process", lambda: observabench.measure_in_process(project)
        )
        collector.section(
            "Observability worker",
            lambda: observabench.measure_worker(project, plan.side_by_side_rounds),
        )
        collector.section(
            "Scaling", lambda: scalebench.measure(project, plan.queue_rounds)
        )
        collector.section(
            "Start-up",
            lambda: startup.measure(project, queue_off, plan.startup_repeats),
        )
        if not plan.matrix:
            if collector.wanted("Matrix"):
                reason = skipped if plan.quick else "not measured (--skip-matrix)"
                collector.rows.extend(
                    Unmeasured(row, reason) for row in (matrix.ROW, matrix.TARGET_ROW)
                )
        else:

            def matrix_row() -> list[Row]:
                rows, summary = matrix.measure(workdir)
                extra_notes.append(
                    f"Matrix run: {summary.tests} tests, {summary.failed} failed, "
                    f"{summary.skipped} skipped."
                    + "".join(f"\n  - failed: {name}" for name in summary.failures)
                )
                return rows

            collector.section("Matrix", matrix_row)
        report = render_report(machine, collector.rows, extra_notes, quick=plan.quick)
        plan.output.parent.mkdir(parents=True, exist_ok=True)
        plan.output.write_text(report)
        print(report)
        print(f"\nWritten to {plan.output}")
        return 1 if collector.failed else 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
