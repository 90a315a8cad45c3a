"""The template's extension: derived names, answer rules, quoting, versions."""

import re
import subprocess
import sys
import tomllib

import jinja2
import pytest

from tests.extension import context, derived


@pytest.mark.parametrize(
    ("slug", "package", "title"),
    [
        ("billing-api", "billing_api", "Billing Api"),
        ("orders", "orders", "Orders"),
        ("a1-b2-c3", "a1_b2_c3", "A1 B2 C3"),
    ],
)
def test_names_are_derived_from_the_slug(slug: str, package: str, title: str) -> None:
    assert context.package_name(slug) == package
    assert context.project_title(slug) == title


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Billing API", "billing-api"),
        ("  Billing   API!! v2 ", "billing-api-v2"),
        ("123 Orders", "orders"),
        ("Ünïcode Service", "unicode-service"),
        ("The Accounts Receivable Billing Service", "the-accounts-receivable"),
        ("Accounts Receivable Billing Platform", "accounts-receivable-billing"),
        (
            "Supercalifragilisticexpialidocious Service",
            "supercalifragilisticexpialidoc",
        ),
    ],
)
def test_the_default_slug_comes_from_the_name(name: str, slug: str) -> None:
    assert context.slugify(name) == slug


@pytest.mark.parametrize("slug", ["billing-api", "orders", "api2", "a-b-c"])
def test_valid_slugs_pass(slug: str) -> None:
    assert context.slug_problem(slug) == ""


@pytest.mark.parametrize(
    ("slug", "rule"),
    [
        ("", "required"),
        ("Billing", "lowercase letter"),
        ("-billing", "start with a lowercase letter"),
        ("billing-", "not ending in a dash"),
        ("bill--ing", "single dashes"),
        ("asyncio", "standard library"),
        ("email-validator", "would shadow 'email_validator'"),
        ("tests", "would shadow 'tests'"),
        ("a" * 31, "keep the slug to 30 or fewer"),
    ],
)
def test_invalid_slugs_name_the_rule(slug: str, rule: str) -> None:
    assert rule in context.slug_problem(slug)


@pytest.mark.parametrize("email", ["jane@example.com", "a.b+c@mail.example.org"])
def test_valid_emails_pass(email: str) -> None:
    assert context.email_problem(email) == ""


@pytest.mark.parametrize("email", ["", "jane", "jane@", "@example.com", "jane@example"])
def test_invalid_emails_are_refused(email: str) -> None:
    assert "is not an email address" in context.email_problem(email)


ANSWERS_WITH_QUOTES = [
    "Billing API",
    'The "best" API',
    "Jane's API",
    "back\\slash",
    "a 'b' \"c\" d",
]


@pytest.mark.parametrize("text", ANSWERS_WITH_QUOTES)
def test_python_strings_hold_any_answer_and_are_already_formatted(text: str) -> None:
    source = f"VALUE = {context.python_string(text)}\n"
    namespace: dict[str, object] = {}
    exec(source, namespace)
    assert namespace["VALUE"] == text
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert formatted == source


@pytest.mark.parametrize("text", ANSWERS_WITH_QUOTES)
def test_toml_strings_hold_any_answer(text: str) -> None:
    assert tomllib.loads(f"value = {context.toml_string(text)}")["value"] == text


def test_the_default_python_is_the_running_one_when_supported() -> None:
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    expected = (
        running
        if running in context.SUPPORTED_PYTHON_VERSIONS
        else context.FALLBACK_PYTHON_VERSION
    )
    assert context.default_python_version() == expected


def test_queue_dependencies_come_only_with_the_queue() -> None:
    without = context.derived_context(
        {"project_slug": "billing-api", "enable_job_queue": False}
    )
    with_queue = context.derived_context(
        {"project_slug": "billing-api", "enable_job_queue": True}
    )

    assert not any("streaq" in r for r in without["runtime_requirements"])
    assert "streaq[web]>=7.2,<8" in with_queue["runtime_requirements"]
    assert set(without["runtime_requirements"]) < set(
        with_queue["runtime_requirements"]
    )


def requirement_names(requirements: list[str]) -> set[str]:
    """`["redis>=5.2", "streaq[web]>=7.2,<8"]` → `{"redis", "streaq"}`."""
    return {re.split(r"[\[<>=!~;\s]", line, maxsplit=1)[0] for line in requirements}


@pytest.mark.parametrize("enable_job_queue", [False, True], ids=["off", "on"])
def test_queue_only_requirements_follow_the_queue(enable_job_queue: bool) -> None:
    values = derived(
        {"project_name": "Billing API", "enable_job_queue": enable_job_queue}
    )

    dev = requirement_names(values["dev_requirements"])
    runtime = requirement_names(values["runtime_requirements"])
    assert ("playwright" in dev) is enable_job_queue
    assert "playwright" not in runtime
    assert ("redis" in runtime) is enable_job_queue
    assert ("crontab" in runtime) is enable_job_queue


@pytest.mark.parametrize("use_docker", [False, True], ids=["no-docker", "docker"])
def test_docker_only_requirements_follow_the_docker_answer(use_docker: bool) -> None:
    values = derived({"project_name": "Billing API", "use_docker": use_docker})

    dev = requirement_names(values["dev_requirements"])
    runtime = requirement_names(values["runtime_requirements"])
    assert ("dockerfile-parse" in dev) is use_docker
    assert "dockerfile-parse" not in runtime


def test_every_render_gets_the_schema_fuzzer() -> None:
    for answers in (
        {"project_name": "Billing API", "enable_job_queue": False, "use_docker": False},
        {"project_name": "Billing API", "enable_job_queue": True, "use_docker": True},
    ):
        dev = requirement_names(derived(answers)["dev_requirements"])
        assert {"schemathesis", "hypothesis"} <= dev


def test_every_dependency_is_pinned_to_a_lower_bound() -> None:
    for table in (
        context.RUNTIME_DEPENDENCIES,
        context.QUEUE_DEPENDENCIES,
        context.DEV_DEPENDENCIES,
        context.QUEUE_DEV_DEPENDENCIES,
        context.DOCKER_DEV_DEPENDENCIES,
    ):
        for name, spec in table.items():
            assert spec.startswith(">="), name


def test_the_hook_adds_derived_names_to_the_render_context() -> None:
    render_context = {"project_slug": "billing-api", "enable_job_queue": True}

    context.ContextUpdater(jinja2.Environment()).hook(render_context)

    assert render_context["package_name"] == "billing_api"
    assert str(render_context["copyright_year"]).isdigit()
