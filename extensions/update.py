"""Jinja globals for the message copier prints after `copier update`.

After an update the project's working tree holds the result, uncommitted, so git
knows exactly which files the update removed; the message lists them, and the
user's own files that the template left in place.
"""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

from jinja2 import Environment
from jinja2.ext import Extension


def removed_files(project: str | Path) -> list[str]:
    """Tracked files deleted since the last commit (what the update removed)."""
    try:
        listed = subprocess.run(
            ["git", "diff", "--name-only", "--diff-filter=D", "HEAD"],
            cwd=project,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted(filter(None, listed.splitlines()))


def files_beside_template(
    project: str | Path, folder: str, template_files: list[str]
) -> list[str]:
    """Files in ``folder`` that the template does not render: the user's own."""
    directory = Path(project, folder)
    if not directory.is_dir():
        return []
    return sorted(
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.relative_to(directory).as_posix() not in template_files
    )


def random_secret() -> str:
    """A fresh secret for files written once (`.env` is never overwritten)."""
    return secrets.token_urlsafe(32)


class UpdateReport(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["removed_files"] = removed_files
        environment.globals["files_beside_template"] = files_beside_template
        environment.globals["random_secret"] = random_secret
