"""Cut a template release: `uv run nox -s release -- X.Y.Z` (runs this script).

    python scripts/release.py X.Y.Z [--date YYYY-MM-DD]

A release is a commit whose message is exactly `Release X.Y.Z`, tagged `X.Y.Z`
(PEP 440), in which CHANGELOG.md's "Unreleased" section became `## X.Y.Z — date`
and pyproject.toml carries the version. Copier reads the tags to pick the version a
project updates to. Tags do not always travel with a clone, so the release commits
are the record: `restore_tags` recreates a missing tag from its commit.

Nothing is written unless every check passes: a clean tree on a branch, a new
version above every earlier release, an "Unreleased" section with content.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
UNRELEASED = "## Unreleased"
RELEASE_HEADING = re.compile(r"^## (\S+) — (\d{4}-\d{2}-\d{2})$", re.MULTILINE)
RELEASE_MESSAGE = re.compile(r"^Release (\S+)$")
PYPROJECT_VERSION = re.compile(r'^version = "[^"]*"$', re.MULTILINE)


class ReleaseError(Exception):
    """A check failed; the message says which and how to fix it."""


def git(repository: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repository, check=True, capture_output=True, text=True
    ).stdout


def released_versions(changelog: str) -> list[Version]:
    """Every version with a `## X.Y.Z — date` section, oldest first."""
    return sorted(Version(found) for found, _ in RELEASE_HEADING.findall(changelog))


def parse_version(text: str) -> Version:
    """A PEP 440 release version in its canonical spelling (``0.1.0``, not ``v0.1``)."""
    try:
        version = Version(text)
    except InvalidVersion:
        raise ReleaseError(f"'{text}' is not a PEP 440 version (e.g. 0.2.0).") from None
    if str(version) != text or version.local is not None:
        raise ReleaseError(
            f"Write the version as {version.public} (PEP 440, canonical)."
        )
    return version


def move_unreleased(changelog: str, version: Version, day: date) -> str:
    """CHANGELOG.md with its Unreleased notes under ``## version — day``.

    An empty "Unreleased" heading stays on top for the next changes.
    """
    if UNRELEASED not in changelog:
        raise ReleaseError(f"CHANGELOG.md has no '{UNRELEASED}' section.")
    head, rest = changelog.split(UNRELEASED, 1)
    following = re.search(r"^## ", rest, re.MULTILINE)
    notes = rest[: following.start()] if following else rest
    if not notes.strip():
        raise ReleaseError(
            "CHANGELOG.md's Unreleased section is empty: say what changed first."
        )
    later = rest[following.start() :] if following else ""
    section = f"## {version} — {day.isoformat()}\n\n{notes.strip()}\n"
    return f"{head}{UNRELEASED}\n\n{section}" + (f"\n{later}" if later else "")


def release_commits(repository: Path) -> dict[str, str]:
    """Version → commit, for every commit whose message is `Release X.Y.Z`."""
    listed = git(repository, "log", "--format=%H %s", "--grep=^Release ", "HEAD")
    commits: dict[str, str] = {}
    for line in listed.splitlines():
        commit, _, subject = line.partition(" ")
        if found := RELEASE_MESSAGE.fullmatch(subject):
            commits.setdefault(found.group(1), commit)
    return commits


def restore_tags(repository: Path) -> list[str]:
    """Tag every release commit whose tag is missing; the tags it made."""
    existing = set(git(repository, "tag", "--list").split())
    made = []
    for version, commit in release_commits(repository).items():
        if version not in existing:
            git(repository, "tag", version, commit)
            made.append(version)
    return made


def check_repository(repository: Path, version: Version) -> None:
    if git(repository, "status", "--porcelain"):
        raise ReleaseError("The working tree has uncommitted changes: commit them.")
    if not git(repository, "branch", "--show-current").strip():
        raise ReleaseError("HEAD is detached: release from a branch.")
    if str(version) in git(repository, "tag", "--list").split():
        raise ReleaseError(f"The tag {version} exists already.")


def cut(repository: Path, version_text: str, day: date) -> None:
    """Check, rewrite CHANGELOG.md and pyproject.toml, commit and tag."""
    version = parse_version(version_text)
    check_repository(repository, version)
    changelog_path = repository / "CHANGELOG.md"
    changelog = changelog_path.read_text()
    earlier = released_versions(changelog)
    if earlier and version <= earlier[-1]:
        raise ReleaseError(f"{version} is not above the last release, {earlier[-1]}.")
    released = move_unreleased(changelog, version, day)
    pyproject_path = repository / "pyproject.toml"
    pyproject = pyproject_path.read_text()
    if not PYPROJECT_VERSION.search(pyproject):
        raise ReleaseError('pyproject.toml has no `version = "..."` line.')

    changelog_path.write_text(released)
    pyproject_path.write_text(
        PYPROJECT_VERSION.sub(f'version = "{version}"', pyproject, count=1)
    )
    try:
        # The lockfile records the project's own version; nothing else changes.
        subprocess.run(
            ["uv", "lock", "--offline", "--quiet"],
            cwd=repository,
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        git(repository, "checkout", "--", "CHANGELOG.md", "pyproject.toml", "uv.lock")
        raise ReleaseError(f"`uv lock` failed, nothing was changed: {error}") from None
    git(repository, "add", "CHANGELOG.md", "pyproject.toml", "uv.lock")
    git(repository, "commit", "--quiet", "--message", f"Release {version}")
    git(
        repository, "tag", "--annotate", "--message", f"Release {version}", str(version)
    )


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="the new version, e.g. 0.2.0")
    parser.add_argument("--date", type=date.fromisoformat, default=date.today())
    parsed = parser.parse_args(arguments)
    try:
        cut(ROOT, parsed.version, parsed.date)
    except ReleaseError as refusal:
        print(f"release refused: {refusal}", file=sys.stderr)
        return 1
    print(
        f"Released {parsed.version}: push the commit and the tag "
        f"(git push --follow-tags).",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
