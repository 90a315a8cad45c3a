"""Jinja extensions the template loads by file path (copier-template-extensions).

Everything the template derives rather than asks lives here, so copier.yml and
the rendered files share one definition:

* ``ContextUpdater`` adds derived names (``package_name``, ``project_title``) and the
  dependency versions (``versions``) to every render context.
* ``NamingExtension`` adds the naming filters and the globals the questions need
  (the Python copier runs on, the slug rules).

Keep every function pure and cheap: copier renders the context many times.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
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
    "fastapi": ">=0.135",  # fastapi.sse (Server-Sent Events)
    "pydantic-settings": ">=2.10",
    "pymongo": ">=4.14",
    "tinymongo": ">=1.3.1",
    "typer": ">=0.20",
    "uvicorn[standard]": ">=0.35",
}
QUEUE_DEPENDENCIES: dict[str, str] = {
    "crontab": ">=1.0",  # parses the cleanup schedule (streaq uses it too)
    "httpx": ">=0.28",
    "redis": ">=5.2",  # progress events over pub/sub (streaq itself uses coredis)
    "streaq[web]": ">=7.2,<8",
}
DEV_DEPENDENCIES: dict[str, str] = {
    "aiosmtpd": ">=1.4.6",
    "asgi-lifespan": ">=2.1",
    "httpx": ">=0.28",
    "hypothesis": ">=6.170",  # drives schemathesis in tests/test_api_schema.py
    "mypy": ">=1.18",
    "pytest": ">=8.4",
    "ruff": ">=0.14",
    "schemathesis": ">=4.32.5",  # 4.x API: as_transport_kwargs, validate_response
}
QUEUE_DEV_DEPENDENCIES: dict[str, str] = {
    # Drives a system Chromium (no browser download) for the dashboard test.
    "playwright": ">=1.50",
}
DOCKER_DEV_DEPENDENCIES: dict[str, str] = {
    # Reads the Dockerfile in tests/test_docker_image.py (no Docker engine needed).
    "dockerfile-parse": ">=2.0.1",
}

# Long enough for a descriptive name; short enough that every line of the rendered
# code that names the package stays within the formatter's 88 columns.
MAX_SLUG_LENGTH = 30

SLUG_PATTERN = re.compile(r"^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$")

# Package names that would shadow something the generated project imports: its
# dependencies (by import name), the test tooling, and names that confuse tools.
RESERVED_PACKAGE_NAMES: frozenset[str] = frozenset(
    {
        "aiosmtpd",
        "anyio",
        "asgi_lifespan",
        "beanie",
        "bson",
        "coredis",
        "crontab",
        "dockerfile_parse",
        "email_validator",
        "fastapi",
        "httpx",
        "hypothesis",
        "mypy",
        "playwright",
        "pydantic",
        "pydantic_settings",
        "pymongo",
        "pytest",
        "redis",
        "ruff",
        "schemathesis",
        "src",
        "starlette",
        "streaq",
        "test",
        "tests",
        "tinymongo",
        "typer",
        "uvicorn",
    }
)


def package_name(slug: str) -> str:
    """The import name of the generated package: ``billing-api`` → ``billing_api``."""
    return slug.replace("-", "_")


def project_title(slug: str) -> str:
    """A display title from a slug: ``billing-api`` → ``Billing Api``."""
    return " ".join(part.capitalize() for part in slug.split("-"))


def slugify(name: str) -> str:
    """The default slug for a project name: ``Billing API!`` → ``billing-api``."""
    # Accents are dropped rather than the letters: "Ünïcode" → "unicode".
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return shorten_slug(re.sub(r"^[^a-z]+", "", slug))


def shorten_slug(slug: str) -> str:
    """Whole words of ``slug`` up to the length limit (cut mid-word only if one
    word alone is too long)."""
    shortened = ""
    for word in slug.split("-"):
        candidate = f"{shortened}-{word}" if shortened else word
        if len(candidate) > MAX_SLUG_LENGTH:
            break
        shortened = candidate
    return shortened or slug[:MAX_SLUG_LENGTH]


def slug_problem(slug: str) -> str:
    """Why ``slug`` is refused, or an empty string when it is a valid slug.

    Copier shows a non-empty validator result as the error, so each message names
    the rule that failed and how to fix the answer.
    """
    if not slug:
        return "The project slug is required, e.g. billing-api."
    if not SLUG_PATTERN.fullmatch(slug):
        return (
            f"'{slug}' is not a valid slug: start with a lowercase letter and use only "
            "lowercase letters, digits and single dashes, not ending in a dash "
            "(e.g. billing-api)."
        )
    if len(slug) > MAX_SLUG_LENGTH:
        return (
            f"'{slug}' is {len(slug)} characters long: keep the slug to "
            f"{MAX_SLUG_LENGTH} or fewer (e.g. {shorten_slug(slug)})."
        )
    name = package_name(slug)
    if name in sys.stdlib_module_names:
        return (
            f"The package name '{name}' would shadow the Python standard library "
            f"module '{name}'; choose another slug (e.g. {slug}-service)."
        )
    if name in RESERVED_PACKAGE_NAMES:
        return (
            f"The package name '{name}' would shadow '{name}', which the generated "
            "project or its tooling imports; choose another slug "
            f"(e.g. {slug}-service)."
        )
    return ""


EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def email_problem(email: str) -> str:
    """Why ``email`` is refused as the author's address, or an empty string."""
    if EMAIL_PATTERN.fullmatch(email):
        return ""
    return f"'{email}' is not an email address; answer like jane@example.com."


def default_python_version() -> str:
    """The Python copier runs on when the template supports it, else a safe default."""
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    return running if running in SUPPORTED_PYTHON_VERSIONS else FALLBACK_PYTHON_VERSION


def toml_string(text: str) -> str:
    """A TOML basic string holding ``text``, whatever quotes or backslashes it has."""
    return json.dumps(text, ensure_ascii=False)


def python_string(text: str) -> str:
    """A Python string literal for ``text``, quoted the way ``ruff format`` would.

    ruff prefers double quotes unless single quotes need fewer escapes, so the
    rendered file is already formatted whatever the answer contains.
    """
    quote = "'" if text.count('"') > text.count("'") else '"'
    escaped = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return f"{quote}{escaped}{quote}"


def requirement(name: str, spec: str) -> str:
    """A PEP 508 requirement string: ``("fastapi", ">=1")`` → ``fastapi>=1``."""
    return f"{name}{spec}"


class NamingExtension(Extension):
    """Filters and globals used by copier.yml questions and by the rendered files."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["package_name"] = package_name
        environment.filters["project_title"] = project_title
        environment.filters["slugify"] = slugify
        environment.filters["slug_problem"] = slug_problem
        environment.filters["email_problem"] = email_problem
        environment.filters["toml_string"] = toml_string
        environment.filters["python_string"] = python_string
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
