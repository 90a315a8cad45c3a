"""The job queue's footprint, derived from copier.yml as copier derives it.

copier.yml declares every path that exists only with the queue on in one templated
`_exclude` entry. Nothing here lists those paths by hand: the template tree is
walked, each path rendered as copier renders it, and matched against the
`_exclude` entries rendered for the answers, with the pathspec flavour copier uses.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pathspec
import yaml
from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

from tests.answers import COPIER_YML, TEXT_ANSWERS, Answers, questions
from tests.extension import derived

TEMPLATE_DIR = COPIER_YML.parent / "template"

# Copier matches `_exclude` with pathspec's "gitignore" patterns from pathspec 1.0
# on ("gitwildmatch" before; it is deprecated since). The two differ: with
# "gitignore", `dir/*` does not match files inside `dir/sub/`, so using the other
# one here would hide exactly the mistakes this module exists to catch.
PATHSPEC_FLAVOUR = (
    "gitignore" if int(pathspec.__version__.split(".")[0]) >= 1 else "gitwildmatch"
)

# How copier splits a rendered `_exclude` entry into patterns.
LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Strict, so an entry or a path that starts using a name this context lacks fails
# loudly instead of rendering as an empty string.
JINJA = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True)


@cache
def compiled(source: str) -> Template:
    return JINJA.from_string(source)


@cache
def settings() -> dict[str, Any]:
    """copier.yml's settings (the keys starting with an underscore)."""
    loaded: dict[str, Any] = yaml.safe_load(COPIER_YML.read_text())
    return {name: value for name, value in loaded.items() if name.startswith("_")}


def templates_suffix() -> str:
    return str(settings().get("_templates_suffix", ".jinja"))


def render_context(answers: Answers) -> dict[str, Any]:
    """What copier renders paths and `_exclude` with: answers over plain defaults,
    the extension's derived names, and the bits of `_copier_conf` paths use."""
    defaults = {
        name: spec["default"]
        for name, spec in questions().items()
        # A templated default would need copier to render it; leave it out so a
        # reference to it fails (StrictUndefined) rather than render wrong.
        if "default" in spec and "{{" not in str(spec["default"])
    }
    given = {**defaults, **TEXT_ANSWERS, **answers}
    return {
        **given,
        **derived(given),
        "_copier_conf": {"answers_file": settings()["_answers_file"]},
        "_copier_operation": "copy",
    }


def exclude_matcher(answers: Answers) -> Callable[[str], bool]:
    """Whether a project path is excluded: every `_exclude` entry rendered for these
    answers, split into lines and matched as copier does (`PathSpec.match_file`)."""
    context = render_context(answers)
    lines = [
        line
        for entry in settings().get("_exclude", [])
        for line in LINE_BREAK.split(compiled(entry).render(context))
    ]
    spec = pathspec.PathSpec.from_lines(PATHSPEC_FLAVOUR, lines)
    return spec.match_file


@dataclass(frozen=True)
class TemplateFile:
    source: Path  # relative to template/, as stored
    rendered: str | None  # the project path, None when a segment renders empty

    @property
    def is_template(self) -> bool:
        return self.source.name.endswith(templates_suffix())


def template_sources() -> list[Path]:
    """Every file under template/, relative to it (including ones copier excludes)."""
    return sorted(
        path.relative_to(TEMPLATE_DIR)
        for path in TEMPLATE_DIR.rglob("*")
        if path.is_file()
    )


def rendered_path(source: Path, context: dict[str, Any]) -> str | None:
    """The project path copier writes `source` to, or None if it writes none:
    the suffix dropped, each segment rendered, nothing if a segment is empty."""
    suffix = templates_suffix()
    parts = list(source.parts)
    if parts[-1].endswith(suffix):
        parts[-1] = parts[-1].removesuffix(suffix)
    elif (TEMPLATE_DIR / f"{source}{suffix}").exists():
        return None  # copier renders the templated sibling instead
    rendered = [compiled(part).render(context) for part in parts]
    return "/".join(rendered) if all(rendered) else None


def template_files(answers: Answers) -> list[TemplateFile]:
    context = render_context(answers)
    return [
        TemplateFile(source, rendered_path(source, context))
        for source in template_sources()
    ]


def rendered_files(answers: Answers) -> dict[str, Path]:
    """Project path -> template source, for every file these answers render."""
    excluded = exclude_matcher(answers)
    return {
        file.rendered: file.source
        for file in template_files(answers)
        if file.rendered is not None and not excluded(file.rendered)
    }


def with_queue(answers: Answers, enabled: bool) -> Answers:
    return {**answers, "enable_job_queue": enabled}


@cache
def _renders_on_and_off(
    items: frozenset[tuple[str, Any]],
) -> tuple[dict[str, Path], dict[str, Path]]:
    """`rendered_files` with the queue on and with it off, the other answers kept."""
    answers = dict(items)
    return (
        rendered_files(with_queue(answers, True)),
        rendered_files(with_queue(answers, False)),
    )


def renders_on_and_off(answers: Answers) -> tuple[dict[str, Path], dict[str, Path]]:
    return _renders_on_and_off(frozenset(answers.items()))


def queue_only_paths(answers: Answers) -> list[str]:
    """The project paths that exist only with the queue on, for these answers'
    other values (package name, ...): what the queue-off `_exclude` removes."""
    queue_on, queue_off = renders_on_and_off(answers)
    return sorted(set(queue_on) - set(queue_off))


def queue_off_only_paths(answers: Answers) -> list[str]:
    """Paths rendered only with the queue off (the footprint should only remove)."""
    queue_on, queue_off = renders_on_and_off(answers)
    return sorted(set(queue_off) - set(queue_on))


def shared_files(answers: Answers) -> dict[str, Path]:
    """Project path -> template source, for files rendered with the queue on and off."""
    queue_on, queue_off = renders_on_and_off(answers)
    return {path: source for path, source in queue_on.items() if path in queue_off}


def shared_source_files(answers: Answers) -> list[Path]:
    """Template sources under src/ that render in both answers to the queue."""
    return sorted(
        source for source in shared_files(answers).values() if source.parts[0] == "src"
    )
