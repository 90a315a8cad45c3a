"""Jinja filters that write answers into generated files as valid, formatted code.

Whatever an answer holds (quotes, backslashes, any script), the rendered TOML and
Python parse, and pass ``ruff check`` and ``ruff format --check`` untouched.
"""

from __future__ import annotations

import json
import unicodedata

from jinja2 import Environment
from jinja2.ext import Extension


def toml_string(text: str) -> str:
    """A TOML basic string holding ``text``, whatever quotes or backslashes it has."""
    return json.dumps(text, ensure_ascii=False)


def python_string(text: str) -> str:
    """A Python string literal for ``text``, quoted the way ``ruff format`` would.

    ruff prefers double quotes unless single quotes need fewer escapes, so the
    rendered file is already formatted whatever the answer contains. Characters
    ruff may flag as ambiguous are escaped: see :func:`escape_ambiguous`.
    """
    quote = "'" if text.count('"') > text.count("'") else '"'
    escaped = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return f"{quote}{escape_ambiguous(escaped)}{quote}"


# The generated project's line length (template/pyproject.toml.jinja, [tool.ruff]).
LINE_LENGTH = 88
INDENT = "    "


def python_assignment(text: str, target: str) -> str:
    """``target = <text as a Python string>``, laid out as ``ruff format`` lays it:
    a line too long gets the string in parentheses on a line of its own when that
    fits, and stays as it is when nothing fits.

    Escapes (see :func:`escape_ambiguous`) leave only one-column characters, so
    the length in characters is the width ruff measures.
    """
    literal = python_string(text)
    line = f"{target} = {literal}"
    if len(line) <= LINE_LENGTH or len(INDENT + literal) > LINE_LENGTH:
        return line
    return f"{target} = (\n{INDENT}{literal}\n)"


def python_docstring(text: str) -> str:
    """What goes between the triple quotes of a one-line docstring saying ``text``,
    already formatted and lint-clean: surrounding spaces stripped (``ruff format``
    strips them), backslashes and double quotes made ``/`` and ``'`` (readable, and
    no quote can close the docstring early), ambiguous characters escaped."""
    readable = str(text).strip().replace("\\", "/").replace('"', "'")
    return escape_ambiguous(readable)


def escape_ambiguous(text: str) -> str:
    """``text`` with every character outside printable ASCII and accented Latin
    letters written as a ``\\x``/``\\u``/``\\U`` escape, for Python source.

    ruff's RUF001/RUF002 flag characters that look like others (a Cyrillic Ve
    that looks like a Latin B, an en dash, a no-break space), depending on the
    word around them, from a table too large to copy here. Escaping everything but
    the characters never in it keeps any answer lint-clean; the value at run time
    is the same. Kept as typed: printable ASCII and precomposed accented Latin
    letters (``é``, ``ü``, ``ñ``), which the template's tests check with ruff.
    """
    return "".join(char if is_unambiguous(char) else _escape(char) for char in text)


def is_unambiguous(char: str) -> bool:
    """Printable ASCII, or one accented Latin letter in its composed form."""
    if " " <= char <= "~":
        return True
    if unicodedata.normalize("NFC", char) != char:
        return False
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    return (
        bool(marks)
        and base.isascii()
        and base.isalpha()
        and all(unicodedata.category(mark).startswith("M") for mark in marks)
    )


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


class QuotingExtension(Extension):
    """The filters that quote answers into TOML and Python source."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["toml_string"] = toml_string
        environment.filters["python_string"] = python_string
        environment.filters["python_assignment"] = python_assignment
        environment.filters["python_docstring"] = python_docstring
