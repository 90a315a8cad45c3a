"""Renders of this template and of the baseline fixtures, and their environments."""

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .procs import BenchmarkError, run

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The Python every uv command in a render may use (see check_python).
EXPECTED_PYTHON = "3.11"

# The queue-on render every row measures (the answers the brief fixes).
QUEUE_ON_ANSWERS = {
    "project_name": "Bench Svc",
    "enable_job_queue": "true",
    "author_email": "a@b.co",
    "author_name": "A",
}
# The other answer to the queue question, for the rows that measure both.
QUEUE_OFF_ANSWERS = {**QUEUE_ON_ANSWERS, "enable_job_queue": "false"}
SLUG = "bench-svc"
PACKAGE = "bench_svc"

# Variables of the `uv run nox` that launched us which would leak into the
# renders' own uv environments.
LEAKY_VARIABLES = (
    "VIRTUAL_ENV",
    "UV_PROJECT_ENVIRONMENT",
    "PYTHONPATH",
    "NOX_CURRENT_SESSION",
    # Set on some machines (this one): every process would compile every module
    # it imports from source, which penalises whichever side imports more. A
    # deployed service has bytecode (the Dockerfile's UV_COMPILE_BYTECODE=1).
    "PYTHONDONTWRITEBYTECODE",
)


@dataclass(frozen=True)
class Project:
    root: Path
    slug: str
    package: str

    @property
    def bin(self) -> Path:
        return self.root / ".venv" / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without our venv, plus `extra`, with copier and
    git isolated from the user's settings so every render is the same."""
    env = {k: v for k, v in os.environ.items() if k not in LEAKY_VARIABLES}
    env.update(
        COPIER_SETTINGS_PATH=os.devnull,
        GIT_AUTHOR_NAME="Bench",
        GIT_AUTHOR_EMAIL="bench@example.com",
        GIT_COMMITTER_NAME="Bench",
        GIT_COMMITTER_EMAIL="bench@example.com",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    env.update(extra or {})
    return env


def copier_command(
    source: Path, destination: Path, answers: Mapping[str, str]
) -> list[str]:
    """The same copier flags for the template and the fixtures; tasks skipped (the
    rows that need a lockfile run `uv sync`, which writes one)."""
    # The copier of the runner's environment (the template's dev dependencies).
    copier = str(Path(sys.executable).parent / "copier")
    command = [copier, "copy", "--quiet", "--trust", "--defaults", "--skip-tasks"]
    command += ["--vcs-ref", "HEAD"]
    for name, value in answers.items():
        command += ["-d", f"{name}={value}"]
    return [*command, str(source), str(destination)]


def fixture_repository(name: str, workdir: Path) -> Path:
    """A fixture template copied into `workdir` as a one-commit git repository, so
    copier clones it like it clones this template (`--vcs-ref HEAD`)."""
    repository = workdir / f"fixture-{name}"
    if repository.exists():
        return repository
    shutil.copytree(FIXTURES / name, repository)
    env = clean_env()
    run(["git", "init", "--quiet"], cwd=repository, env=env)
    run(["git", "add", "."], cwd=repository, env=env)
    run(
        ["git", "commit", "--quiet", "--no-gpg-sign", "-m", "fixture"],
        cwd=repository,
        env=env,
    )
    return repository


def check_python(root: Path) -> str:
    """Refuse to run uv in a render that pins another Python than 3.11."""
    pinned = (root / ".python-version").read_text().strip()
    if pinned != EXPECTED_PYTHON:
        raise BenchmarkError(f"{root} pins Python {pinned}, not {EXPECTED_PYTHON}")
    return pinned


def render_project(destination: Path, answers: Mapping[str, str]) -> Project:
    run(
        copier_command(TEMPLATE_ROOT, destination, answers),
        cwd=TEMPLATE_ROOT,
        env=clean_env(),
    )
    check_python(destination)
    return Project(destination, SLUG, PACKAGE)


def render_queue_on(destination: Path) -> Project:
    return render_project(destination, QUEUE_ON_ANSWERS)


def render_queue_off(destination: Path) -> Project:
    return render_project(destination, QUEUE_OFF_ANSWERS)


def sync(project: Project) -> None:
    check_python(project.root)
    # Bytecode up front, as in the Docker image, so no measured run compiles.
    run(
        ["uv", "sync", "--quiet", "--compile-bytecode"],
        cwd=project.root,
        env=clean_env(),
    )
