"""Jinja extensions: what the template derives rather than asks.

* ``ContextUpdater`` adds derived names (``package_name``, ``project_title``) and the
  dependency requirements to every render context, so copier.yml and the rendered
  files share one definition.
* ``NamingExtension`` adds the naming filters and the Python-version globals the
  questions need.

The answer rules live in ``answers.py`` and the quoting filters in ``quoting.py``
(copier loads each file by path, so they cannot import one another).
Keep every function pure and cheap: copier renders the context many times.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from copier_template_extensions import ContextHook
from jinja2 import Environment
from jinja2.ext import Extension

SUPPORTED_PYTHON_VERSIONS: tuple[str, ...] = ("3.11", "3.12", "3.13", "3.14")
FALLBACK_PYTHON_VERSION = "3.13"

# One place for every dependency of the generated project. Lower bounds are the
# versions the template is tested with; upper bounds only where a major release
# is known to break the API the project uses (streaq 7 rewrote its API once already).
RUNTIME_DEPENDENCIES: dict[str, str] = {
    "beanie": ">=2.2,<3",
    "email-validator": ">=2.2",
    # max_body_size (request body limit), fastapi.sse, iter_route_contexts
    "fastapi": ">=0.165",
    "limits": ">=5.8",  # rate limits of sign-up and log-in
    # Traces (observability/tracing.py): exported over OTLP when OTEL_* asks.
    "opentelemetry-api": ">=1.45",
    "opentelemetry-exporter-otlp-proto-http": ">=1.45",
    "opentelemetry-instrumentation-fastapi": ">=0.66b1",
    "opentelemetry-instrumentation-pymongo": ">=0.66b1",
    "opentelemetry-sdk": ">=1.45",
    "prometheus-client": ">=0.23",  # GET /metrics (observability/metrics.py)
    "pwdlib[argon2]": ">=0.3",  # password hashes
    "pydantic-settings": ">=2.10",
    "pyjwt": ">=2.10",  # access tokens
    "pymongo": ">=4.14",
    "python-json-logger": ">=3.3",  # JSON log lines (observability/logs.py)
    "python-multipart": ">=0.0.20",  # the OAuth2 log-in form (POST /auth/token)
    "sentry-sdk": ">=2.40",  # error reports, only when SENTRY_DSN is set
    "tinymongo": ">=1.3.1",
    "typer": ">=0.20",
    "uvicorn[standard]": ">=0.35",
}
QUEUE_DEPENDENCIES: dict[str, str] = {
    "crontab": ">=1.0",  # parses the cleanup schedule (streaq uses it too)
    "httpx": ">=0.28",
    "opentelemetry-instrumentation-httpx": ">=0.66b1",
    "opentelemetry-instrumentation-redis": ">=0.66b1",
    "redis": ">=5.2",  # progress events over pub/sub (streaq itself uses coredis)
    "streaq[web]": ">=7.2,<8",
}
DEV_DEPENDENCIES: dict[str, str] = {
    "aiosmtpd": ">=1.4.6",
    "asgi-lifespan": ">=2.1",
    "httpx": ">=0.28",
    "hypothesis": ">=6.170",  # drives schemathesis in tests/test_api_schema.py
    "mypy": ">=1.18",
    # Parses the alert rules' PromQL in tests/test_operations_files.py.
    "promql-parser": ">=0.12",
    "pytest": ">=8.4",
    # `pytest -n auto`: the slow lane waits on worker processes, in parallel.
    "pytest-xdist": ">=3.8",
    # Reads the alert rules (tests/test_operations_files.py).
    "pyyaml": ">=6.0",
    "ruff": ">=0.14",
    "schemathesis": ">=4.32.5",  # 4.x API: as_transport_kwargs, validate_response
    "types-pyyaml": ">=6.0",
}
QUEUE_DEV_DEPENDENCIES: dict[str, str] = {
    # Drives a system Chromium (no browser download) for the dashboard test.
    "playwright": ">=1.50",
}
DOCKER_DEV_DEPENDENCIES: dict[str, str] = {
    # Reads the Dockerfile in tests/test_docker_image.py (no Docker engine needed).
    "dockerfile-parse": ">=2.0.1",
    # Reads the Kubernetes manifests in tests/tasks/test_autoscaling_triggers.py.
    "pyyaml": ">=6",
    "types-pyyaml": ">=6",
}


def package_name(slug: str) -> str:
    """The import name of the generated package: ``billing-api`` → ``billing_api``."""
    return slug.replace("-", "_")


def project_title(slug: str) -> str:
    """A display title from a slug: ``billing-api`` → ``Billing Api``."""
    return " ".join(part.capitalize() for part in slug.split("-"))


def default_python_version() -> str:
    """The Python copier runs on when the template supports it, else a safe default."""
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    return running if running in SUPPORTED_PYTHON_VERSIONS else FALLBACK_PYTHON_VERSION


def requirement(name: str, spec: str) -> str:
    """A PEP 508 requirement string: ``("fastapi", ">=1")`` → ``fastapi>=1``."""
    return f"{name}{spec}"


class NamingExtension(Extension):
    """The naming filters and the Python-version globals."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["package_name"] = package_name
        environment.filters["project_title"] = project_title
        environment.globals["default_python_version"] = default_python_version()
        environment.globals["supported_python_versions"] = list(
            SUPPORTED_PYTHON_VERSIONS
        )


def derived_context(answers: dict[str, Any]) -> dict[str, Any]:
    """Values computed from the answers, added to every render context."""
    slug = str(answers.get("project_slug") or "")
    runtime = dict(RUNTIME_DEPENDENCIES)
    dev = dict(DEV_DEPENDENCIES)
    if answers.get("enable_job_queue"):
        runtime.update(QUEUE_DEPENDENCIES)
        dev.update(QUEUE_DEV_DEPENDENCIES)
    if answers.get("use_docker"):
        dev.update(DOCKER_DEV_DEPENDENCIES)
    return {
        "copyright_year": str(date.today().year),
        "package_name": package_name(slug),
        "project_title": project_title(slug),
        "runtime_requirements": [
            requirement(name, spec) for name, spec in sorted(runtime.items())
        ],
        "dev_requirements": [
            requirement(name, spec) for name, spec in sorted(dev.items())
        ],
    }


class ContextUpdater(ContextHook):
    """Adds :func:`derived_context` to the context copier renders files with."""

    def hook(self, context: dict[str, Any]) -> None:
        context.update(derived_context(context))
