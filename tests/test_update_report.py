"""The facts the after-update message is built from, read from a real git repository.

`tests/test_update.py` shows the whole message after real `copier update` runs;
these tests pin each fact down on small repositories.
"""

from pathlib import Path

import pytest

from tests.extension import update_report
from tests.rendering import git


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A committed src-layout project: the state before an update."""
    files = {
        "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["fastapi>=0.1"]\n',
        "src/shop/__init__.py": "",
        "src/shop/jobs.py": "def run() -> None: ...\n",
        "src/shop/emails.py": "def send() -> None: ...\n\n\ndef render() -> str: ...\n",
        "README.md": "# Shop\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git("init", "--quiet", cwd=tmp_path)
    git("add", "--all", cwd=tmp_path)
    git("commit", "--quiet", "--message", "before the update", cwd=tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("path", "module"),
    [
        ("src/shop/jobs.py", "shop.jobs"),
        ("src/shop/tasks/__init__.py", "shop.tasks"),
        ("tests/tasks/test_jobs.py", "tests.tasks.test_jobs"),
        ("README.md", None),
    ],
)
def test_files_map_to_the_modules_they_define(path: str, module: str | None) -> None:
    assert update_report.module_name(path) == module


def test_relative_imports_resolve_against_the_importing_module() -> None:
    source = "from . import jobs\nfrom ..emails import send\nimport shop.jobs\n"

    found = update_report.imported_modules("src/shop/api/users.py", source)

    assert (1, "shop.api.jobs") in found
    assert (2, "shop.emails.send") in found  # two dots climb from shop.api to shop
    assert (3, "shop.jobs") in found


def test_names_defined_under_a_top_level_if_count_as_defined() -> None:
    source = "import sys\nif sys.version_info >= (3, 12):\n    def f() -> None: ...\nelse:\n    g = 1\n"

    assert update_report.top_level_names(source) == {"sys", "f", "g"}


def test_imports_of_a_removed_module_and_a_removed_name_are_named(
    repository: Path,
) -> None:
    (repository / "src/shop/jobs.py").unlink()
    (repository / "src/shop/emails.py").write_text("def send() -> None: ...\n")
    (repository / "src/shop/mine.py").write_text(
        "from shop.jobs import run\n"
        "from .emails import render\n"
        "from .emails import send\n"
        "import shop.jobs\n"
    )

    assert update_report.broken_imports(repository) == [
        "src/shop/mine.py:1 imports shop.jobs",
        "src/shop/mine.py:2 imports shop.emails.render",
        "src/shop/mine.py:4 imports shop.jobs",
    ]


def test_nothing_is_named_when_nothing_was_removed(repository: Path) -> None:
    (repository / "src/shop/mine.py").write_text("from shop.jobs import run\n")

    assert update_report.broken_imports(repository) == []


def test_conflict_markers_and_rejected_hunks_are_found(repository: Path) -> None:
    (repository / "README.md").write_text(
        "<<<<<<< before updating\n# Shop\n=======\n# Store\n>>>>>>> after updating\n"
    )
    (repository / "src/shop/jobs.py.rej").write_text("@@ -1 +1 @@\n")

    assert update_report.conflicted_files(repository) == [
        "README.md",
        "src/shop/jobs.py.rej",
    ]


def test_ignored_files_are_not_searched_for_markers(repository: Path) -> None:
    (repository / ".gitignore").write_text(".venv/\n")
    (repository / ".venv").mkdir()
    (repository / ".venv/copied.txt").write_text("<<<<<<< before updating\n")

    assert update_report.conflicted_files(repository) == []


def test_a_dependency_change_makes_the_lock_stale(repository: Path) -> None:
    pyproject = repository / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("]\n", ', "redis>=5"]\n'))

    assert update_report.dependencies_changed(repository)


def test_other_pyproject_changes_leave_the_lock_fresh(repository: Path) -> None:
    pyproject = repository / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.ruff]\nline-length = 88\n")

    assert not update_report.dependencies_changed(repository)


def test_a_pyproject_in_conflict_is_reported_as_needing_a_lock(
    repository: Path,
) -> None:
    pyproject = repository / "pyproject.toml"
    pyproject.write_text("<<<<<<< before updating\n" + pyproject.read_text())

    assert update_report.dependencies_changed(repository)


def test_env_lines_are_given_only_for_missing_secrets(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "ENVIRONMENT=development\n# TOKEN_SECRET=\nTASK_SIGNING_SECRET=abc\n"
    )

    lines = update_report.missing_env_lines(
        tmp_path, enable_job_queue=True, use_docker=False
    )

    assert lines == [
        f'echo "TOKEN_SECRET=$({update_report.SECRET_COMMAND})" >> .env',
    ]
    assert update_report.missing_env_lines(
        tmp_path, enable_job_queue=False, use_docker=False
    ) == [f'echo "TOKEN_SECRET=$({update_report.SECRET_COMMAND})" >> .env']


@pytest.mark.parametrize(
    ("enable_job_queue", "wanted"),
    [
        (False, ["TOKEN_SECRET", "MONGO_ROOT_PASSWORD"]),
        (
            True,
            [
                "TOKEN_SECRET",
                "TASK_SIGNING_SECRET",
                "MONGO_ROOT_PASSWORD",
                "REDIS_PASSWORD",
            ],
        ),
    ],
    ids=["no-queue", "queue"],
)
def test_the_compose_passwords_are_missing_secrets_with_docker_on(
    tmp_path: Path, enable_job_queue: bool, wanted: list[str]
) -> None:
    # compose refuses to start without them; the queue's Redis only exists with it.
    (tmp_path / ".env").write_text("ENVIRONMENT=development\n")

    lines = update_report.missing_env_lines(
        tmp_path, enable_job_queue=enable_job_queue, use_docker=True
    )

    assert [line.split("=")[0].removeprefix('echo "') for line in lines] == wanted


def test_every_fact_is_empty_outside_a_git_repository(tmp_path: Path) -> None:
    assert update_report.removed_files(tmp_path) == []
    assert update_report.conflicted_files(tmp_path) == []
    assert update_report.broken_imports(tmp_path) == []
