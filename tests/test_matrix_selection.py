"""Which combinations run the generated suites' slow lane (see README, "Run the
template's tests"): a covering set, derived from copier.yml."""

from tests.answers import (
    UNUSUAL_ANSWERS,
    answer_matrix,
    covering_combinations,
    varied_questions,
    with_unusual_text,
)


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
