"""Named sessions for the template. Run them through uv: `uv run nox -s <name>`.

Sessions reuse the project's uv environment (the dev dependency group) instead of
building their own, so `uv run` keeps one lockfile and one cache for everything.
"""

import shutil
import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "none"
nox.options.sessions = ["tests"]

ROOT = Path(__file__).parent


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy --strict on the template's own code (extensions, tests)."""
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def tests(session: nox.Session) -> None:
    """Everything: lint, then every answer combination rendered and checked, and
    every combination this machine can run installed with its own suite run."""
    lint(session)
    # `load` hands tests out in collection order, longest first (conftest.py).
    session.run("pytest", "-n", "auto", "--dist", "load", *session.posargs)


@nox.session
def fast(session: nox.Session) -> None:
    """The quick lane for iteration: all but the generated projects' own suites."""
    session.run("pytest", "-n", "auto", "-m", "not slow", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Template vs. baselines measured in one run; prints a table of ratios and
    writes it to benchmarks/latest.md. `-- --skip-matrix` leaves out the
    ~16 minute matrix row. `-- --quick` is for iteration: under 6 minutes (one
    round, 3 s HTTP runs, fewer samples, no time-to-green, whole-suite or matrix
    row), labelled QUICK, and
    written to benchmarks/latest-quick.md (git-ignored) so it never replaces the
    full run's figures. See README.md, "Benchmarks"."""
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session
def release(session: nox.Session) -> None:
    """Cut a release: `uv run nox -s release -- X.Y.Z`. Checks the tree, moves
    CHANGELOG.md's Unreleased notes under the version, commits `Release X.Y.Z`
    and tags it (see scripts/release.py)."""
    session.run("python", "scripts/release.py", *session.posargs)


@nox.session
def demo(session: nox.Session) -> None:
    """Render a queue-on project into a temporary folder and run its tests."""
    destination = Path(tempfile.mkdtemp(prefix="template-demo-")) / "billing-api"
    session.run(
        "copier",
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref",
        "HEAD",
        "-d",
        "project_name=Billing API",
        "-d",
        "enable_job_queue=true",
        str(ROOT),
        str(destination),
    )
    with session.chdir(destination):
        session.run("uv", "sync")
        session.run("uv", "run", "pytest")
    session.log(
        f"Project left in {destination}; serve it with `uv run billing-api serve`."
    )
    if "--clean" in session.posargs:
        shutil.rmtree(destination.parent)
