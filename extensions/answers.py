"""Jinja filters and globals that decide which answers copier accepts.

Each ``*_problem`` filter returns why an answer is refused, or an empty string: a
copier validator shows a non-empty result as the error, so every message names the
rule that failed and how to fix the answer. ``slugify`` makes the default slug,
always one the slug rule accepts; git's identity gives the author defaults.

Keep every function pure and cheap: copier renders validators many times. The
one exception, asking git for the author's identity, runs once per load.
"""

from __future__ import annotations

import keyword
import re
import subprocess
import sys
import unicodedata

from jinja2 import Environment
from jinja2.ext import Extension

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


# The default slug when a name gives nothing usable (a name in another script, only
# emoji or digits): neutral, valid, and obviously worth replacing.
FALLBACK_SLUG = "my-service"

# The suffix that turns a default slug the rules refuse (`json`, `class`, `test`)
# into one they accept: `json-service`.
SLUG_SUFFIX = "-service"

# Latin letters that Unicode does not decompose into an ASCII letter plus accents,
# spelled the way their languages transliterate them, so that "Straße" gives
# `strasse` rather than `strae`.
LATIN_FOLDS = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ł": "l",
        "Ł": "L",
        "\u0131": "i",  # dotless i
        "ħ": "h",
        "Ħ": "H",
        "ŋ": "ng",
        "Ŋ": "NG",
    }
)

WORD = re.compile(r"[^\W_]+")


def spellable_words(name: str) -> tuple[list[str], int, int]:
    """The words of ``name`` that spell in ASCII, with the letters they hold and the
    letters of the whole name: ``Łódź Billing`` → ``(["Lodz", "Billing"], 11, 11)``.

    Accents are dropped and the letters of ``LATIN_FOLDS`` transliterated; a word
    with any letter left outside ASCII (``Λογαριασμοί``, ``Ωmega``) is not spellable
    and is dropped whole, never cut down to the ASCII letters it happens to hold.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    words = WORD.findall(bare.translate(LATIN_FOLDS))
    spellable = [word for word in words if word.isascii()]
    return (
        spellable,
        sum(c.isalpha() for word in spellable for c in word),
        sum(c.isalpha() for word in words for c in word),
    )


def slugify(name: str) -> str:
    """The default slug for a project name: ``Billing API!`` → ``billing-api``.

    The rule, so that any name gets a slug the slug question accepts:

    * Accented Latin letters lose their accents and a few letters transliterate
      (``Ünïcode`` → ``unicode``, ``Straße`` → ``strasse``).
    * The slug is built from the words that spell in ASCII, and only when they hold
      at least half of the name's letters. A name mostly in another script
      (``Биллинг``, ``账单服务``, ``Λογαριασμοί API``), or with no letters at all
      (``🚀🚀``, ``123``), gets ``my-service``: ``api`` from ``Λογαριασμοί API``
      would be a meaningless fragment, and an empty default would crash copier
      before the slug question is even shown (it validates defaults).
    * A slug the rules refuse (``json`` shadows the standard library, ``class`` is
      a keyword) gets ``-service`` appended: ``json-service``.
    """
    words, spelled_letters, all_letters = spellable_words(str(name))
    if spelled_letters * 2 < all_letters:
        return FALLBACK_SLUG
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(words).lower()).strip("-")
    return valid_slug(shorten_slug(re.sub(r"^[^a-z]+", "", slug)))


def valid_slug(slug: str) -> str:
    """``slug`` if the rules accept it, else the nearest slug they do accept."""
    if not slug:
        return FALLBACK_SLUG
    if not slug_problem(slug):
        return slug
    suffixed = shorten_slug(slug, MAX_SLUG_LENGTH - len(SLUG_SUFFIX)) + SLUG_SUFFIX
    return suffixed if not slug_problem(suffixed) else FALLBACK_SLUG


def shorten_slug(slug: str, limit: int = MAX_SLUG_LENGTH) -> str:
    """Whole words of ``slug`` up to ``limit`` characters (cut mid-word only if
    one word alone is too long)."""
    shortened = ""
    for word in slug.split("-"):
        candidate = f"{shortened}-{word}" if shortened else word
        if len(candidate) > limit:
            break
        shortened = candidate
    return shortened or slug[:limit]


def slug_problem(slug: str) -> str:
    """Why ``slug`` is refused, or an empty string when it is a valid slug.

    Copier shows a non-empty validator result as the error, so each message names
    the rule that failed and how to fix the answer.
    """
    if not slug:
        return "The project slug is required, e.g. billing-api."
    if problem := one_line_problem(slug, "project slug"):
        return problem
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
    if not name.isidentifier():
        return (
            f"The package name '{name}' is not a Python identifier, so "
            f"`import {name}` would be a syntax error; choose another slug "
            "(e.g. billing-api)."
        )
    if keyword.iskeyword(name):
        return (
            f"The package name '{name}' is a Python keyword, so `import {name}` "
            f"would be a syntax error; choose another slug (e.g. {slug}{SLUG_SUFFIX})."
        )
    if name in sys.stdlib_module_names:
        return (
            f"The package name '{name}' would shadow the Python standard library "
            f"module '{name}'; choose another slug (e.g. {slug}{SLUG_SUFFIX})."
        )
    if name in RESERVED_PACKAGE_NAMES:
        return (
            f"The package name '{name}' would shadow '{name}', which the generated "
            "project or its tooling imports; choose another slug "
            f"(e.g. {slug}{SLUG_SUFFIX})."
        )
    return ""


# Characters no one-line answer may hold, by Unicode category: control characters
# (newline, tab, NUL, DEL, NEL, ...), the line and paragraph separators, and
# unpaired surrogates (undecodable bytes on the command line arrive as these).
# Each breaks a one-line field somewhere: TOML strings, `project.description must
# be a single line`, Python source, the answers file.
REFUSED_CATEGORIES: dict[str, str] = {
    "Cc": "a control character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Cs": "an unpaired surrogate (bytes that are not valid text in your encoding)",
}
# The control characters people type or paste, by the name they know them by.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85")
TAB = "\t"

# Bidirectional embeddings, overrides and isolates reorder how everything after
# them displays (the "Trojan Source" trick), well beyond the answer itself.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def refused_character(char: str) -> str:
    """What ``char`` is, if a one-line answer may not hold it, else ``""``."""
    if char in LINE_BREAKS:
        return "a line break"
    if char == TAB:
        return "a tab"
    if char in BIDI_CONTROLS:
        return "a bidirectional override, which reorders how text displays"
    return REFUSED_CATEGORIES.get(unicodedata.category(char), "")


def one_line_problem(text: str, question: str) -> str:
    """Why ``text`` cannot be the one-line answer to ``question``, or ``""``.

    One-line answers land in TOML strings, Python literals, Markdown headings and
    the package metadata, so a line break or an invisible control character there
    breaks the generated project's build or reads differently from what it says.
    """
    for char in str(text):
        if what := refused_character(char):
            return (
                f"The {question} must be a single line of plain text, but it contains "
                f"{what} (U+{ord(char):04X}); remove it (use a space between lines)."
            )
    return ""


def is_blank(text: str) -> bool:
    """Whether ``text`` shows nothing: no letter, digit, punctuation or symbol
    (spaces and invisible characters such as a zero-width space only)."""
    return not any(unicodedata.category(c)[0] in "LNPS" for c in str(text))


def text_problem(text: str, question: str, example: str) -> str:
    """Why ``text`` is refused as the required one-line answer to ``question``."""
    if problem := one_line_problem(text, question):
        return problem
    if is_blank(text):
        return f"The {question} is required and cannot be blank, e.g. {example}."
    return ""


def description_problem(text: str) -> str:
    """Why ``text`` is refused as the project description, or ``""``.

    Spaces around a one-line description are always accidental, and they would not
    survive as typed: the description is also the package's docstring, which
    ``ruff format`` strips.
    """
    if problem := one_line_problem(text, "project description"):
        return problem
    if str(text) != str(text).strip():
        return (
            "The project description cannot start or end with spaces; remove them "
            "(e.g. 'Bills customers.')."
        )
    return ""


# The author's email as the generated project's own validation (pydantic's
# EmailStr: email-validator, without the deliverability check) accepts it, in the
# ASCII subset the template can check without that library: copier runs the
# template with nothing but copier-template-extensions installed.
EMAIL_MAX_LENGTH = 254
EMAIL_LOCAL_MAX_LENGTH = 64
EMAIL_DOMAIN_MAX_LENGTH = 253
EMAIL_LABEL_MAX_LENGTH = 63
# RFC 5322 dot-atom: atext runs separated by single dots.
ATEXT = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
LOCAL_PART_PATTERN = re.compile(rf"[{ATEXT}]+(?:\.[{ATEXT}]+)*")
DOMAIN_LABEL_PATTERN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
# Every top-level domain ends with a letter; an ASCII one is letters only
# (internationalized ones are xn-- labels, which the rule below refuses).
TOP_LEVEL_DOMAIN_PATTERN = re.compile(r"[A-Za-z]{2,}")
# Special-use names that email-validator refuses, with any of their subdomains.
SPECIAL_USE_DOMAINS = frozenset(
    {"arpa", "invalid", "local", "localhost", "onion", "test"}
)
EMAIL_EXAMPLE = "e.g. jane@example.com"


def email_problem(email: str) -> str:
    """Why ``email`` is refused as the author's address, or an empty string.

    Everything accepted here the generated service's own validation accepts (the
    template's tests prove it against email-validator). The rule: one ``@``; a
    local part of RFC 5322 atext runs joined by single dots, at most 64
    characters; a domain of at least two dot-separated labels of letters, digits
    and inner hyphens (no ``--`` in the third and fourth places, which marks
    punycode), at most 63 characters each and 253 in all, ending in a
    letters-only top-level domain, and not a special-use name such as
    ``localhost``; at most 254 characters in all; ASCII only.
    """
    email = str(email)
    if problem := one_line_problem(email, "author email"):
        return problem
    if not email.isascii():
        return _not_an_email(
            email,
            "only plain ASCII addresses are supported, without accented or "
            "non-Latin letters or invisible characters",
        )
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        return _not_an_email(email, "it needs a name, an @ and a domain")
    if problem := local_part_problem(local) or domain_problem(domain):
        return _not_an_email(email, problem)
    if len(email) > EMAIL_MAX_LENGTH:
        return _not_an_email(email, f"keep it to {EMAIL_MAX_LENGTH} characters")
    return ""


def _not_an_email(email: str, rule: str) -> str:
    return f"'{email}' is not an email address: {rule} ({EMAIL_EXAMPLE})."


def local_part_problem(local: str) -> str:
    """What is wrong with the part before the ``@``, or ``""``."""
    if not LOCAL_PART_PATTERN.fullmatch(local):
        return (
            f"the part before the @, '{local}', may hold only letters, digits and "
            "!#$%&'*+/=?^_`{|}~- with single dots between them, not at either end"
        )
    if len(local) > EMAIL_LOCAL_MAX_LENGTH:
        return f"keep the part before the @ to {EMAIL_LOCAL_MAX_LENGTH} characters"
    return ""


def domain_problem(domain: str) -> str:
    """What is wrong with the part after the ``@``, or ``""``."""
    if len(domain) > EMAIL_DOMAIN_MAX_LENGTH:
        return f"keep the domain to {EMAIL_DOMAIN_MAX_LENGTH} characters"
    labels = domain.split(".")
    if len(labels) < 2:
        return f"the domain '{domain}' needs a dot and a top-level domain"
    for label in labels:
        if not DOMAIN_LABEL_PATTERN.fullmatch(label):
            return (
                f"the domain '{domain}' must be dot-separated names of letters, "
                "digits and hyphens, with no empty name and no hyphen at either end "
                "of one"
            )
        if len(label) > EMAIL_LABEL_MAX_LENGTH:
            return f"keep each name between dots to {EMAIL_LABEL_MAX_LENGTH} characters"
        if label[2:4] == "--":
            return (
                f"'{label}' has '--' as its third and fourth characters, which is "
                "reserved for internationalized (punycode) names"
            )
    if not TOP_LEVEL_DOMAIN_PATTERN.fullmatch(labels[-1]):
        return f"the top-level domain '{labels[-1]}' must be letters only"
    if labels[-1].lower() in SPECIAL_USE_DOMAINS:
        return (
            f"'.{labels[-1].lower()}' is a special-use domain that cannot receive "
            "email; use a real domain"
        )
    return ""


# The author defaults when git has no identity (or git is missing).
PLACEHOLDER_AUTHOR_NAME = "Your Name"
PLACEHOLDER_AUTHOR_EMAIL = "you@example.com"
GIT_TIMEOUT_SECONDS = 2.0


def git_user_settings() -> dict[str, str]:
    """git's ``user.name`` and ``user.email`` where set, else an empty mapping.

    One ``git config`` call with a short timeout; no git, a timeout or an error
    all mean "not set", so copier never fails over a default.
    """
    try:
        result = subprocess.run(
            ["git", "config", "--null", "--get-regexp", r"^user\.(name|email)$"],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if result.returncode != 0:
        return {}
    settings: dict[str, str] = {}
    for entry in result.stdout.decode("utf-8", "replace").split("\0"):
        key, _, value = entry.partition("\n")
        if key:
            settings[key.lower()] = value.strip()  # the last value wins, as in git
    return settings


def git_author() -> tuple[str, str]:
    """The author's name and email defaults: git's identity where it is set and
    the questions accept it, else the placeholders (``--defaults`` would otherwise
    write "Your Name" into the LICENSE of someone git already knows)."""
    settings = git_user_settings()
    name = settings.get("user.name", "")
    email = settings.get("user.email", "")
    return (
        name if not text_problem(name, "author name", "") else PLACEHOLDER_AUTHOR_NAME,
        email if not email_problem(email) else PLACEHOLDER_AUTHOR_EMAIL,
    )


def package_name(slug: str) -> str:
    """The package a slug names (as ``context.package_name``, loaded separately)."""
    return slug.replace("-", "_")


class AnswerRules(Extension):
    """The validators' filters, the default slug and the author defaults."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["slugify"] = slugify
        environment.filters["slug_problem"] = slug_problem
        environment.filters["text_problem"] = text_problem
        environment.filters["description_problem"] = description_problem
        environment.filters["email_problem"] = email_problem
        # git runs once per load of the extension, not once per render.
        author_name, author_email = git_author()
        environment.globals["default_author_name"] = author_name
        environment.globals["default_author_email"] = author_email
