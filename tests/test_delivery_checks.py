"""The delivery checks the render matrix runs find what they are there to find.

Each is fed a small project with the faults the security review found in the
old workflow, Dockerfile and compose file; a linter that ran nothing, or ran on
no file, would pass them.
"""

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.static_checks import (
    actionlint_problems,
    compose_problems,
    env_secret_problems,
    hadolint_problems,
    zizmor_problems,
)

# The workflow as it was: no permissions block, the checkout token kept in
# .git/config, actions by movable tag on the retired Node 20 runtime, a plain sync.
OLD_WORKFLOW = """\
name: CI
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: astral-sh/setup-uv@v6
      - run: uv sync
      - run: echo $GREETING
"""

OLD_DOCKERFILE = """\
FROM python:latest
RUN useradd --uid 10001 app
USER app
CMD ["python"]
"""

OLD_COMPOSE = """\
services:
  api:
    build: .
    ports:
      - "8000:8000"
    environment:
      MONGODB_URL: mongodb://root:${MONGO_ROOT_PASSWORD}@mongo:27017
  mongo:
    image: mongo:8
"""


def project_with(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_zizmor_finds_broad_permissions_a_kept_token_and_unpinned_actions(
    tmp_path: Path,
) -> None:
    project = project_with(tmp_path, {".github/workflows/ci.yml": OLD_WORKFLOW})

    [report] = zizmor_problems(project)

    for audit in ("excessive-permissions", "artipacked", "unpinned-uses"):
        assert audit in report


def test_actionlint_finds_a_retired_node_runtime_and_an_unquoted_variable(
    tmp_path: Path,
) -> None:
    project = project_with(tmp_path, {".github/workflows/ci.yml": OLD_WORKFLOW})

    [report] = actionlint_problems(project)

    assert '"node20" is deprecated' in report
    assert "SC2086" in report  # shellcheck, run by actionlint on `run:` scripts


def test_hadolint_finds_a_latest_tag_and_a_user_given_by_name(
    tmp_path: Path,
) -> None:
    project = project_with(tmp_path, {"Dockerfile": OLD_DOCKERFILE})

    [report] = hadolint_problems(project)

    assert "DL3007" in report  # FROM ...:latest
    assert "DL3066" in report  # USER app: a name the host may not resolve


def test_a_hadolint_config_in_the_project_is_honoured(tmp_path: Path) -> None:
    project = project_with(
        tmp_path,
        {
            "Dockerfile": OLD_DOCKERFILE,
            ".hadolint.yaml": "ignored:\n  - DL3007\n  - DL3066\n",
        },
    )

    assert hadolint_problems(project) == []


@pytest.mark.parametrize(
    "check", [zizmor_problems, actionlint_problems, hadolint_problems]
)
def test_a_project_without_the_file_has_nothing_to_lint(
    tmp_path: Path, check: Callable[[Path], list[str]]
) -> None:
    assert check(tmp_path) == []


def test_compose_problems_name_open_ports_missing_restarts_and_optional_variables(
    tmp_path: Path,
) -> None:
    project = project_with(tmp_path, {"compose.yaml": OLD_COMPOSE, ".env": ""})

    assert compose_problems(project) == [
        "compose.yaml: api has no restart policy",
        "compose.yaml: api publishes '8000:8000' on every interface",
        "compose.yaml: mongo has no restart policy",
        "compose.yaml: mongo is not started as a replica set (--replSet)",
        "compose.yaml: ${MONGO_ROOT_PASSWORD} must be required with a message"
        " (${MONGO_ROOT_PASSWORD:?set MONGO_ROOT_PASSWORD in .env})",
        "compose.yaml reads MONGO_ROOT_PASSWORD, which .env lacks",
    ]


def test_compose_problems_name_a_url_that_misses_the_replica_set(
    tmp_path: Path,
) -> None:
    compose = """\
services:
  api:
    restart: unless-stopped
    environment:
      MONGODB_URL: mongodb://mongo:27017/?authSource=admin
  worker:
    restart: unless-stopped
    environment:
      MONGODB_URL: mongodb://mongo:27017/?replicaSet=rs0
  mongo:
    restart: unless-stopped
    command: mongod --replSet rs0
"""
    project = project_with(tmp_path, {"compose.yaml": compose, ".env": ""})

    assert compose_problems(project) == [
        "compose.yaml: api's MONGODB_URL does not name replicaSet=rs0"
    ]


# A value of the form random_secret() writes.
RANDOM = "r" * 43


def test_env_secret_problems_name_a_placeholder_secret_and_a_shown_value(
    tmp_path: Path,
) -> None:
    project = project_with(
        tmp_path,
        {
            ".env": f"TOKEN_SECRET={RANDOM}\nMONGO_ROOT_PASSWORD=change-me\n",
            ".env.example": "TOKEN_SECRET=\nMONGO_ROOT_PASSWORD=hunter2\n",
        },
    )
    answers = {"enable_job_queue": False, "use_docker": True}

    assert env_secret_problems(project, answers) == [
        ".env: MONGO_ROOT_PASSWORD is not a random secret",
        ".env.example: MONGO_ROOT_PASSWORD=hunter2 gives a secret a value",
    ]
