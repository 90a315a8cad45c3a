"""The answer matrix, read from copier.yml so a new question joins it by itself."""

import itertools
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from email_validator import EmailNotValidError, validate_email

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
COPIER_YML = TEMPLATE_ROOT / "copier.yml"

# Answers to the free-text questions; every other question takes its default
# unless the matrix varies it.
TEXT_ANSWERS: dict[str, str] = {"project_name": "Billing API"}

Answers = dict[str, Any]

# Text answers that stress quoting and length: quotes, a backslash, accents, and a
# name whose default slug must be shortened to the limit.
UNUSUAL_ANSWERS = {
    "project_name": 'Jane\'s "Ünïcode" Billing API \\ for the accounts-receivable team of the north region',
    "project_description": 'Bills "customers"; it\'s fast \\ safe.',
    "author_name": "Zoë O'Brien-Müller",
    "author_email": "zoe.o-brien+billing@example.co.uk",
}


@cache
def questions() -> dict[str, dict[str, Any]]:
    """Every question in copier.yml (settings start with an underscore)."""
    loaded: dict[str, Any] = yaml.safe_load(COPIER_YML.read_text())
    return {name: spec for name, spec in loaded.items() if not name.startswith("_")}


def choice_values(spec: dict[str, Any]) -> list[Any]:
    """The values a question can take: its choices (list or label mapping) or bools."""
    if spec.get("type") == "bool":
        return [False, True]
    choices = spec.get("choices")
    if isinstance(choices, dict):
        return list(choices.values())
    if isinstance(choices, list):
        return list(choices)
    return []


def varied_questions() -> dict[str, list[Any]]:
    """The questions the matrix varies: every bool and every multiple choice."""
    return {
        name: values
        for name, spec in questions().items()
        if (values := choice_values(spec))
    }


def answer_matrix() -> list[Answers]:
    """Every combination of bool and choice answers, with the text answers added."""
    varied = varied_questions()
    return [
        {**TEXT_ANSWERS, **dict(zip(varied, values, strict=True))}
        for values in itertools.product(*varied.values())
    ]


def combination_id(answers: Answers) -> str:
    """A short, readable test id: ``py3.11-job-queue-docker-github-MIT``."""
    parts = []
    for name in varied_questions():
        value = answers[name]
        if isinstance(value, bool):
            short = name.removeprefix("enable_").removeprefix("use_").replace("_", "-")
            parts.append(short if value else f"no-{short}")
        elif name == "python_version":
            parts.append(f"py{value}")
        else:
            parts.append(str(value))
    return "-".join(parts)


def email_validator_accepts(email: str) -> bool:
    """Whether the generated service accepts ``email``: its pydantic ``EmailStr``
    validates with email-validator, without the deliverability check."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


# Questions whose answer changes only the CI pipeline's own files: the render
# checks lint them, and no generated code or test reads them (checked on real
# renders in tests/test_matrix_selection.py). Combinations that differ only in
# these answers run the same code and tests, so they share one quick-lane run.
PIPELINE_ONLY_QUESTIONS = frozenset({"ci_provider"})
PIPELINE_PATHS = (".github/", ".gitlab-ci.yml")


def one_per_code_variant(matrix: list[Answers]) -> list[Answers]:
    """The first combination of ``matrix`` for each set of the answers that
    change code: the rest differ from it only in PIPELINE_ONLY_QUESTIONS."""
    chosen: dict[tuple[tuple[str, Any], ...], Answers] = {}
    for answers in matrix:
        code_answers = tuple(
            (name, value)
            for name, value in answers.items()
            if name not in PIPELINE_ONLY_QUESTIONS
        )
        chosen.setdefault(code_answers, answers)
    return list(chosen.values())


def covering_combinations(
    matrix: list[Answers], pivot: str = "enable_job_queue"
) -> list[Answers]:
    """A few combinations of ``matrix`` in which every value of every varied
    question meets every value of ``pivot`` at least once.

    The slow lane of the generated suites (fault injection, browser) runs on this
    set; every combination still runs the quick lane. Chosen greedily: each pick
    covers the most (pivot value, question, value) triples not yet covered.
    """
    questions = [name for name in varied_questions() if name != pivot]

    def triples(answers: Answers) -> set[tuple[Any, str, Any]]:
        return {(answers[pivot], name, answers[name]) for name in questions}

    uncovered = set().union(*(triples(answers) for answers in matrix))
    chosen: list[Answers] = []
    while uncovered:
        best = max(matrix, key=lambda answers: len(triples(answers) & uncovered))
        chosen.append(best)
        uncovered -= triples(best)
    return chosen


def with_unusual_text(combinations: list[Answers]) -> list[Answers]:
    """``combinations`` with the first queue-on one given the unusual text answers.

    Quoting and long names then meet the whole suite (worker processes, the CLI
    under its shortened name) without a run of their own: every other answer of
    that combination is unchanged, so the set still covers what it covered.
    """
    first_queue_on = next(
        (i for i, answers in enumerate(combinations) if answers["enable_job_queue"]),
        None,
    )
    return [
        {**answers, **UNUSUAL_ANSWERS} if i == first_queue_on else answers
        for i, answers in enumerate(combinations)
    ]
