"""Every combination this machine can run installs, passes its own quick lane and
mypy (once per code variant: the CI provider changes only its pipeline file); a
covering set of them passes the whole suite (slow lane included)."""

import subprocess
from functools import cache
from pathlib import Path

import pytest

from tests.answers import (
    UNUSUAL_ANSWERS,
    Answers,
    answer_matrix,
    combination_id,
    covering_combinations,
    one_per_code_variant,
    with_unusual_text,
)
from tests.generated import assert_suite_and_mypy_pass, run
from tests.rendering import render

pytestmark = pytest.mark.slow


@cache
def python_is_installed(version: str) -> bool:
    """Whether uv finds this interpreter here without downloading one."""
    found = subprocess.run(
        ["uv", "python", "find", "--no-python-downloads", version],
        capture_output=True,
    )
    return found.returncode == 0


RUNNABLE = [a for a in answer_matrix() if python_is_installed(a["python_version"])]
# Combinations that differ only in the CI provider run the same code and tests:
# one of them runs the quick lane and mypy for all (the whole suites below still
# meet every CI provider).
QUICK_LANE = one_per_code_variant(RUNNABLE)
# The slow lane (worker processes, fault injection, browser) needs no more than
# every answer value meeting both queue answers: the rest of a combination only
# changes files the quick lane and the static checks already cover.
# One queue-on run of the set also carries the unusual text answers (quotes,
# accents, a shortened slug): a whole-suite run of its own cost minutes.
COVERING = with_unusual_text(covering_combinations(RUNNABLE))


def has_unusual_text(answers: Answers) -> bool:
    return bool(answers["project_name"] == UNUSUAL_ANSWERS["project_name"])


def whole_suite_id(answers: Answers) -> str:
    return combination_id(answers) + (
        "-unusual-text" if has_unusual_text(answers) else ""
    )


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for every project this test process checks.

    mypy reuses a cached module whose source hash matches, wherever the file
    lives, so the dependencies are analysed once instead of once per project.
    """
    return tmp_path_factory.mktemp("mypy-cache")


def test_this_machine_can_run_some_combinations() -> None:
    # Without an installed target Python the generated suites would not run at all.
    assert RUNNABLE, "no Python version listed in copier.yml is installed here"


@pytest.mark.parametrize("answers", QUICK_LANE, ids=combination_id)
def test_generated_project_passes_its_quick_lane_and_mypy(
    template: Path, tmp_path: Path, mypy_cache: Path, answers: Answers
) -> None:
    project = render(template, tmp_path / "project", answers)

    assert_suite_and_mypy_pass(
        project, tmp_path / "junit.xml", mypy_cache, lane="not slow"
    )


@pytest.mark.long_running
@pytest.mark.parametrize("answers", COVERING, ids=whole_suite_id)
def test_generated_project_passes_its_whole_suite(
    template: Path, tmp_path: Path, mypy_cache: Path, answers: Answers
) -> None:
    project = render(template, tmp_path / "project", answers)

    # As the project's README and CI run it: `-n`, each test process on a queue
    # of its own. mypy only where the quick lane's run of the same answers has
    # not checked this code: the unusual names are in no other render.
    assert_suite_and_mypy_pass(
        project,
        tmp_path / "junit.xml",
        mypy_cache if has_unusual_text(answers) else None,
        processes=2,
    )


# Dependencies depend only on these two answers; resolve each pair once.
DEPENDENCY_SETS = sorted(
    {(a["python_version"], a["enable_job_queue"]) for a in answer_matrix()}
)


@pytest.mark.parametrize(
    ("python_version", "enable_job_queue"),
    DEPENDENCY_SETS,
    ids=[f"py{v}-{'queue' if q else 'no-queue'}" for v, q in DEPENDENCY_SETS],
)
def test_dependencies_resolve_for_every_python_version(
    template: Path, tmp_path: Path, python_version: str, enable_job_queue: bool
) -> None:
    # Versions not installed here cannot run, but their dependency set must exist.
    answers = {
        "project_name": "Billing API",
        "python_version": python_version,
        "enable_job_queue": enable_job_queue,
    }
    project = render(template, tmp_path / "project", answers)

    resolved = run(
        [
            "uv",
            "pip",
            "compile",
            str(project / "pyproject.toml"),
            "--group",
            f"{project / 'pyproject.toml'}:dev",
            "--python-version",
            python_version,
            "--quiet",
        ],
        # Outside the project: its .python-version may name an interpreter that a
        # version manager's `uv` shim cannot find on this machine.
        tmp_path,
    )

    assert resolved.returncode == 0, resolved.stderr
    assert "fastapi==" in resolved.stdout
    assert ("streaq==" in resolved.stdout) is enable_job_queue
