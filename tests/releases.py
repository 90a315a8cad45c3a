"""The template's real release history in a temporary clone, for update tests.

A clone may arrive without tags (CI clones, `git clone --no-tags`, mirrors), so the
release commits (`Release X.Y.Z`) are the record: the clone gets any missing tag
back from its commit. The working tree, committed or not, becomes the newest
commit on top, so the tests update projects to exactly what is being tested.
"""

import difflib
import subprocess
from pathlib import Path
from typing import Any

import jinja2
import yaml
from packaging.version import Version

from scripts.release import RELEASE_HEADING, release_commits, restore_tags
from tests.answers import TEMPLATE_ROOT
from tests.rendering import copy_working_tree, git

CHANGELOG = TEMPLATE_ROOT / "CHANGELOG.md"


def changelog_releases() -> list[str]:
    """Every released version CHANGELOG.md has a section for, oldest first."""
    found = RELEASE_HEADING.findall(CHANGELOG.read_text())
    return [str(version) for version in sorted(Version(name) for name, _ in found)]


def template_history(destination: Path) -> Path:
    """A clone of the template with every release tagged and the working tree on top."""
    if git("rev-parse", "--is-shallow-repository", cwd=TEMPLATE_ROOT).strip() == "true":
        raise AssertionError(
            "This clone of the template is shallow, so its release commits are "
            "missing: run `git fetch --unshallow` and test again."
        )
    subprocess.run(
        ["git", "clone", "--quiet", "--no-tags", str(TEMPLATE_ROOT), str(destination)],
        check=True,
    )
    restore_tags(destination)
    missing = set(changelog_releases()) - set(release_commits(destination))
    assert not missing, f"no `Release X.Y.Z` commit for {sorted(missing)}"
    git("rm", "-r", "--quiet", "--cached", ".", cwd=destination)
    for path in destination.iterdir():
        if path.name != ".git":
            subprocess.run(["rm", "-rf", str(path)], check=True)
    copy_working_tree(destination)
    git("add", "--all", cwd=destination)
    git(
        "commit",
        "--quiet",
        "--allow-empty",
        "--message",
        "the working tree under test",
        cwd=destination,
    )
    return destination


# Files whose content mostly survives under another name count as moved.
MOVE_SIMILARITY = 0.6


def moved_files(before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, str]:
    """Old path → new path for files that disappeared and reappeared renamed."""
    gone = sorted(before.keys() - after.keys())
    new = sorted(after.keys() - before.keys())
    moves = {}
    for old_path in gone:
        old_text = before[old_path].decode(errors="replace")
        for new_path in new:
            ratio = difflib.SequenceMatcher(
                None, old_text, after[new_path].decode(errors="replace")
            ).ratio()
            if old_text.strip() and ratio >= MOVE_SIMILARITY:
                moves[old_path] = new_path
                break
    return moves


def migrated_moves(template: Path, since: str, answers: dict[str, Any]) -> set[str]:
    """Old paths that `_migrations` move for versions after ``since``, rendered."""
    settings = yaml.safe_load((template / "copier.yml").read_text())
    moved = set()
    for migration in settings.get("_migrations") or []:
        command = [str(part) for part in migration.get("command", [])]
        if (
            Version(str(migration["version"])) <= Version(since)
            or "move" not in command
        ):
            continue
        old_path = command[command.index("move") + 1]
        moved.add(jinja2.Template(old_path).render(**answers))
    return moved
