"""Template versions and generated projects as git repositories, for update tests."""

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import copier

from tests.answers import Answers
from tests.rendering import git, render

# Files allowed to differ between an updated project and a fresh copy: `.env` is
# written once with generated secrets and never overwritten; `uv.lock` is the
# user's to refresh (`uv lock`), and resolves to newer versions over time.
MEANT_TO_DIFFER = {".env", "uv.lock"}

CONFLICT_MARKERS = ("<<<<<<< before updating", ">>>>>>> after updating")


def clone_template(snapshot: Path, destination: Path, tag: str = "v1") -> Path:
    """An independent clone of the template snapshot, its HEAD tagged ``tag``."""
    subprocess.run(
        ["git", "clone", "--quiet", str(snapshot), str(destination)], check=True
    )
    git("tag", tag, cwd=destination)
    return destination


def release(template: Path, tag: str, change: Callable[[Path], None]) -> None:
    """Apply ``change`` to the template clone, commit it and tag it ``tag``."""
    change(template)
    git("add", "--all", cwd=template)
    git("commit", "--quiet", "--message", f"release {tag}", cwd=template)
    git("tag", tag, cwd=template)


def copy_and_commit(
    template: Path, destination: Path, answers: Answers, vcs_ref: str = "v1"
) -> Path:
    """A project copied at ``vcs_ref`` and committed, as a user keeps it."""
    render(template, destination, answers, vcs_ref=vcs_ref)
    git("init", "--quiet", cwd=destination)
    commit_all(destination, "generated")
    return destination


def commit_all(project: Path, message: str) -> None:
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--allow-empty", "--message", message, cwd=project)


def update(
    project: Path, *, vcs_ref: str | None = None, quiet: bool = True, **data: Any
) -> None:
    """`copier update --trust --defaults [-d key=value ...]` as the library call."""
    copier.run_update(
        str(project),
        data=data,
        defaults=True,
        overwrite=True,
        unsafe=True,
        vcs_ref=vcs_ref,
        quiet=quiet,
    )


def tree(project: Path) -> dict[str, bytes]:
    """Every file of a project but git's own and those meant to differ."""
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file()
        and ".git" not in path.relative_to(project).parts
        and path.relative_to(project).as_posix() not in MEANT_TO_DIFFER
    }


def differences(left: dict[str, bytes], right: dict[str, bytes]) -> list[str]:
    """Paths whose presence or bytes differ, for a readable assertion message."""
    return sorted(
        path for path in left.keys() | right.keys() if left.get(path) != right.get(path)
    )


def conflicted_files(project: Path) -> list[str]:
    """Files holding copier's conflict markers, and any rejected hunks."""
    found = []
    for path in project.rglob("*"):
        if ".git" in path.parts or not path.is_file():
            continue
        if path.suffix == ".rej" or any(
            marker in path.read_text(errors="replace") for marker in CONFLICT_MARKERS
        ):
            found.append(str(path.relative_to(project)))
    return sorted(found)


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of text, failing loudly when it is not there."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
