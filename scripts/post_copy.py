"""Runs once after `copier copy` (skip it with `copier copy --skip-tasks`).

Each step is idempotent and fails softly: a project is still usable without a git
repository or a lockfile, so a missing tool or network prints what to run later
and exits 0.
"""

import shutil
import subprocess
import sys
from pathlib import Path

LOCK_TIMEOUT_SECONDS = 120


def say(message: str) -> None:
    print(f"[post-copy] {message}", file=sys.stderr)


def init_git(project: Path) -> None:
    if shutil.which("git") is None:
        say("git not found: run `git init` yourself before `copier update`.")
        return
    inside = subprocess.run(
        ["git", "rev-parse", "--is-inside-work-tree"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    if inside.returncode == 0:
        return  # already a repository (or inside one): leave it as it is
    subprocess.run(["git", "init", "--quiet"], cwd=project, check=False)
    say("initialised a git repository; commit before running `copier update`.")


def lock_dependencies(project: Path) -> None:
    if (project / "uv.lock").exists():
        return
    if shutil.which("uv") is None:
        say("uv not found: install it (https://docs.astral.sh/uv/), then `uv lock`.")
        return
    try:
        locked = subprocess.run(
            ["uv", "lock", "--quiet"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=LOCK_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        say("`uv lock` timed out (offline?): run `uv lock` later.")
        return
    if locked.returncode != 0:
        missing = missing_python(project)
        if missing:
            say(
                f"Python {missing} is not installed and uv could not download it: "
                f"install it (`uv python install {missing}` or your system's "
                "packages), then run `uv lock`."
            )
            return
        reason = locked.stderr.strip().splitlines()[-1:] or ["unknown error"]
        say(f"`uv lock` failed ({reason[0]}): run `uv lock` later.")


def missing_python(project: Path) -> str | None:
    """The project's Python version when uv finds no such interpreter, else None.

    A failed lock is most often a Python uv could not download (offline); its own
    error then names a network failure, not the missing interpreter.
    """
    pinned = project / ".python-version"
    if not pinned.is_file():
        return None
    version = pinned.read_text().strip()
    found = subprocess.run(
        ["uv", "python", "find", version],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    return version if found.returncode != 0 else None


def main() -> None:
    project = Path.cwd()
    init_git(project)
    lock_dependencies(project)


if __name__ == "__main__":
    main()
