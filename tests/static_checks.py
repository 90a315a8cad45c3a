"""Checks a rendered project must pass without running it: one function per rule.

Each returns the problems it finds (empty when clean), so a failing test lists
every problem of a render at once instead of the first.
"""

import contextlib
import io
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from check_jsonschema.cli.main_command import main as check_jsonschema

from tests.answers import Answers
from tests.extension import derived

# Jinja openers that must never survive rendering. GitHub Actions' `${{` is not Jinja.
LEFTOVER_JINJA = re.compile(r"(?<!\$)\{\{|\{%|\{#")

# Words that must not appear in a queue-off project outside the stub README.
QUEUE_WORDS = re.compile(r"streaq|\bredis\b|REDIS_URL|\bworker\b", re.IGNORECASE)

CI_FILES = {
    "github": (".github/workflows/ci.yml", "vendor.github-workflows"),
    "gitlab": (".gitlab-ci.yml", "vendor.gitlab-ci"),
}


def expected_files(answers: Answers) -> dict[str, bool]:
    """Each path the answers decide on, and whether it must exist."""
    package = f"src/{derived(answers)['package_name']}"
    queue = bool(answers["enable_job_queue"])
    docker = bool(answers["use_docker"])
    ci = answers["ci_provider"]
    always = [
        ".copier-answers.yml",
        ".dockerignore",
        ".env",
        ".env.example",
        ".gitignore",
        ".python-version",
        "LICENSE",
        "README.md",
        "pyproject.toml",
        f"{package}/__init__.py",
        f"{package}/__main__.py",
        f"{package}/api/errors.py",
        f"{package}/api/health.py",
        f"{package}/api/users.py",
        f"{package}/app.py",
        f"{package}/cli.py",
        f"{package}/config.py",
        f"{package}/db.py",
        f"{package}/doctor.py",
        f"{package}/models/user.py",
        f"{package}/services/email.py",
        f"{package}/tasks/README.md",
        f"{package}/tasks/__init__.py",
        "tests/conftest.py",
        "tests/test_cli.py",
        "tests/test_database_outage.py",
        "tests/test_users.py",
    ]
    return {
        **dict.fromkeys(always, True),
        **dict.fromkeys(queue_only_files(package), queue),
        "tests/test_api_schema.py": True,
        "Dockerfile": docker,
        "tests/test_docker_image.py": docker,
        "compose.yaml": docker,
        ".github/workflows/ci.yml": ci == "github",
        ".gitlab-ci.yml": ci == "gitlab",
    }


def queue_only_files(package: str) -> list[str]:
    """The files the template renders only with the job queue on."""
    return [
        f"{package}/api/tasks.py",
        f"{package}/models/task_records.py",
        f"{package}/tasks/context.py",
        f"{package}/tasks/cron.py",
        f"{package}/tasks/dashboard.py",
        f"{package}/tasks/diagnostics.py",
        f"{package}/tasks/emails.py",
        f"{package}/tasks/health.py",
        f"{package}/tasks/idempotency.py",
        f"{package}/tasks/lifespan.py",
        f"{package}/tasks/maintenance.py",
        f"{package}/tasks/progress.py",
        f"{package}/tasks/reports.py",
        f"{package}/tasks/robust.py",
        f"{package}/tasks/runner.py",
        f"{package}/tasks/worker.py",
        "tests/queue/__init__.py",
        "tests/queue/conftest.py",
        "tests/queue/helpers.py",
        "tests/queue/test_abort_and_timeouts.py",
        "tests/queue/test_cron_runs.py",
        "tests/queue/test_dashboard.py",
        "tests/queue/test_graceful_shutdown.py",
        "tests/queue/test_idempotent_email.py",
        "tests/queue/test_priorities.py",
        "tests/queue/test_progress_events.py",
        "tests/queue/test_redis_outage.py",
        "tests/queue/test_robust_tasks.py",
        "tests/queue/test_scheduling.py",
        "tests/queue/test_signing_and_context.py",
        "tests/queue/test_worker_crash.py",
        "tests/redis_server.py",
        "tests/test_task_guide.py",
        "tests/test_tasks.py",
        "tests/workers.py",
    ]


def file_layout_problems(project: Path, answers: Answers) -> list[str]:
    return [
        f"{path} should {'exist' if wanted else 'not exist'}"
        for path, wanted in expected_files(answers).items()
        if (project / path).is_file() != wanted
    ]


def leftover_jinja_problems(project: Path, files: list[Path]) -> list[str]:
    problems = []
    for relative in files:
        if relative.suffix == ".jinja" or LEFTOVER_JINJA.search(str(relative)):
            problems.append(f"{relative}: unrendered template name")
            continue
        text = (project / relative).read_text(errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if LEFTOVER_JINJA.search(line):
                problems.append(f"{relative}:{number}: leftover Jinja: {line.strip()}")
    return problems


def compile_problems(project: Path, files: list[Path]) -> list[str]:
    problems = []
    for relative in files:
        if relative.suffix == ".py":
            try:
                compile((project / relative).read_text(), str(relative), "exec")
            except SyntaxError as error:
                problems.append(f"{relative}: {error}")
    return problems


def ruff_problems(project: Path) -> list[str]:
    """`ruff check` and `ruff format --check` with the project's own settings."""
    problems = []
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
            cwd=project,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            problems.append(
                f"ruff {' '.join(command)}:\n{result.stdout}{result.stderr}"
            )
    return problems


def schema_problems(path: Path, builtin_schema: str) -> list[str]:
    """Validate a file against one of check-jsonschema's bundled schemas."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            code = check_jsonschema.main(
                args=["--builtin-schema", builtin_schema, str(path)],
                standalone_mode=False,
            )
        except SystemExit as exit_:
            code = exit_.code
    return (
        [] if code == 0 else [f"{path.name} ({builtin_schema}):\n{output.getvalue()}"]
    )


def config_file_problems(project: Path, answers: Answers) -> list[str]:
    """pyproject and the answers file parse and say what was asked; CI and compose
    files validate against their published schemas."""
    problems = []
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    if pyproject["project"]["requires-python"] != f">={answers['python_version']}":
        problems.append("pyproject.toml: requires-python does not match the answer")
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    for name, value in answers.items():
        if recorded.get(name) != value:
            problems.append(f".copier-answers.yml: {name}={recorded.get(name)!r}")
    if "_commit" not in recorded or "_src_path" not in recorded:
        problems.append(".copier-answers.yml: no _commit/_src_path for updates")
    if answers["ci_provider"] in CI_FILES:
        name, schema = CI_FILES[answers["ci_provider"]]
        problems += schema_problems(project / name, schema)
    if answers["use_docker"]:
        problems += schema_problems(project / "compose.yaml", "vendor.compose-spec")
        services = set(
            yaml.safe_load((project / "compose.yaml").read_text())["services"]
        )
        wanted = {"api", "mongo"} | (
            {"redis", "worker"} if answers["enable_job_queue"] else set()
        )
        if services != wanted:
            problems.append(
                f"compose.yaml services {sorted(services)} != {sorted(wanted)}"
            )
    return problems


def queue_off_problems(project: Path, files: list[Path], answers: Answers) -> list[str]:
    """With the queue off, nothing but the stub README may mention it."""
    if answers["enable_job_queue"]:
        return []
    stub = Path("src", derived(answers)["package_name"], "tasks", "README.md")
    problems = []
    for relative in files:
        if relative == stub:
            continue
        for number, line in enumerate((project / relative).read_text().splitlines(), 1):
            if QUEUE_WORDS.search(line):
                problems.append(
                    f"{relative}:{number}: mentions the queue: {line.strip()}"
                )
    return problems
