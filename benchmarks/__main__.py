"""`python -m benchmarks [--skip-matrix] [--output PATH]`: measure every row, print
the report and write it to PATH (default benchmarks/latest.md)."""

import argparse
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from . import green, httpbench, matrix, queuebench, render, startup
from .machine import describe
from .procs import BenchmarkError, run
from .project import Project, render_queue_on, sync
from .report import render_report
from .runtime import REDIS_URL
from .table import Measurement, Row, Unmeasured
from .wrk import LoadSettings, require_wrk

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "latest.md"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--skip-matrix", action="store_true", help="leave out the ~15 min matrix row"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--http-seconds", type=int, default=LoadSettings.seconds)
    parser.add_argument(
        "--rounds",
        type=int,
        default=LoadSettings.rounds,
        help="interleaved rounds per HTTP app and queue worker (median reported)",
    )
    return parser.parse_args(argv)


def check_prerequisites() -> None:
    """Fail before any work when a tool is missing, naming the fix."""
    require_wrk()
    try:
        run(["redis-cli", "-u", REDIS_URL, "ping"], cwd=Path.cwd())
    except BenchmarkError as error:
        raise SystemExit(f"Redis >= 7 must answer at {REDIS_URL}: {error}") from None


class Collector:
    """Runs each section; a failing one becomes a row saying so, and the rest go on."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.failed = False

    def section(self, name: str, measure: Callable[[], list[Measurement]]) -> None:
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
    args = parse_args(argv)
    check_prerequisites()
    settings = LoadSettings(seconds=args.http_seconds, rounds=args.rounds)
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        print(
            "[bench] rendering and installing the queue-on project ...",
            file=sys.stderr,
            flush=True,
        )
        project: Project = render_queue_on(workdir / "project")
        sync(project)
        python_version = run(
            [
                str(project.python),
                "-c",
                "import platform; print(platform.python_version())",
            ],
            cwd=workdir,
        ).strip()
        machine = describe(python_version)
        collector = Collector()
        extra_notes = [
            f"This run: {settings.rounds} rounds per HTTP app and queue worker, "
            f"{settings.seconds} s per HTTP run."
        ]
        collector.section("Render", lambda: [render.measure(workdir)])
        collector.section("Time to green", lambda: [green.measure(workdir)])
        collector.section("HTTP", lambda: httpbench.measure(project, settings))
        collector.section(
            "Queue worker", lambda: queuebench.measure(project, args.rounds)
        )
        collector.section(
            "Queue API", lambda: httpbench.measure_enqueue_api(project, settings)
        )
        collector.section("Start-up", lambda: startup.measure(project))
        if args.skip_matrix:
            collector.rows.append(
                Unmeasured(
                    "Matrix: `pytest -n auto -m slow` wall time",
                    "not measured (--skip-matrix)",
                )
            )
        else:

            def matrix_row() -> list[Measurement]:
                row, summary = matrix.measure(workdir)
                extra_notes.append(
                    f"Matrix run: {summary.tests} tests, {summary.failed} failed, "
                    f"{summary.skipped} skipped."
                )
                return [row]

            collector.section("Matrix", matrix_row)
        report = render_report(machine, collector.rows, extra_notes)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report)
        print(report)
        print(f"\nWritten to {args.output}")
        return 1 if collector.failed else 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
