"""Which combinations run the generated suites' slow lane (see README, "Run the
template's tests"): a covering set, derived from copier.yml."""

from tests.answers import answer_matrix, covering_combinations, varied_questions


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
