"""Every combination of answers renders a clean project (checked without running it)."""

from pathlib import Path

import pytest

from tests.answers import UNUSUAL_ANSWERS, Answers, answer_matrix, combination_id
from tests.rendering import project_files, render
from tests.static_checks import (
    actionlint_problems,
    compile_problems,
    compose_problems,
    config_file_problems,
    env_secret_problems,
    file_layout_problems,
    hadolint_problems,
    kubernetes_problems,
    leftover_jinja_problems,
    queue_off_problems,
    ruff_problems,
    template_story_problems,
    zizmor_problems,
)

MATRIX = answer_matrix()


def test_the_matrix_covers_every_bool_and_choice() -> None:
    # 4 Python versions x queue x docker x 3 CI providers x 3 licenses.
    assert len(MATRIX) == 4 * 2 * 2 * 3 * 3
    assert {answers["enable_job_queue"] for answers in MATRIX} == {False, True}


@pytest.mark.parametrize("answers", MATRIX, ids=combination_id)
def test_every_combination_renders_clean(
    template: Path, tmp_path: Path, answers: Answers
) -> None:
    project = render(template, tmp_path / "project", answers)
    files = project_files(project)

    problems = [
        *file_layout_problems(project, answers),
        *leftover_jinja_problems(project, files),
        *compile_problems(project, files),
        *config_file_problems(project, answers),
        *queue_off_problems(project, files, answers),
        *template_story_problems(project, files),
        *ruff_problems(project),
        *env_secret_problems(project, answers),
        *compose_problems(project),
        *zizmor_problems(project),
        *actionlint_problems(project),
        *hadolint_problems(project),
        *kubernetes_problems(project, answers),
    ]

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("enable_job_queue", [False, True], ids=["no-queue", "queue"])
def test_quotes_backslashes_accents_and_long_answers_render_clean(
    template: Path, tmp_path: Path, enable_job_queue: bool
) -> None:
    answers = {**UNUSUAL_ANSWERS, "enable_job_queue": enable_job_queue}
    project = render(template, tmp_path / "project", answers)
    files = project_files(project)

    problems = [
        *leftover_jinja_problems(project, files),
        *compile_problems(project, files),
        *template_story_problems(project, files),
        *ruff_problems(project),
    ]

    assert not problems, "\n".join(problems)
    recorded = (project / ".copier-answers.yml").read_text()
    assert "Zoë" in recorded or "Zo\\xEB" in recorded
