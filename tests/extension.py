"""The template's Jinja extension module, loaded by file path as copier loads it."""

import importlib.util
from types import ModuleType
from typing import Any

from tests.answers import TEMPLATE_ROOT, Answers

EXTENSION_PATH = TEMPLATE_ROOT / "extensions" / "context.py"


def load_extension_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("template_context", EXTENSION_PATH)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {EXTENSION_PATH}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


context = load_extension_module()


def derived(answers: Answers) -> dict[str, Any]:
    """The values the extension derives from these answers (package name, ...)."""
    result: dict[str, Any] = context.derived_context(
        {"project_slug": context.slugify(answers["project_name"]), **answers}
    )
    return result
