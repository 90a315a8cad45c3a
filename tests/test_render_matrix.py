"""Every combination of answers renders a clean project (checked without running it)."""

from pathlib import Path

import pytest

from tests.answers import Answers, answer_matrix, combination_id
from tests.rendering import project_files, render
from tests.static_checks import (
    compile_problems,
    config_file_problems,
    file_layout_problems,
    leftover_jinja_problems,
    queue_off_problems,
    ruff_problems,
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
        *ruff_problems(project),
    ]

    assert not problems, "\n".join(problems)
