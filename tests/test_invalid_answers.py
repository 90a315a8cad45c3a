"""Wrong answers are refused with a message naming the rule, and nothing is written."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.rendering import render

VALID = {"project_name": "Billing API"}

# (answers that override VALID, words the refusal must contain)
INVALID_ANSWERS: list[tuple[dict[str, str], str]] = [
    ({"project_name": ""}, "project name is required"),
    ({"project_name": "   "}, "project name is required"),
    ({"project_slug": "Billing-API"}, "lowercase letter"),
    ({"project_slug": "1billing"}, "start with a lowercase letter"),
    ({"project_slug": "billing-"}, "not ending in a dash"),
    ({"project_slug": "billing--api"}, "single dashes"),
    ({"project_slug": "billing_api"}, "letters, digits and single dashes"),
    ({"project_slug": "billing api"}, "not a valid slug"),
    ({"project_slug": "json"}, "shadow the Python standard library"),
    ({"project_slug": "typing"}, "shadow the Python standard library"),
    ({"project_slug": "fastapi"}, "would shadow 'fastapi'"),
    ({"project_slug": "beanie"}, "would shadow 'beanie'"),
    ({"project_slug": "redis"}, "would shadow 'redis'"),
    ({"project_slug": "streaq"}, "would shadow 'streaq'"),
    ({"project_slug": "pydantic"}, "would shadow 'pydantic'"),
    ({"project_slug": "test"}, "would shadow 'test'"),
    ({"project_slug": "typer"}, "would shadow 'typer'"),
    ({"project_slug": "class"}, "'class' is a Python keyword"),
    ({"project_slug": "async"}, "'async' is a Python keyword"),
    ({"project_slug": "import"}, "e.g. import-service"),
    (
        {"project_slug": "accounts-receivable-billing-service"},
        "keep the slug to 30 or fewer",
    ),
    ({"author_email": "not-an-email"}, "is not an email address"),
    ({"author_email": "jane@localhost"}, "is not an email address"),
    ({"author_email": "bob@example..com"}, "no empty name"),
    ({"author_email": "jané@example.com"}, "only plain ASCII"),
    ({"author_name": " "}, "author name is required"),
    ({"author_name": "\u200b"}, "author name is required"),
    # Line breaks and control characters, as `-d` or a data file can carry them.
    ({"project_name": "Billing\nAPI"}, "project name must be a single line"),
    ({"project_name": "Billing\u2028API"}, "contains a line separator"),
    ({"project_name": "Billing\udcffAPI"}, "an unpaired surrogate"),
    ({"project_description": "Bills.\nFast."}, "description must be a single line"),
    ({"project_description": "Bills\x00"}, "contains a control character"),
    ({"project_description": " Bills customers."}, "cannot start or end with spaces"),
    ({"author_name": "Jane\tDoe"}, "contains a tab"),
    ({"author_email": "jane@example.com\n"}, "author email must be a single line"),
    ({"project_slug": "billing\r"}, "project slug must be a single line"),
    ({"python_version": "3.10"}, "Invalid choice for 'python_version'"),
    ({"ci_provider": "jenkins"}, "Invalid choice for 'ci_provider'"),
    ({"license": "GPL-3.0"}, "Invalid choice for 'license'"),
]


def test_the_table_is_broad() -> None:
    assert len(INVALID_ANSWERS) >= 15


@pytest.mark.parametrize(
    ("override", "message"),
    INVALID_ANSWERS,
    ids=[f"{next(iter(o))}={next(iter(o.values()))!r}" for o, _ in INVALID_ANSWERS],
)
def test_an_invalid_answer_is_refused_and_writes_nothing(
    template: Path, tmp_path: Path, override: dict[str, str], message: str
) -> None:
    destination = tmp_path / "existing"
    destination.mkdir()
    (destination / "notes.txt").write_text("the user's own file\n")

    with pytest.raises(ValueError, match=message) as refusal:
        render(template, destination, {**VALID, **override})

    assert next(iter(override)) in str(refusal.value)
    assert [p.name for p in destination.iterdir()] == ["notes.txt"]
    assert (destination / "notes.txt").read_text() == "the user's own file\n"


def test_the_command_line_exits_non_zero_with_the_message(
    template: Path, tmp_path: Path
) -> None:
    destination = tmp_path / "fresh"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--trust",
            "--defaults",
            "--vcs-ref",
            "HEAD",
            "-d",
            "project_name=Billing API",
            "-d",
            "project_slug=json",
            str(template),
            str(destination),
        ],
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "shadow the Python standard library" in result.stderr + result.stdout
    assert not destination.exists()
