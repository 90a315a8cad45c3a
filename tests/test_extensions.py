"""The template's extension: derived names, answer rules, quoting, versions."""

import keyword
import re
import subprocess
import sys
import tomllib
import unicodedata
from pathlib import Path

import jinja2
import pytest

from tests.answers import email_validator_accepts
from tests.extension import answer_rules, context, derived, quoting


@pytest.mark.parametrize(
    ("slug", "package", "title"),
    [
        ("billing-api", "billing_api", "Billing Api"),
        ("orders", "orders", "Orders"),
        ("a1-b2-c3", "a1_b2_c3", "A1 B2 C3"),
    ],
)
def test_names_are_derived_from_the_slug(slug: str, package: str, title: str) -> None:
    assert answer_rules.package_name(slug) == package
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
    assert answer_rules.slugify(name) == slug


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        # Mostly another script, or no letters: the neutral default, never "".
        ("Биллинг", "my-service"),
        ("账单服务", "my-service"),
        ("الفواتير", "my-service"),
        ("🚀🚀", "my-service"),
        ("2024", "my-service"),
        # Not a meaningless fragment of stray Latin letters.
        ("Λογαριασμοί API", "my-service"),
        ("Служба API v2", "my-service"),
        ("Ωmega", "my-service"),
        # Mostly Latin: the Latin words make the slug.
        ("Billing API (账单)", "billing-api"),
        # Latin letters Unicode does not decompose are transliterated.
        ("Straße Service", "strasse-service"),
        ("Łódź Billing", "lodz-billing"),
        ("Ærø Ferries", "aero-ferries"),
        # A slug the rules refuse gets a suffix the rules accept.
        ("JSON", "json-service"),
        ("Class", "class-service"),
        ("Import", "import-service"),
        ("Test", "test-service"),
        ("FastAPI", "fastapi-service"),
    ],
)
def test_every_name_gets_a_default_slug_the_rules_accept(name: str, slug: str) -> None:
    assert answer_rules.slugify(name) == slug
    assert answer_rules.slug_problem(slug) == ""


@pytest.mark.parametrize("slug", ["billing-api", "orders", "api2", "a-b-c"])
def test_valid_slugs_pass(slug: str) -> None:
    assert answer_rules.slug_problem(slug) == ""


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
    assert rule in answer_rules.slug_problem(slug)


# Every keyword a lowercase slug can spell (True/False/None cannot).
LOWERCASE_KEYWORDS = [word for word in keyword.kwlist if word.islower()]


@pytest.mark.parametrize("slug", LOWERCASE_KEYWORDS)
def test_keyword_slugs_are_refused_with_a_fix(slug: str) -> None:
    problem = answer_rules.slug_problem(slug)

    assert "is a Python keyword" in problem
    assert f"e.g. {slug}-service" in problem
    assert answer_rules.slug_problem(f"{slug}-service") == ""


def test_a_package_name_that_is_not_an_identifier_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The slug pattern already keeps such names out; this rule is the guard if
    # the pattern is ever loosened (a slug with a dot, or non-ASCII letters).
    monkeypatch.setattr(answer_rules, "SLUG_PATTERN", re.compile(r"^[a-z.]+$"))

    assert "is not a Python identifier" in answer_rules.slug_problem("billing.api")


@pytest.mark.parametrize(
    "email",
    [
        "jane@example.com",
        "a.b+c@mail.example.org",
        "o'brien@example.co.uk",
        "x!#$%&'*+/=?^_`{|}~-@sub-domain.example.com",
        "Jane.Doe@EXAMPLE.COM",
        f"{'a' * 64}@example.com",
    ],
)
def test_valid_emails_pass(email: str) -> None:
    assert answer_rules.email_problem(email) == ""
    assert email_validator_accepts(email)


@pytest.mark.parametrize(
    ("email", "rule"),
    [
        ("", "needs a name, an @ and a domain"),
        ("jane", "needs a name, an @ and a domain"),
        ("jane@", "needs a name, an @ and a domain"),
        ("@example.com", "needs a name, an @ and a domain"),
        ("jane@example", "needs a dot and a top-level domain"),
        ("bob@example..com", "no empty name"),
        ("bob@.example.com", "no empty name"),
        ("bob@example.com.", "no empty name"),
        ("bob..smith@example.com", "single dots"),
        (".bob@example.com", "not at either end"),
        ("bob.@example.com", "not at either end"),
        ("bob smith@example.com", "may hold only"),
        ('"bob"@example.com', "may hold only"),
        ("bob@@example.com", "may hold only"),
        ("bob@-example.com", "no hyphen at either end"),
        ("bob@example-.com", "no hyphen at either end"),
        ("bob@exa_mple.com", "letters, digits and hyphens"),
        ("bob@example.123", "must be letters only"),
        ("bob@ab--cd.com", "reserved for internationalized (punycode) names"),
        ("bob@host.localhost", "special-use domain"),
        ("bob@mail.local", "special-use domain"),
        ("bob@site.test", "special-use domain"),
        ("bob@x.onion", "special-use domain"),
        ("bob@10.in-addr.arpa", "special-use domain"),
        ("bob@nowhere.invalid", "special-use domain"),
        (f"bob@{'a' * 64}.com", "to 63 characters"),
        (f"b@{'a.' * 126}com", "keep the domain to 253 characters"),
        (f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 60}.com", "keep it to 254"),
        ("Jane <jane@example.com>", "may hold only"),
    ],
)
def test_invalid_emails_are_refused_as_email_validator_refuses_them(
    email: str, rule: str
) -> None:
    problem = answer_rules.email_problem(email)

    assert "is not an email address" in problem
    assert rule in problem
    assert "e.g. jane@example.com" in problem
    assert not email_validator_accepts(email)


@pytest.mark.parametrize(
    ("email", "rule"),
    [
        # RFC 5321's limit; email-validator checks it only in its strict mode.
        (f"{'a' * 65}@example.com", "to 64 characters"),
        # Every top-level domain is letters (or xn--, refused below).
        ("bob@example.c0m", "must be letters only"),
    ],
)
def test_the_template_is_stricter_than_email_validator_on_purpose(
    email: str, rule: str
) -> None:
    assert rule in answer_rules.email_problem(email)
    assert email_validator_accepts(email)


@pytest.mark.parametrize(
    "email",
    [
        "jané@example.com",
        "jane@exämple.com",
        "jane@xn--exmple-cua.com",
        "ω@example.com",
    ],
)
def test_internationalized_addresses_are_refused_though_email_validator_takes_them(
    email: str,
) -> None:
    # The documented difference: without email-validator at copy time the template
    # cannot check IDNA, so it takes plain ASCII addresses only.
    assert email_validator_accepts(email)
    problem = answer_rules.email_problem(email)
    assert "only plain ASCII" in problem or "punycode" in problem


# What a one-line answer must not hold: each breaks a TOML string, the package
# metadata, a Python literal or how the rest of the line displays.
NOT_ONE_LINE = {
    "\n": "a line break",
    "\r": "a line break",
    "\x0b": "a line break",
    "\x0c": "a line break",
    "\x85": "a line break",
    "\t": "a tab",
    "\x00": "a control character",
    "\x1b": "a control character",
    "\x7f": "a control character",
    "\u2028": "a line separator",
    "\u2029": "a paragraph separator",
    "\u202e": "a bidirectional override",
    "\u2067": "a bidirectional override",
    "\udcff": "an unpaired surrogate",
}

ONE_LINE_RULES = {
    "project name": lambda text: answer_rules.text_problem(text, "project name", "X"),
    "author name": lambda text: answer_rules.text_problem(text, "author name", "X"),
    "project description": answer_rules.description_problem,
    "project slug": answer_rules.slug_problem,
    "author email": answer_rules.email_problem,
}


@pytest.mark.parametrize("question", ONE_LINE_RULES)
@pytest.mark.parametrize(
    "char", NOT_ONE_LINE, ids=[f"U+{ord(c):04X}" for c in NOT_ONE_LINE]
)
def test_one_line_answers_refuse_line_breaks_and_control_characters(
    question: str, char: str
) -> None:
    answer = f"billing{char}api@example.com"

    problem = ONE_LINE_RULES[question](answer)

    assert f"The {question} must be a single line of plain text" in problem
    assert NOT_ONE_LINE[char] in problem
    assert f"U+{ord(char):04X}" in problem
    assert "remove it" in problem


@pytest.mark.parametrize(
    "text",
    ["Billing API", "Zoë O'Brien", "Биллинг", "👨\u200d👩\u200d👧 Family", "a\u00a0b"],
)
def test_one_line_answers_keep_any_script_emoji_and_joiners(text: str) -> None:
    assert answer_rules.one_line_problem(text, "project name") == ""


@pytest.mark.parametrize("text", ["", " ", "\u3000", "\u200b", "\u00a0\u200b "])
def test_answers_that_show_nothing_are_blank(text: str) -> None:
    assert (
        "is required and cannot be blank, e.g. Jane Doe"
        in answer_rules.text_problem(text, "author name", "Jane Doe")
    )


@pytest.mark.parametrize("text", [" Bills customers.", "Bills customers. ", "\u3000x"])
def test_a_description_with_surrounding_spaces_is_refused(text: str) -> None:
    assert "cannot start or end with spaces" in answer_rules.description_problem(text)


ANSWERS_WITH_QUOTES = [
    "Billing API",
    'The "best" API',
    "Jane's API",
    "back\\slash",
    "a 'b' \"c\" d",
]


# Text ruff flags in a Python string or docstring unless it is escaped: letters that
# look like Latin ones (alone or in words made only of such letters), dashes,
# spaces, fullwidth and dotless letters.
AMBIGUOUS_ANSWERS = [
    "\u0412 \u0441\u0435\u0440\u0432\u0438\u0441",  # Cyrillic Ve alone, then a word
    "\u0412\u0430\u0441\u0430",  # a Cyrillic word of Latin look-alikes only
    "\u0391\u0392",  # Greek Alpha Beta
    "Billing \u2013 API",  # en dash
    "Billing\u00a0API",  # no-break space
    "\uff21\uff50\uff49",  # fullwidth Api
    "I\u0131k",  # dotless i
    "\u8d26\u5355\u670d\u52a1 \U0001f680",
    "Zo\u00eb \u00c5ngstr\u00f6m",
]


@pytest.mark.parametrize("text", ANSWERS_WITH_QUOTES + AMBIGUOUS_ANSWERS)
def test_python_strings_hold_any_answer_and_are_already_formatted(text: str) -> None:
    source = f"VALUE = {quoting.python_string(text)}\n"
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
    assert ruff_check(source) == ""


# The generated project's rules that read strings (RUF001-RUF003), without the
# line length it leaves to the formatter.
RUFF_CHECK = [
    *(sys.executable, "-m", "ruff", "check", "--isolated"),
    *("--select", "E,F,W,RUF", "--ignore", "E501", "--stdin-filename", "answer.py"),
]


@pytest.mark.parametrize("length", range(60, 100, 3))
@pytest.mark.parametrize("letter", ["a", "\u03bb"], ids=["ascii", "escaped"])
def test_assignments_of_any_length_are_already_formatted(
    length: int, letter: str
) -> None:
    text = letter * (length // len(quoting.escape_ambiguous(letter)))
    source = quoting.python_assignment(text, "PROJECT_NAME") + "\n"
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    namespace: dict[str, object] = {}
    exec(source, namespace)

    assert formatted == source
    assert namespace["PROJECT_NAME"] == text


def ruff_check(source: str) -> str:
    """ruff's findings on ``source``, or an empty string."""
    result = subprocess.run(
        [*RUFF_CHECK, "-"],
        input=source,
        capture_output=True,
        text=True,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


@pytest.mark.parametrize("text", ANSWERS_WITH_QUOTES + AMBIGUOUS_ANSWERS)
def test_docstrings_hold_any_answer_lint_clean_and_formatted(text: str) -> None:
    source = f'"""{quoting.python_docstring(text)}"""\n'
    namespace: dict[str, object] = {}
    exec(source, namespace)
    expected = text.strip().replace("\\", "/").replace('"', "'")
    assert namespace["__doc__"] == expected
    assert ruff_check(source) == ""
    assert quoting.python_docstring(f"  {text}  ") == quoting.python_docstring(text)


def test_the_characters_kept_unescaped_are_never_ambiguous_to_ruff() -> None:
    kept = [
        chr(code)
        for code in range(0x80, sys.maxunicode + 1)
        if quoting.is_unambiguous(chr(code))
    ]
    # Each alone (a one-letter word) and inside ASCII words, in strings and docstrings.
    docstring = '"""' + " ".join(kept) + '"""\n'
    strings = [f'X{index} = "{char} a{char}b"\n' for index, char in enumerate(kept)]
    source = docstring + "".join(strings)

    assert len(kept) > 400
    assert all(unicodedata.name(char).startswith("LATIN") for char in kept)
    assert ruff_check(source) == ""


@pytest.mark.parametrize("text", ANSWERS_WITH_QUOTES)
def test_toml_strings_hold_any_answer(text: str) -> None:
    assert tomllib.loads(f"value = {quoting.toml_string(text)}")["value"] == text


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


def write_git_identity(home: Path, name: str, email: str) -> Path:
    config = home / "gitconfig-with-user"
    config.write_text(f"[user]\n\tname = {name}\n\temail = {email}\n")
    return config


def test_the_author_defaults_are_gits_identity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_git_identity(tmp_path, "Ada Lovelace", "ada@example.org")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))

    assert answer_rules.git_author() == ("Ada Lovelace", "ada@example.org")


def test_the_author_defaults_are_placeholders_without_a_git_identity() -> None:
    # The test session's git configuration (tests/rendering.py) has no user.
    assert answer_rules.git_author() == ("Your Name", "you@example.com")


def test_an_identity_the_questions_would_refuse_falls_back_to_the_placeholders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_git_identity(tmp_path, "\\u200b", "ada@localhost")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))

    assert answer_rules.git_author() == ("Your Name", "you@example.com")


def test_the_author_defaults_are_placeholders_without_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on it

    assert answer_rules.git_author() == ("Your Name", "you@example.com")


def test_a_git_that_hangs_costs_the_timeout_and_gives_the_placeholders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def hanging_git(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired(cmd="git", timeout=kwargs["timeout"])  # type: ignore[arg-type]

    monkeypatch.setattr(answer_rules.subprocess, "run", hanging_git)

    assert answer_rules.git_author() == ("Your Name", "you@example.com")
    assert answer_rules.GIT_TIMEOUT_SECONDS <= 2


def test_the_extension_offers_gits_identity_as_globals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_git_identity(tmp_path, "Ada Lovelace", "ada@example.org")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))

    environment = jinja2.Environment(extensions=[answer_rules.AnswerRules])

    assert environment.globals["default_author_name"] == "Ada Lovelace"
    assert environment.globals["default_author_email"] == "ada@example.org"
