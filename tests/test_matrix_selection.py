"""Which combinations run the generated suites (see README, "Run the template's
tests"): the quick lane once per code variant, the slow lane on a covering set,
both derived from copier.yml."""

from pathlib import Path

import pytest

from tests.answers import (
    PIPELINE_ONLY_QUESTIONS,
    PIPELINE_PATHS,
    TEXT_ANSWERS,
    UNUSUAL_ANSWERS,
    answer_matrix,
    covering_combinations,
    one_per_code_variant,
    varied_questions,
    with_unusual_text,
)
from tests.rendering import render
from tests.updating import differences, tree

ANSWERS_FILE = ".copier-answers.yml"


def test_every_answer_value_meets_both_queue_answers_in_the_covering_set() -> None:
    matrix = answer_matrix()

    chosen = covering_combinations(matrix)

    for queue in (False, True):
        with_queue = [
            answers for answers in chosen if answers["enable_job_queue"] is queue
        ]
        for name, values in varied_questions().items():
            assert {answers[name] for answers in with_queue} >= (
                {queue} if name == "enable_job_queue" else set(values)
            ), (queue, name)


def test_the_covering_set_is_a_small_part_of_the_matrix() -> None:
    matrix = answer_matrix()
    widest = max(len(values) for values in varied_questions().values())

    chosen = covering_combinations(matrix)

    # One combination per value of the widest question, per queue answer.
    assert len(chosen) == 2 * widest
    assert all(answers in matrix for answers in chosen)


def test_only_the_values_of_the_given_combinations_need_covering() -> None:
    # Only Python 3.11 runs here: the set covers what the runnable matrix holds.
    runnable = [a for a in answer_matrix() if a["python_version"] == "3.11"]

    chosen = covering_combinations(runnable)

    assert {answers["python_version"] for answers in chosen} == {"3.11"}
    assert len(chosen) == 2 * 3  # three CI providers and three licenses


def test_one_queue_on_run_of_the_covering_set_carries_the_unusual_text() -> None:
    chosen = covering_combinations(answer_matrix())

    runs = with_unusual_text(chosen)

    unusual = [r for r in runs if r["project_name"] == UNUSUAL_ANSWERS["project_name"]]
    assert len(unusual) == 1
    assert unusual[0]["enable_job_queue"] is True
    # Only the text changed: the set still covers the same choices.
    choices = list(varied_questions())
    assert [[r[q] for q in choices] for r in runs] == [
        [c[q] for q in choices] for c in chosen
    ]


def test_combinations_differing_only_in_the_pipeline_share_one_quick_lane_run() -> None:
    matrix = answer_matrix()

    chosen = one_per_code_variant(matrix)

    code_questions = [q for q in varied_questions() if q not in PIPELINE_ONLY_QUESTIONS]
    variants = {tuple(answers[q] for q in code_questions) for answers in matrix}
    # One run per variant of the code, none left out.
    assert len(chosen) == len(variants)
    assert {tuple(answers[q] for q in code_questions) for answers in chosen} == (
        variants
    )
    assert all(answers in matrix for answers in chosen)


@pytest.mark.parametrize("question", sorted(PIPELINE_ONLY_QUESTIONS))
def test_a_pipeline_only_answer_changes_only_the_pipeline_files(
    template: Path, tmp_path: Path, question: str
) -> None:
    """What lets its values share one quick-lane run: the code and tests are the
    same, and none of them reads a pipeline file or the answers file."""
    base = {**TEXT_ANSWERS, "enable_job_queue": True}
    renders = {
        value: tree(render(template, tmp_path / str(value), {**base, question: value}))
        for value in varied_questions()[question]
    }

    first, *others = renders.values()
    for other in others:
        changed = differences(first, other)
        assert changed, "the providers' renders should differ in their pipelines"
        assert [
            path
            for path in changed
            if path != ANSWERS_FILE and not path.startswith(PIPELINE_PATHS)
        ] == []
    for files in renders.values():
        readers = [
            path
            for path, content in files.items()
            if path.startswith(("src/", "tests/"))
            and any(
                name.encode() in content for name in (*PIPELINE_PATHS, ANSWERS_FILE)
            )
        ]
        assert readers == []
