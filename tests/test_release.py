"""Releases: `uv run nox -s release -- X.Y.Z` makes a tagged `Release X.Y.Z` commit."""

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from scripts.release import (
    ReleaseError,
    move_unreleased,
    parse_version,
    release_commits,
    restore_tags,
)
from tests.answers import TEMPLATE_ROOT
from tests.releases import changelog_releases
from tests.rendering import git

CHANGELOG = """# Changelog

## Unreleased

### Added
- Workers report their health.

## 0.1.0 — 2026-11-29

### Added
- Everything.
"""


def test_unreleased_notes_move_under_the_new_version() -> None:
    released = move_unreleased(CHANGELOG, parse_version("0.2.0"), date(2026, 12, 24))

    assert released == (
        "# Changelog\n\n## Unreleased\n\n"
        "## 0.2.0 — 2026-12-24\n\n### Added\n- Workers report their health.\n\n"
        "## 0.1.0 — 2026-11-29\n\n### Added\n- Everything.\n"
    )


def test_an_empty_unreleased_section_is_refused() -> None:
    empty = CHANGELOG.replace("### Added\n- Workers report their health.\n\n", "")

    with pytest.raises(ReleaseError, match="Unreleased section is empty"):
        move_unreleased(empty, parse_version("0.2.0"), date(2026, 12, 24))


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("v0.2.0", "Write the version as 0.2.0"),
        ("0.2.0+local", "Write the version as 0.2.0"),
        ("next", "not a PEP 440 version"),
    ],
)
def test_versions_must_be_canonical_pep_440(text: str, rule: str) -> None:
    with pytest.raises(ReleaseError, match=rule):
        parse_version(text)


def test_a_canonical_version_is_taken_as_written() -> None:
    assert str(parse_version("1.0.0rc1")) == "1.0.0rc1"


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A small repository laid out like the template, one release behind."""
    (tmp_path / "scripts").mkdir()
    shutil.copy2(TEMPLATE_ROOT / "scripts" / "release.py", tmp_path / "scripts")
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "t"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n\n'
        "[tool.uv]\npackage = false\n"
    )
    subprocess.run(["uv", "lock", "--offline", "--quiet"], cwd=tmp_path, check=True)
    git("init", "--quiet", cwd=tmp_path)
    git("add", "--all", cwd=tmp_path)
    git("commit", "--quiet", "--message", "Release 0.1.0", cwd=tmp_path)
    return tmp_path


def release_command(
    repository: Path, *arguments: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "scripts/release.py", *arguments],
        cwd=repository,
        capture_output=True,
        text=True,
    )


def test_a_release_commits_and_tags_the_version(repository: Path) -> None:
    released = release_command(repository, "0.2.0", "--date", "2026-12-24")

    assert released.returncode == 0, released.stderr
    assert git("log", "-1", "--format=%s", cwd=repository).strip() == "Release 0.2.0"
    assert git("describe", "--tags", "--exact-match", cwd=repository).strip() == "0.2.0"
    assert git("cat-file", "-t", "0.2.0", cwd=repository).strip() == "tag"
    assert "## 0.2.0 — 2026-12-24\n" in (repository / "CHANGELOG.md").read_text()
    assert 'version = "0.2.0"' in (repository / "pyproject.toml").read_text()
    assert 'version = "0.2.0"' in (repository / "uv.lock").read_text()
    assert git("status", "--porcelain", cwd=repository) == ""


@pytest.mark.parametrize(
    ("prepare", "version", "reason"),
    [
        (
            lambda r: (r / "notes.txt").write_text("draft\n"),
            "0.2.0",
            "uncommitted changes",
        ),
        (lambda r: None, "0.1.0", "not above the last release, 0.1.0"),
        (lambda r: git("tag", "0.3.0", cwd=r), "0.3.0", "tag 0.3.0 exists already"),
        (lambda r: None, "v0.2.0", "Write the version as 0.2.0"),
    ],
    ids=["dirty-tree", "not-newer", "tag-exists", "not-canonical"],
)
def test_a_refused_release_changes_nothing(
    repository: Path, prepare: Callable[[Path], object], version: str, reason: str
) -> None:
    prepare(repository)
    head = git("rev-parse", "HEAD", cwd=repository)
    changelog = (repository / "CHANGELOG.md").read_text()

    refused = release_command(repository, version)

    assert refused.returncode == 1
    assert "release refused: " in refused.stderr
    assert reason in refused.stderr
    assert git("rev-parse", "HEAD", cwd=repository) == head
    assert (repository / "CHANGELOG.md").read_text() == changelog


def test_missing_tags_are_restored_from_release_commits(repository: Path) -> None:
    git(
        "commit",
        "--quiet",
        "--allow-empty",
        "--message",
        "Release notes for 0.3",
        cwd=repository,
    )

    assert restore_tags(repository) == ["0.1.0"]  # "Release notes ..." is no release
    assert git("tag", "--list", cwd=repository).split() == ["0.1.0"]
    assert restore_tags(repository) == []


def test_every_changelog_release_is_a_release_commit_holding_its_section() -> None:
    commits = release_commits(TEMPLATE_ROOT)

    for version in changelog_releases():
        assert version in commits, f"no `Release {version}` commit"
        changelog = git("show", f"{commits[version]}:CHANGELOG.md", cwd=TEMPLATE_ROOT)
        assert f"\n## {version} — " in changelog


def test_the_release_session_runs_the_release_script() -> None:
    listed = subprocess.run(
        ["nox", "--list"], cwd=TEMPLATE_ROOT, capture_output=True, text=True, check=True
    ).stdout

    assert "release" in listed.split()
