"""The template's Jinja extension modules, loaded by file path as copier loads them."""

import importlib.util
from types import ModuleType
from typing import Any

from tests.answers import TEMPLATE_ROOT, Answers

EXTENSIONS = TEMPLATE_ROOT / "extensions"


def load_extension_module(name: str) -> ModuleType:
    path = EXTENSIONS / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"template_{name}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


context = load_extension_module("context")
answer_rules = load_extension_module("answers")
quoting = load_extension_module("quoting")
update_report = load_extension_module("update")


def derived(answers: Answers) -> dict[str, Any]:
    """The values the extension derives from these answers (package name, ...)."""
    result: dict[str, Any] = context.derived_context(
        {"project_slug": answer_rules.slugify(answers["project_name"]), **answers}
    )
    return result
