"""`copier update` keeps projects current without losing the user's work."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.answers import TEMPLATE_ROOT
from tests.footprint import queue_only_paths
from tests.generated import assert_suite_and_mypy_pass
from tests.rendering import git, project_files, render
from tests.static_checks import queue_off_problems
from tests.updating import (
    clone_template,
    commit_all,
    conflicted_files,
    copy_and_commit,
    differences,
    edit,
    release,
    tree,
    update,
)

ANSWERS = {"project_name": "Billing API"}
PACKAGE = Path("src/billing_api")
# Derived from copier.yml's `_exclude` declaration, as the render checks do.
QUEUE_FILES = [Path(name) for name in queue_only_paths(ANSWERS)]
README = (TEMPLATE_ROOT / "README.md").read_text()


@pytest.fixture
def template_v1(template: Path, tmp_path: Path) -> Path:
    """A clone of the template whose HEAD is the release v1."""
    return clone_template(template, tmp_path / "template")


def readme_update_commands() -> list[str]:
    section = README.split("## Updating your project\n", 1)[1]
    block = re.search(r"```console\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def run_readme_command(command: str, project: Path) -> subprocess.CompletedProcess[str]:
    """Run a README update command with this environment's copier (no download)."""
    prefix = "uvx --with copier-template-extensions copier "
    assert command.startswith(prefix), command
    return run_copier(project, *shlex.split(command.removeprefix(prefix)))


def run_copier(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The copier command line, as a user runs it in the project folder."""
    return subprocess.run(
        [sys.executable, "-m", "copier", *arguments],
        cwd=project,
        capture_output=True,
        text=True,
    )


# 1. Version to version ------------------------------------------------------


def add_support_section(template: Path) -> None:
    readme = template / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\n## Support\n\nAsk the platform team.\n")
    (template / "template" / "CONTRIBUTING.md").write_text("# Contributing\n")
    edit(
        template / "template/src/{{ package_name }}/causes.py",
        '"""What went wrong, in words',
        '"""What went wrong (v2), in words',
    )


@pytest.mark.parametrize("enable_job_queue", [False, True], ids=["no-queue", "queue"])
def test_an_update_to_a_new_version_equals_a_fresh_copy(
    template_v1: Path, tmp_path: Path, enable_job_queue: bool
) -> None:
    answers = {**ANSWERS, "enable_job_queue": enable_job_queue}
    project = copy_and_commit(template_v1, tmp_path / "project", answers)
    release(template_v1, "v2", add_support_section)

    update(project)

    fresh = render(template_v1, tmp_path / "fresh", answers, vcs_ref="v2")
    assert differences(tree(project), tree(fresh)) == []
    assert (
        yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"] == "v2"
    )


# 2 and 3. Turning the queue on and off ---------------------------------------


def test_the_readme_shows_the_update_and_toggle_commands() -> None:
    assert readme_update_commands() == [
        "uvx --with copier-template-extensions copier update --trust",
        "uvx --with copier-template-extensions copier update --trust --defaults -d enable_job_queue=true",
        "uvx --with copier-template-extensions copier update --trust --defaults -d enable_job_queue=false",
    ]


def test_turning_the_queue_on_equals_a_fresh_queue_copy(
    template_v1: Path, tmp_path: Path
) -> None:
    project = copy_and_commit(template_v1, tmp_path / "project", ANSWERS)

    toggled = run_readme_command(readme_update_commands()[1], project)

    assert toggled.returncode == 0, toggled.stderr
    fresh = render(
        template_v1,
        tmp_path / "fresh",
        {**ANSWERS, "enable_job_queue": True},
        vcs_ref="v1",
    )
    assert differences(tree(project), tree(fresh)) == []
    assert all((project / path).is_file() for path in QUEUE_FILES)


def test_turning_the_queue_off_removes_it_and_keeps_the_users_files(
    template_v1: Path, tmp_path: Path
) -> None:
    project = copy_and_commit(
        template_v1, tmp_path / "project", {**ANSWERS, "enable_job_queue": True}
    )
    own_file = project / PACKAGE / "tasks" / "monthly_digest.py"
    own_file.write_text('def monthly_report() -> str:\n    return "report"\n')
    commit_all(project, "a module of the user's own")
    toggled = run_readme_command(readme_update_commands()[2], project)

    assert toggled.returncode == 0, toggled.stderr
    assert not any((project / path).exists() for path in QUEUE_FILES)
    assert own_file.read_text() == 'def monthly_report() -> str:\n    return "report"\n'
    stub = (project / PACKAGE / "tasks" / "README.md").read_text()
    assert "copier update --trust --defaults -d enable_job_queue=true" in stub
    fresh = render(template_v1, tmp_path / "fresh", ANSWERS, vcs_ref="v1")
    assert differences(tree(project), tree(fresh)) == [
        f"{PACKAGE}/tasks/monthly_digest.py"
    ]
    # The user is told what went and what stayed.
    for path in QUEUE_FILES:
        assert f"- {path.as_posix()}" in toggled.stderr
    assert "were kept: monthly_digest.py" in toggled.stderr


def test_a_queue_off_project_mentions_no_queue_after_toggling_off(
    template_v1: Path, tmp_path: Path
) -> None:
    project = copy_and_commit(
        template_v1, tmp_path / "project", {**ANSWERS, "enable_job_queue": True}
    )

    update(project, enable_job_queue=False)

    queue_off = {**ANSWERS, "enable_job_queue": False}
    assert queue_off_problems(project, project_files(project), queue_off) == []


@pytest.mark.slow
@pytest.mark.long_running
@pytest.mark.parametrize(
    "enable_job_queue", [False, True], ids=["on-to-off", "off-to-on"]
)
def test_a_toggled_project_passes_its_own_suite_and_mypy(
    template_v1: Path, tmp_path: Path, enable_job_queue: bool
) -> None:
    before = {**ANSWERS, "enable_job_queue": not enable_job_queue}
    project = copy_and_commit(template_v1, tmp_path / "project", before)

    update(project, enable_job_queue=enable_job_queue)

    assert_suite_and_mypy_pass(
        project, tmp_path / "junit.xml", tmp_path / "mypy", processes=2
    )


# 4. The user's edits survive ---------------------------------------------------


def change_shared_files(template: Path) -> None:
    source = template / "template"
    edit(
        source / "src/{{ package_name }}/app.py.jinja",
        '"""The FastAPI application: `create_app()` wires settings, database and services."""',
        '"""The FastAPI application (v2): `create_app()` wires settings, database and services."""',
    )
    edit(source / "README.md.jinja", "## Install\n", "## Install (v2)\n")
    edit(
        source / "pyproject.toml.jinja",
        "line-length = 88",
        'line-length = 88\nsrc = ["src", "tests"]',
    )


def test_user_edits_merge_with_template_changes_to_other_lines(
    template_v1: Path, tmp_path: Path
) -> None:
    project = copy_and_commit(template_v1, tmp_path / "project", ANSWERS)
    app = project / PACKAGE / "app.py"
    edit(
        app,
        "    return app\n",
        '    app.state.started_by = "billing team"\n    return app\n',
    )
    (project / "README.md").write_text(
        (project / "README.md").read_text() + "\nOn call: #billing.\n"
    )
    edit(project / "pyproject.toml", 'version = "0.1.0"', 'version = "1.4.0"')
    commit_all(project, "the user's own changes")
    release(template_v1, "v2", change_shared_files)

    update(project)

    assert conflicted_files(project) == []
    assert 'app.state.started_by = "billing team"' in app.read_text()
    assert "The FastAPI application (v2)" in app.read_text()
    readme = (project / "README.md").read_text()
    assert "On call: #billing." in readme
    assert "## Install (v2)" in readme
    pyproject = (project / "pyproject.toml").read_text()
    assert 'version = "1.4.0"' in pyproject
    assert 'src = ["src", "tests"]' in pyproject


@pytest.fixture
def project_with_a_colliding_edit(template_v1: Path, tmp_path: Path) -> Path:
    """A project whose README heading the user changed, and a v2 that changes it too."""
    project = copy_and_commit(template_v1, tmp_path / "project", ANSWERS)
    edit(
        project / "README.md", "## Install\n", "## Installing on the billing cluster\n"
    )
    commit_all(project, "the user's own heading")
    release(template_v1, "v2", change_shared_files)
    return project


def test_colliding_edits_become_conflicts_never_silent_loss(
    project_with_a_colliding_edit: Path,
) -> None:
    project = project_with_a_colliding_edit

    update(project)

    readme = (project / "README.md").read_text()
    assert conflicted_files(project) == ["README.md"]
    assert "## Installing on the billing cluster" in readme
    assert "## Install (v2)" in readme


# 5. A renamed template file ----------------------------------------------------


ON_CALL_NOTE = "\nOn call: #billing.\n"


@pytest.fixture
def project_with_a_readme_note(template_v1: Path, tmp_path: Path) -> Path:
    """A project at v1 whose README the user extended and committed."""
    project = copy_and_commit(template_v1, tmp_path / "project", ANSWERS)
    readme = project / "README.md"
    readme.write_text(readme.read_text() + ON_CALL_NOTE)
    commit_all(project, "the user's own note")
    return project


def rename_readme_to_docs(template: Path) -> None:
    (template / "template" / "docs").mkdir()
    git("mv", "template/README.md.jinja", "template/docs/index.md.jinja", cwd=template)


def rename_readme_with_a_migration(template: Path) -> None:
    rename_readme_to_docs(template)
    migration = (
        "_migrations:\n"
        '  - version: "v2"\n'
        '    command: ["{{ _copier_python }}", "{{ _copier_conf.src_path }}/scripts/migrate.py",'
        ' "move", "README.md", "docs/index.md"]\n'
        "    when: \"{{ _stage == 'before' }}\"\n"
    )
    edit(template / "copier.yml", "_migrations: []\n", migration)


def test_a_migration_carries_edits_to_a_renamed_file(
    template_v1: Path, project_with_a_readme_note: Path
) -> None:
    project = project_with_a_readme_note
    release(template_v1, "v2", rename_readme_with_a_migration)

    update(project)

    assert not (project / "README.md").exists()
    moved = (project / "docs" / "index.md").read_text()
    # The edit arrives at the new path; copier marks the lines the new template
    # lacks for review, so nothing is dropped or merged silently.
    assert ON_CALL_NOTE.strip() in moved
    assert conflicted_files(project) == ["docs/index.md"]
    assert moved.count("<<<<<<< before updating") == 1


def test_without_the_migration_a_rename_would_drop_the_edits(
    template_v1: Path, project_with_a_readme_note: Path
) -> None:
    # Why the migration exists: copier alone deletes the old path, edits and all.
    project = project_with_a_readme_note
    release(template_v1, "v2", rename_readme_to_docs)

    update(project)

    assert ON_CALL_NOTE.strip() not in (project / "docs" / "index.md").read_text()


# 6. An answers file older than a question ----------------------------------------


def add_metrics_question(template: Path) -> None:
    edit(
        template / "copier.yml",
        "use_docker:\n",
        "enable_metrics:\n  type: bool\n  help: Expose Prometheus metrics?\n  default: false\n\nuse_docker:\n",
    )
    (
        template / "template" / "{% if enable_metrics %}METRICS.md{% endif %}.jinja"
    ).write_text("# Metrics\n")


def test_a_question_added_later_takes_its_default(
    template_v1: Path, tmp_path: Path
) -> None:
    project = copy_and_commit(template_v1, tmp_path / "project", ANSWERS)
    assert "enable_metrics" not in (project / ".copier-answers.yml").read_text()
    release(template_v1, "v2", add_metrics_question)

    update(project)

    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["enable_metrics"] is False
    assert not (project / "METRICS.md").exists()
    assert conflicted_files(project) == []


# 7. Files the user owns ------------------------------------------------------------


def test_env_is_written_once_and_never_overwritten(
    template_v1: Path, tmp_path: Path
) -> None:
    project = copy_and_commit(
        template_v1, tmp_path / "project", {**ANSWERS, "enable_job_queue": True}
    )
    env = project / ".env"
    assert re.search(r"^TASK_SIGNING_SECRET=\S{32,}$", env.read_text(), re.MULTILINE)
    env.write_text(env.read_text() + "LOG_LEVEL=DEBUG\n")
    mine = env.read_text()
    release(template_v1, "v2", add_support_section)

    update(project)
    commit_all(project, "updated to v2")
    update(project, enable_job_queue=False)

    assert env.read_text() == mine


# 8. Copy tasks ------------------------------------------------------------------------


def test_copy_tasks_initialise_git_and_lock_dependencies(
    template: Path, tmp_path: Path
) -> None:
    project = render(template, tmp_path / "project", ANSWERS, skip_tasks=False)

    assert git("rev-parse", "--is-inside-work-tree", cwd=project).strip() == "true"
    assert (project / "uv.lock").is_file()


def test_copy_tasks_are_idempotent(template: Path, tmp_path: Path) -> None:
    project = render(template, tmp_path / "project", ANSWERS, skip_tasks=False)
    lock = (project / "uv.lock").read_bytes()

    again = run_post_copy(project)

    assert again.returncode == 0, again.stderr
    assert again.stderr == ""
    assert (project / "uv.lock").read_bytes() == lock


def test_copy_tasks_fail_softly_without_network(template: Path, tmp_path: Path) -> None:
    project = render(template, tmp_path / "project", ANSWERS)

    offline = run_post_copy(
        project,
        UV_OFFLINE="1",
        UV_CACHE_DIR=str(tmp_path / "empty-cache"),
    )

    assert offline.returncode == 0
    assert "run `uv lock` later" in offline.stderr
    assert not (project / "uv.lock").exists()


def test_copy_tasks_name_a_python_version_that_is_not_installed(
    template: Path, tmp_path: Path
) -> None:
    project = render(
        template, tmp_path / "project", {**ANSWERS, "python_version": "3.14"}
    )

    offline = run_post_copy(
        project,
        # Only uv's own (here: no) interpreters, and a download that cannot succeed.
        UV_PYTHON_PREFERENCE="only-managed",
        UV_PYTHON_INSTALL_DIR=str(tmp_path / "no-pythons"),
        UV_PYTHON_DOWNLOADS="automatic",
        UV_PYTHON_INSTALL_MIRROR="http://127.0.0.1:9/unreachable",
    )

    assert offline.returncode == 0
    assert "Python 3.14 is not installed and uv could not download it" in offline.stderr
    assert "`uv python install 3.14`" in offline.stderr
    assert not (project / "uv.lock").exists()


def test_copy_tasks_can_be_skipped(template: Path, tmp_path: Path) -> None:
    project = render(template, tmp_path / "project", ANSWERS, skip_tasks=True)

    assert not (project / ".git").exists()
    assert not (project / "uv.lock").exists()


def run_post_copy(
    project: Path, **environment: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TEMPLATE_ROOT / "scripts" / "post_copy.py")],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, **environment},
    )


def test_copy_tasks_do_not_run_on_update(template_v1: Path, tmp_path: Path) -> None:
    project = copy_and_commit(template_v1, tmp_path / "project", ANSWERS)
    release(template_v1, "v2", add_support_section)

    update(project)

    # `uv lock` would have written uv.lock had the post-copy task run again.
    assert not (project / "uv.lock").exists()
    assert "Support" in (project / "README.md").read_text()


# 9. What the message after an update says ------------------------------------------


def update_message(project: Path, *arguments: str) -> str:
    """What `copier update --trust --defaults ...` prints, the run succeeding."""
    updated = run_copier(project, "update", "--trust", "--defaults", *arguments)
    assert updated.returncode == 0, updated.stderr
    return updated.stderr


def test_conflicts_are_listed_with_a_warning_not_to_commit_them(
    project_with_a_colliding_edit: Path,
) -> None:
    message = update_message(project_with_a_colliding_edit)

    assert "CONFLICTS" in message
    assert "\n  - README.md\n" in message
    assert "`git add -A && git commit`\nwould commit the markers" in message
    assert "Resolve the conflicts" in message
    assert "then commit.\n" in message.split("Resolve the conflicts")[1]


def test_a_clean_update_mentions_no_conflict(template_v1: Path, tmp_path: Path) -> None:
    project = copy_and_commit(template_v1, tmp_path / "project", ANSWERS)
    release(template_v1, "v2", add_support_section)

    message = update_message(project)

    assert "CONFLICTS" not in message
    assert "Review with `git status` and `git diff`" in message
    assert "uv lock" not in message  # pyproject.toml's dependencies did not change


def test_turning_the_queue_on_gives_the_env_lines_that_add_its_secrets(
    template_v1: Path, tmp_path: Path
) -> None:
    project = copy_and_commit(template_v1, tmp_path / "project", ANSWERS)
    assert "TASK_SIGNING_SECRET" not in (project / ".env").read_text()

    message = update_message(project, "-d", "enable_job_queue=true")

    commands = [line.strip() for line in message.splitlines() if ">> .env" in line]
    assert [command.split("=")[0] for command in commands] == [
        'echo "TASK_SIGNING_SECRET',
        'echo "REDIS_PASSWORD',  # the compose file's Redis (use_docker's default)
    ]
    assert "Dependencies changed: run `uv lock`" in message
    for command in commands:
        subprocess.run(["sh", "-c", command], cwd=project, check=True)
    env = (project / ".env").read_text()
    for name in ("TASK_SIGNING_SECRET", "REDIS_PASSWORD"):
        assert re.search(rf"^{name}=[A-Za-z0-9_-]{{32,}}$", env, re.MULTILINE)
        # The message holds the command that makes the secret, never a secret.
        assert f"{name}=$(python3 -c" in message
    commit_all(project, "queue on, secrets added")
    assert ">> .env" not in update_message(project)


def test_turning_the_queue_off_names_the_users_files_that_import_it(
    template_v1: Path, tmp_path: Path
) -> None:
    project = copy_and_commit(
        template_v1, tmp_path / "project", {**ANSWERS, "enable_job_queue": True}
    )
    own_test = project / "tests" / "test_digest.py"
    own_test.write_text(
        "from billing_api.config import get_settings\n"
        "from billing_api.tasks import send_welcome_email\n"
        "from billing_api.tasks.worker import worker\n"
    )
    commit_all(project, "a test of the user's own")

    message = update_message(project, "-d", "enable_job_queue=false")

    assert "import what the update removed" in message
    assert (
        "- tests/test_digest.py:2 imports billing_api.tasks.send_welcome_email"
        in message
    )
    assert "- tests/test_digest.py:3 imports billing_api.tasks.worker\n" in message
    assert "test_digest.py:1" not in message  # config is still there
    assert own_test.exists()
