"""Every question either accepts an answer and renders a project whose static checks
pass, or refuses it with the rule and a fix, writing nothing.

Proved with hypothesis driving copier's API: thousands of generated answers per run
(realistic names, any script, arbitrary Unicode, control characters, keyword and
arbitrary slugs, generated and arbitrary emails, every choice and invalid ones).
Each run draws fresh examples; the seed is printed (and recorded as a test
property) so a failure reruns with ``--hypothesis-seed=<seed>``.

Speed: copier renders the name of every path of the template on every copy (a
quarter of a second each), and free-text answers reach only the files that mention
them. So the property tests copy from a trimmed template: copier.yml and the
extensions as they are, and only the template files that render a free-text answer,
found by scanning template/ (never listed by hand). The few whole-project renders
at the end check the same kinds of answers end to end.
"""

import keyword
import re
import secrets
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from packaging.metadata import Metadata, RawMetadata
from packaging.utils import canonicalize_name
from validate_pyproject import api as validate_pyproject

from tests.answers import (
    TEMPLATE_ROOT,
    Answers,
    answer_matrix,
    email_validator_accepts,
    questions,
)
from tests.extension import answer_rules
from tests.footprint import TEMPLATE_DIR, template_sources
from tests.rendering import project_files, render
from tests.static_checks import (
    LEFTOVER_JINJA,
    compile_problems,
    config_file_problems,
    leftover_jinja_problems,
    ruff_problems,
)

# -- The trimmed template ------------------------------------------------------

ANSWERS_FILE_SOURCE = "{{ _copier_conf.answers_file }}.jinja"


def free_text_questions() -> list[str]:
    """Questions answered with free text: strings without choices."""
    return [
        name
        for name, spec in questions().items()
        if spec.get("type") == "str" and "choices" not in spec
    ]


def free_text_sources() -> list[Path]:
    """Template files that render a free-text answer, plus the answers file.

    The slug is left out of the scan: its pattern keeps it to ``[a-z0-9-]``, and it
    appears in most files; pyproject.toml, where it names the distribution, is kept
    for the other answers anyway.
    """
    names = [name for name in free_text_questions() if name != "project_slug"]
    mentions = re.compile(rf"\b(?:{'|'.join(names)})\b")
    return [
        source
        for source in template_sources()
        if source.as_posix() == ANSWERS_FILE_SOURCE
        or mentions.search((TEMPLATE_DIR / source).read_text(errors="replace"))
    ]


@pytest.fixture(scope="module")
def trimmed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A non-git copy copier reads in place: copier.yml, extensions/, and the
    template files free-text answers reach."""
    root = tmp_path_factory.mktemp("trimmed-template")
    shutil.copy2(TEMPLATE_ROOT / "copier.yml", root / "copier.yml")
    shutil.copytree(
        TEMPLATE_ROOT / "extensions",
        root / "extensions",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for source in free_text_sources():
        target = root / "template" / source
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TEMPLATE_DIR / source, target)
    return root


def test_the_trimmed_template_keeps_every_file_a_free_text_answer_reaches() -> None:
    kept = {source.as_posix() for source in free_text_sources()}

    assert {"pyproject.toml.jinja", "README.md.jinja", "LICENSE.jinja"} <= kept
    assert ANSWERS_FILE_SOURCE in kept
    assert any(name.endswith(".py.jinja") for name in kept)
    assert "project_description" in free_text_questions()


# -- Answers ---------------------------------------------------------------------

REALISTIC_NAMES = [
    "Billing API",
    "Orders",
    "Accounts Receivable Billing Platform",
    'Jane\'s "Ünïcode" Billing API \\ for the accounts-receivable team',
    "Straße Service",
    "Łódź Billing",
    "JSON",
    "Class",
    "Test",
    "Биллинг",
    "\u0412 \u0441\u0435\u0440\u0432\u0438\u0441",  # Cyrillic Ve alone, then a word
    "\u0412\u0430\u0441\u0430",  # Cyrillic letters that all look Latin
    "账单服务",
    "الفواتير",
    "Λογαριασμοί API",
    "Служба API v2",
    "Billing API (账单)",
    "🚀🚀",
    "Billing \u2013 API",  # en dash
    "Billing\u00a0API",
    "\uff21\uff50\uff49",  # fullwidth Api
    "I\u015f\u0131k",  # Turkish, with a dotless i
    "{{ not jinja }}",
    "2024",
]

# What a one-line answer must not hold (see one_line_problem): inserted into text.
BREAKING_CHARACTERS = [
    "\n",
    "\r",
    "\t",
    "\x00",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
]
SURROGATES = st.characters(categories=["Cs"])

SCRIPTS = {
    "Cyrillic": (0x0400, 0x04FF),
    "Greek": (0x0370, 0x03FF),
    "Arabic": (0x0600, 0x06FF),
    "Han": (0x4E00, 0x9FFF),
    "Devanagari": (0x0900, 0x097F),
    "Latin-1": (0x00A0, 0x00FF),
}


def inserted(
    text: st.SearchStrategy[str], extra: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    """Text with one ``extra`` character put somewhere in it."""
    return st.builds(
        lambda base, char, at: base[:at] + char + base[at:],
        text,
        extra,
        st.integers(min_value=0, max_value=40),
    )


def script_text() -> st.SearchStrategy[str]:
    """Words in one non-Latin (or accented Latin) script, sometimes with ASCII."""
    return st.sampled_from(list(SCRIPTS.values())).flatmap(
        lambda span: st.text(
            st.one_of(
                st.characters(min_codepoint=span[0], max_codepoint=span[1]),
                st.sampled_from(" -API2"),
            ),
            min_size=1,
            max_size=30,
        )
    )


def mostly(
    common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """``common`` three times in four, ``rare`` the fourth: each question is
    refused often enough to test refusals, and a whole set of answers still passes
    often enough to test renders."""
    return st.integers(min_value=0, max_value=3).flatmap(
        lambda draw: rare if draw == 0 else common
    )


def free_text(realistic: list[str]) -> st.SearchStrategy[str]:
    """Any text a user or a data file may give a free-text question: mostly text
    a one-line question accepts, else text that breaks a one-line rule."""
    printable = st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=40)
    arbitrary = st.text(max_size=40)
    breaking = st.one_of(
        arbitrary,
        inserted(st.sampled_from(realistic), st.sampled_from(BREAKING_CHARACTERS)),
        inserted(printable, st.sampled_from(BREAKING_CHARACTERS)),
        inserted(st.sampled_from(realistic), SURROGATES),
        st.sampled_from(realistic).map(lambda text: f" {text} "),
    )
    return mostly(
        st.one_of(st.sampled_from(realistic), printable, script_text()), breaking
    )


SLUG_LIKE = re.compile(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,8}){0,3}")
LOWERCASE_KEYWORDS = [word for word in keyword.kwlist if word.islower()]


def slugs() -> st.SearchStrategy[str]:
    """Mostly slug-shaped text (some of it too long, a keyword, a module name);
    else keywords, module names, and arbitrary text."""
    return mostly(
        st.one_of(
            st.from_regex(SLUG_LIKE, fullmatch=True),
            st.sampled_from(LOWERCASE_KEYWORDS).map(lambda word: f"{word}-service"),
        ),
        st.one_of(
            st.sampled_from(LOWERCASE_KEYWORDS),
            st.sampled_from(sorted(sys.stdlib_module_names)),
            st.sampled_from(sorted(answer_rules.RESERVED_PACKAGE_NAMES)),
            st.text(alphabet="abcz019-_ .A\n", max_size=35),
            st.text(max_size=12),
        ),
    )


INVALID_EMAILS = [
    "bob@example..com",
    "bob@localhost",
    ".bob@example.com",
    "bob@example.c0m",
    "jané@example.com",
    "bob@xn--p1ai.ru",
    "Jane <jane@example.com>",
]


def emails() -> st.SearchStrategy[str]:
    """Mostly generated addresses (valid but for xn-- labels); else known invalid
    ones, arbitrary text, and addresses with a character put in."""
    return mostly(
        st.emails(),
        st.one_of(
            st.sampled_from(INVALID_EMAILS),
            st.text(max_size=30),
            inserted(st.emails(), st.sampled_from(BREAKING_CHARACTERS)),
            inserted(st.emails(), st.sampled_from(list(".@- _\"'<>é"))),
        ),
    )


INVALID_CHOICES = ["3.10", "jenkins", "GPL-3.0", "", "MIT\n"]


def choice_answers() -> dict[str, st.SearchStrategy[Any]]:
    """Every bool and choice question (from copier.yml): its values, as copier or a
    data file gives them, and values it must refuse."""
    strategies: dict[str, st.SearchStrategy[Any]] = {}
    for name, spec in questions().items():
        if spec.get("type") == "bool":
            strategies[name] = st.sampled_from([False, True, "yes", "no", "0", "1"])
        elif "choices" in spec:
            choices = spec["choices"]
            values = list(choices.values() if isinstance(choices, dict) else choices)
            strategies[name] = mostly(
                st.sampled_from(values), st.sampled_from(INVALID_CHOICES)
            )
    return strategies


def answers_strategy() -> st.SearchStrategy[dict[str, Any]]:
    """project_name always (copier asks it first); every other question only
    sometimes, so the defaults rendered from earlier answers (the slug from the
    name) are exercised as copier renders them before showing a question."""
    return st.fixed_dictionaries(
        {"project_name": st.one_of(free_text(REALISTIC_NAMES), st.integers())},
        optional={
            "project_slug": slugs(),
            "project_description": free_text(REALISTIC_NAMES),
            "author_name": free_text(["Zoë O'Brien-Müller", "Ада Лавлейс", "李雷"]),
            "author_email": emails(),
            **choice_answers(),
        },
    )


# -- One example -------------------------------------------------------------------

SENTINEL = "notes.txt"
REFUSAL_QUESTION = re.compile(r"question '(\w+)'|Invalid choice for '(\w+)'")
VALIDATOR = validate_pyproject.Validator()


def copy_with(template: Path, destination: Path, answers: Answers) -> None:
    render(template, destination, answers, vcs_ref=None)


def refusal_problems(
    refusal: ValueError, destination: Path, answers: Answers
) -> list[str]:
    """A refusal names a question that was answered, says the rule and the fix,
    and leaves the destination as it was."""
    message = str(refusal)
    problems = []
    named = REFUSAL_QUESTION.search(message)
    if named is None or (named.group(1) or named.group(2)) not in answers:
        problems.append(f"the refusal names no answered question: {message!r}")
    elif not any(fix in message for fix in ("e.g.", "remove it", "is not in")):
        problems.append(f"the refusal gives no fix: {message!r}")
    written = sorted(path.name for path in destination.iterdir())
    if written != [SENTINEL]:
        problems.append(f"a refused copy wrote {written}")
    return problems


def expected_text(answers: Answers) -> dict[str, str]:
    """The free-text answers as copier records them: given, or their defaults."""
    name = str(answers["project_name"])
    return {
        "project_name": name,
        "project_slug": answers.get("project_slug", answer_rules.slugify(name)),
        "project_description": answers.get(
            "project_description", f"{name.strip()}: a FastAPI service."
        ),
        "author_name": answers.get("author_name", answer_rules.PLACEHOLDER_AUTHOR_NAME),
        "author_email": answers.get(
            "author_email", answer_rules.PLACEHOLDER_AUTHOR_EMAIL
        ),
    }


def answers_file_problems(project: Path, answers: Answers) -> list[str]:
    """The answers file records every free-text answer exactly (updates read it)."""
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return [
        f".copier-answers.yml: {name}={recorded.get(name)!r}, expected {value!r}"
        for name, value in expected_text(answers).items()
        if recorded.get(name) != value
    ]


def pyproject_problems(project: Path, answers: Answers) -> list[str]:
    """pyproject.toml parses, validates against the pyproject schema, and its
    [project] table is valid core metadata with the answers in it."""
    try:
        pyproject = tomllib.loads((project / "pyproject.toml").read_text())
        VALIDATOR(pyproject)
    except Exception as error:  # any parse or schema error is the finding
        return [f"pyproject.toml: {type(error).__name__}: {error}"]
    table = pyproject["project"]
    [author] = table["authors"]
    raw: RawMetadata = {
        "metadata_version": "2.4",
        "name": table["name"],
        "version": table["version"],
        "summary": table["description"],
        "author_email": f"{author['name']} <{author['email']}>",
        "requires_python": table["requires-python"],
        "requires_dist": table["dependencies"],
    }
    problems = []
    try:
        Metadata.from_raw(raw)  # validates every field, e.g. a one-line summary
    except ExceptionGroup as group:
        problems.append(f"pyproject.toml: invalid metadata: {group.exceptions}")
    if canonicalize_name(table["name"]) != table["name"]:
        problems.append(f"pyproject.toml: {table['name']!r} is not a normalized name")
    if not email_validator_accepts(author["email"]):
        problems.append(f"pyproject.toml: email-validator refuses {author['email']!r}")
    expected = expected_text(answers)
    if (table["name"], table["description"]) != (
        expected["project_slug"],
        expected["project_description"],
    ):
        problems.append("pyproject.toml: the name or description is not the answer's")
    return problems


def render_problems(project: Path, answers: Answers) -> list[str]:
    """Static checks of an accepted render (ruff runs once, over all of them)."""
    files = project_files(project)
    texts = [str(value) for value in answers.values()]
    problems = [
        *compile_problems(project, files),
        *answers_file_problems(project, answers),
        *pyproject_problems(project, answers),
        *(f"{path}: unrendered" for path in files if path.suffix == ".jinja"),
    ]
    # Every kept template file rendered once, beside the user's own file.
    if len(files) != len(free_text_sources()) + 1:
        problems.append(f"the render wrote {[str(path) for path in files]}")
    # An answer may hold `{{` itself; then a `{{` in the render is the answer's.
    if not any(LEFTOVER_JINJA.search(text) for text in texts):
        problems += leftover_jinja_problems(project, files)
    return problems


# -- The property -------------------------------------------------------------------

# Four shards of the same property, so `pytest -n 2` runs them side by side.
SHARDS = 4
EXAMPLES_PER_SHARD = 250


def run_seed(request: pytest.FixtureRequest, shard: int) -> int:
    """This shard's seed: ``--hypothesis-seed`` when given, else a fresh one (fresh
    examples every run), plus the shard number so shards differ. Printed (pytest
    shows it with a failure) and recorded as a test property."""
    given_seed = request.config.getoption("hypothesis_seed", default=None)
    base = int(given_seed) if given_seed is not None else secrets.randbits(32)
    print(f"hypothesis seed {base}: rerun with --hypothesis-seed={base}")
    request.node.user_properties.append(("hypothesis_seed", base))
    return base + shard


def check_every_example(
    template: Path, root: Path, seed_value: int
) -> Callable[[], tuple[int, list[Path]]]:
    """The hypothesis test over copier, and what it saw: examples run, accepted
    renders (for the one ruff run)."""
    accepted: list[Path] = []
    count = 0

    @seed(seed_value)
    @settings(
        max_examples=EXAMPLES_PER_SHARD,
        deadline=None,
        database=None,  # the printed seed reproduces; no .hypothesis/ in the checkout
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(answers=answers_strategy())
    def every_answer_renders_clean_or_is_refused(answers: Answers) -> None:
        nonlocal count
        count += 1
        destination = root / f"example-{count:04}"
        destination.mkdir()
        (destination / SENTINEL).write_text("the user's own file\n")
        try:
            copy_with(template, destination, answers)
        except ValueError as refusal:
            problems = refusal_problems(refusal, destination, answers)
            shutil.rmtree(destination)
            assert not problems, "\n".join(problems)
            return
        problems = render_problems(destination, answers)
        assert not problems, "\n".join(problems)
        accepted.append(destination)

    def run() -> tuple[int, list[Path]]:
        every_answer_renders_clean_or_is_refused()
        return count, accepted

    return run


def ruff_over(renders: list[Path], root: Path) -> list[str]:
    """``ruff check`` and ``ruff format --check`` over every accepted render at once
    (each with its own pyproject settings); a finding names the answers behind it.

    A trimmed render lacks most of its package's modules, which ruff looks for to
    tell first-party imports from third-party ones; naming the packages keeps the
    import order judged as in a whole project.
    """
    packages = sorted(
        {path.name for render in renders for path in (render / "src").iterdir()}
    )
    first_party = f"lint.isort.known-first-party = {packages!r}".replace("'", '"')
    problems = []
    for command in (
        ["check", "--output-format", "concise", "--config", first_party],
        ["format", "--check"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", *map(str, renders)],
            cwd=root,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            problems.append(f"ruff {command[0]}:\n{result.stdout}{result.stderr}")
            problems += answers_behind(result.stdout, renders)
    return problems


def answers_behind(output: str, renders: list[Path]) -> list[str]:
    return [
        f"{render.name}: {(render / '.copier-answers.yml').read_text()}"
        for render in renders
        if f"{render.name}/" in output
    ]


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_answer_renders_clean_or_is_refused_with_nothing_written(
    trimmed_template: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    shard: int,
) -> None:
    root = tmp_path / "renders"
    root.mkdir()

    run = check_every_example(trimmed_template, root, run_seed(request, shard))
    count, accepted = run()

    assert count >= EXAMPLES_PER_SHARD
    # Both outcomes must be well represented, or the property proves little.
    assert len(accepted) >= EXAMPLES_PER_SHARD // 10
    assert count - len(accepted) >= EXAMPLES_PER_SHARD // 10
    problems = ruff_over(accepted, root)
    assert not problems, "\n".join(problems)


def test_the_shards_sum_to_a_thousand_examples() -> None:
    assert SHARDS * EXAMPLES_PER_SHARD >= 1000


# -- The rules the property rests on, over many more cheap examples -----------------


@settings(max_examples=2000, deadline=None, database=None)
@given(name=st.one_of(st.text(), script_text(), st.sampled_from(REALISTIC_NAMES)))
def test_every_name_gets_a_default_slug_the_slug_question_accepts(name: str) -> None:
    # Copier validates a default before it shows the question: an invalid default
    # is a traceback, even interactively.
    assert answer_rules.slug_problem(answer_rules.slugify(name)) == ""


@settings(max_examples=2000, deadline=None, database=None)
@given(slug=slugs())
def test_every_accepted_slug_names_an_importable_package_and_a_valid_project(
    slug: str,
) -> None:
    if answer_rules.slug_problem(slug):
        return
    package = answer_rules.package_name(slug)
    assert package.isidentifier()
    assert not keyword.iskeyword(package)
    assert canonicalize_name(slug) == slug
    compile(f"import {package}\n", "<slug>", "exec")


ARBITRARY_ADDRESSES = st.one_of(
    st.text(),
    st.emails(),
    inserted(st.emails(), st.text(alphabet=".-@_ \"'<>", min_size=1, max_size=1)),
    st.lists(
        st.sampled_from(
            [*"aZ09.-@_+!#$%&'*/=?^`{|}~", "xn--", "..", "localhost", "arpa", "é"]
        ),
        max_size=25,
    ).map("".join),
)


@settings(max_examples=3000, deadline=None, database=None)
@given(email=ARBITRARY_ADDRESSES)
def test_every_address_the_template_accepts_email_validator_accepts(email: str) -> None:
    if answer_rules.email_problem(email) == "":
        assert email_validator_accepts(email), email


def has_punycode_label(email: str) -> bool:
    return any(label[2:4] == "--" for label in email.rpartition("@")[2].split("."))


@settings(max_examples=3000, deadline=None, database=None)
@given(email=st.emails())
def test_the_template_accepts_every_ascii_address_email_validator_accepts(
    email: str,
) -> None:
    # The one class refused on purpose: internationalized (xn--) domain labels,
    # which need IDNA checks the template cannot run at copy time.
    if not email_validator_accepts(email):
        return
    problem = answer_rules.email_problem(email)
    if has_punycode_label(email):
        assert "punycode" in problem
    else:
        assert problem == "", problem


# -- Whole projects for the edge answers ------------------------------------------

BASE_ANSWERS = answer_matrix()[0]


def whole_project_problems(project: Path, answers: Answers) -> list[str]:
    files = project_files(project)
    return [
        *leftover_jinja_problems(project, files),
        *compile_problems(project, files),
        *config_file_problems(project, answers),
        *ruff_problems(project),
    ]


def test_a_cyrillic_name_renders_a_clean_project_with_the_neutral_slug(
    template: Path, tmp_path: Path
) -> None:
    answers = {
        **BASE_ANSWERS,
        "project_name": "\u0411\u0438\u043b\u043b\u0438\u043d\u0433 \u0412 \u0441\u0435\u0440\u0432\u0438\u0441",
    }

    project = render(template, tmp_path / "project", answers)

    assert (project / "src" / "my_service" / "app.py").is_file()
    problems = whole_project_problems(project, answers)
    assert not problems, "\n".join(problems)


def test_a_keyword_adjacent_slug_renders_a_clean_project(
    template: Path, tmp_path: Path
) -> None:
    answers = {
        **BASE_ANSWERS,
        "project_slug": "class-service",
        "project_description": "Classes \u2013 booked, billed and \u201cpaid\u201d.",
        "enable_job_queue": True,
    }

    project = render(template, tmp_path / "project", answers)

    assert (project / "src" / "class_service" / "app.py").is_file()
    problems = whole_project_problems(project, answers)
    assert not problems, "\n".join(problems)


def test_gits_identity_is_the_author_default_end_to_end(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))

    project = render(template, tmp_path / "project", BASE_ANSWERS)

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["authors"] == [
        {"name": "Ada Lovelace", "email": "ada@example.org"}
    ]
    assert "Ada Lovelace" in (project / "LICENSE").read_text()
    problems = whole_project_problems(project, BASE_ANSWERS)
    assert not problems, "\n".join(problems)


def test_the_command_line_takes_a_name_in_any_script_with_defaults(
    template: Path, tmp_path: Path
) -> None:
    destination = tmp_path / "project"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "copier", "copy", "--trust", "--defaults"),
            *("--skip-tasks", "--vcs-ref", "HEAD", "-d", "project_name=账单服务"),
            *(str(template), str(destination)),
        ],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    recorded = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    assert recorded["project_slug"] == "my-service"
