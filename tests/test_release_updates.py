"""A project made from any release updates cleanly to the newest commit.

The template's own history is the test data: every version in CHANGELOG.md is
copied (queue on and off) and updated to the working tree under test, without
user edits. Tags need not travel with the clone: the harness restores them from
the release commits.
"""

from pathlib import Path

import pytest
import yaml

from tests.answers import Answers
from tests.extension import derived
from tests.generated import assert_suite_and_mypy_pass
from tests.releases import (
    changelog_releases,
    migrated_moves,
    moved_files,
    template_history,
)
from tests.rendering import render
from tests.updating import (
    conflicted_files,
    copy_and_commit,
    differences,
    tree,
    update,
)

RELEASES = changelog_releases()
QUEUE = pytest.mark.parametrize(
    "enable_job_queue", [False, True], ids=["no-queue", "queue"]
)


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return template_history(tmp_path_factory.mktemp("history") / "template")


def answers_with(enable_job_queue: bool) -> Answers:
    return {"project_name": "Billing API", "enable_job_queue": enable_job_queue}


def project_at(
    history: Path, destination: Path, version: str, answers: Answers
) -> Path:
    project = copy_and_commit(history, destination, answers, vcs_ref=version)
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["_commit"] == version
    return project


def test_the_changelog_names_at_least_one_release() -> None:
    assert RELEASES, "CHANGELOG.md has no `## X.Y.Z — date` section"


@QUEUE
@pytest.mark.parametrize("version", RELEASES)
def test_a_project_from_every_release_updates_to_a_fresh_copy(
    history: Path, tmp_path: Path, version: str, enable_job_queue: bool
) -> None:
    answers = answers_with(enable_job_queue)
    project = project_at(history, tmp_path / "project", version, answers)

    update(project, vcs_ref="HEAD")

    assert conflicted_files(project) == []
    fresh = render(history, tmp_path / "fresh", answers, vcs_ref="HEAD")
    assert differences(tree(project), tree(fresh)) == []


@QUEUE
@pytest.mark.parametrize("version", RELEASES)
def test_every_file_moved_since_a_release_has_its_migration(
    history: Path, tmp_path: Path, version: str, enable_job_queue: bool
) -> None:
    answers = answers_with(enable_job_queue)
    released = render(history, tmp_path / "released", answers, vcs_ref=version)
    newest = render(history, tmp_path / "newest", answers, vcs_ref="HEAD")

    moves = moved_files(tree(released), tree(newest))

    context = {**answers, **derived(answers)}
    unmigrated = set(moves) - migrated_moves(history, version, context)
    assert {old: moves[old] for old in sorted(unmigrated)} == {}


def test_a_renamed_file_is_recognised_as_moved() -> None:
    before = {
        "docs/guide.md": b"# Guide\n\nHow to run the worker.\n",
        "a.py": b"x = 1\n",
    }
    after = {
        "guide/README.md": b"# Guide\n\nHow to run the workers.\n",
        "a.py": b"x = 1\n",
    }

    assert moved_files(before, after) == {"docs/guide.md": "guide/README.md"}
    assert moved_files(before, {"a.py": b"x = 1\n"}) == {}  # deleted, not moved


@pytest.mark.slow
@QUEUE
@pytest.mark.long_running
@pytest.mark.parametrize(
    "version", sorted({RELEASES[0], RELEASES[-1]}) if RELEASES else []
)
def test_a_project_updated_from_the_oldest_and_newest_release_passes_its_suite(
    history: Path, tmp_path: Path, version: str, enable_job_queue: bool
) -> None:
    project = project_at(
        history, tmp_path / "project", version, answers_with(enable_job_queue)
    )

    update(project, vcs_ref="HEAD")

    assert_suite_and_mypy_pass(
        project, tmp_path / "junit.xml", tmp_path / "mypy", processes=2
    )
