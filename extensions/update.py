"""Jinja globals for the message copier prints after `copier update`.

After an update the project's working tree holds the result, uncommitted, so git
knows exactly what the update changed: the message lists the files waiting with
conflict markers, the files the update removed, the user's own files that still
import something removed, the `.env` lines a newly enabled feature needs and
whether the lockfile is stale. Every function fails soft (an empty answer) when
git is missing or the folder is not a repository: the message is advice, and
must never turn a finished update into a traceback.
"""

from __future__ import annotations

import ast
import secrets
import subprocess
from pathlib import Path, PurePosixPath

from jinja2 import Environment
from jinja2.ext import Extension

try:  # Python 3.11+; on older interpreters the lock advice is given on any change.
    import tomllib
except ImportError:  # pragma: no cover - copier may run on Python 3.10
    tomllib = None  # type: ignore[assignment]

# Copier writes these around the two sides of a hunk it could not merge.
CONFLICT_MARKERS = ("<<<<<<< before updating", ">>>>>>> after updating")

# Secrets generated into `.env` at copy time, per feature: (variable, purpose).
# `.env` is never overwritten, so a feature turned on later needs them added.
# The compose passwords go into connection URLs: token_urlsafe needs no quoting.
BASE_SECRETS: list[tuple[str, str]] = [
    ("TOKEN_SECRET", "Signs access tokens: whoever knows it can log in as anyone."),
]
QUEUE_SECRETS: list[tuple[str, str]] = [
    ("TASK_SIGNING_SECRET", "Signs task payloads; API and workers share it."),
]
DOCKER_SECRETS: list[tuple[str, str]] = [
    ("MONGO_ROOT_PASSWORD", "docker compose: password of MongoDB's root account."),
]
QUEUE_DOCKER_SECRETS: list[tuple[str, str]] = [
    # No Redis in its purpose: .env outlives turning the queue off, and a
    # queue-off project names no Redis (tests/static_checks.py, QUEUE_WORDS).
    ("REDIS_PASSWORD", "docker compose: the password of the job queue's store."),
]

# Prints one fresh secret; the message quotes it so no secret lands in a log.
SECRET_COMMAND = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"

# pyproject.toml tables whose change makes uv.lock stale.
LOCKED_TABLES = (
    ("project", "dependencies"),
    ("project", "optional-dependencies"),
    ("project", "requires-python"),
    ("dependency-groups",),
    ("tool", "uv"),
)


def git_output(project: str | Path, *args: str) -> str | None:
    """What git prints, or None when git or the repository is missing (or fails)."""
    try:
        return subprocess.run(
            ["git", *args],
            cwd=project,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def git_lines(project: str | Path, *args: str) -> list[str]:
    """The non-empty lines git prints, or none when git or the repository is missing."""
    listed = git_output(project, *args)
    return [line for line in (listed or "").splitlines() if line]


def committed_text(project: str | Path, path: str) -> str | None:
    """``path`` as the last commit holds it (before the update), or None."""
    return git_output(project, "show", f"HEAD:{path}")


def removed_files(project: str | Path) -> list[str]:
    """Tracked files deleted since the last commit (what the update removed)."""
    return sorted(git_lines(project, "diff", "--name-only", "--diff-filter=D", "HEAD"))


def project_files(project: str | Path) -> list[str]:
    """Files in the working tree that git tracks or would track (not ignored)."""
    listed = git_lines(
        project, "ls-files", "--cached", "--others", "--exclude-standard"
    )
    return sorted({path for path in listed if Path(project, path).is_file()})


def conflicted_files(project: str | Path) -> list[str]:
    """Files holding copier's conflict markers, and rejected hunks (``.rej``)."""
    found = []
    for path in project_files(project):
        if path.endswith(".rej"):
            found.append(path)
            continue
        try:
            text = Path(project, path).read_text(errors="replace")
        except OSError:
            continue
        if any(marker in text for marker in CONFLICT_MARKERS):
            found.append(path)
    return found


def files_beside_template(
    project: str | Path, folder: str, template_files: list[str]
) -> list[str]:
    """Files in ``folder`` that the template does not render: the user's own."""
    directory = Path(project, folder)
    if not directory.is_dir():
        return []
    return sorted(
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.relative_to(directory).as_posix() not in template_files
    )


# What the update removed, and who still imports it -----------------------------


def module_name(path: str) -> str | None:
    """The import name of a Python file in a src-layout project, or None."""
    parts = PurePosixPath(path)
    if parts.suffix != ".py":
        return None
    names = list(parts.with_suffix("").parts)
    if names[0] == "src":
        names = names[1:]
    if names and names[-1] == "__init__":
        names = names[:-1]
    return ".".join(names) or None


def module_level_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements run at import, inside top-level ``if``/``try``/``with`` blocks too."""
    statements: list[ast.stmt] = []
    for node in body:
        statements.append(node)
        if isinstance(node, ast.If | ast.Try | ast.With):
            nested = [*node.body, *getattr(node, "orelse", [])]
            nested += [*getattr(node, "finalbody", [])]
            for handler in getattr(node, "handlers", []):
                nested += handler.body
            statements.extend(module_level_statements(nested))
    return statements


def top_level_names(source: str) -> set[str]:
    """Names a module defines at its top level (what ``from m import x`` finds)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in module_level_statements(tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update(
                (alias.asname or alias.name).split(".")[0] for alias in node.names
            )
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(
                target.id for target in targets if isinstance(target, ast.Name)
            )
    return names


def removed_definitions(project: str | Path) -> tuple[set[str], dict[str, set[str]]]:
    """Modules the update deleted, and names it removed from modules it changed."""
    modules = {name for path in removed_files(project) if (name := module_name(path))}
    names: dict[str, set[str]] = {}
    changed = git_lines(project, "diff", "--name-only", "--diff-filter=M", "HEAD")
    for path in changed:
        name = module_name(path)
        before = committed_text(project, path)
        if name is None or before is None:
            continue
        gone = top_level_names(before) - top_level_names(
            Path(project, path).read_text(errors="replace")
        )
        if gone:
            names[name] = gone
    return modules, names


def imported_modules(path: str, source: str) -> list[tuple[int, str]]:
    """(line, dotted name) for everything a module imports, relative ones resolved.

    ``from a import b`` yields both ``a`` and ``a.b`` (b may be a module or a name).
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    own = module_name(path) or ""
    package = own.split(".") if path.endswith("__init__.py") else own.split(".")[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def broken_imports(project: str | Path) -> list[str]:
    """``path:line imports name`` for every file importing what the update removed."""
    modules, names = removed_definitions(project)
    if not modules and not names:
        return []
    broken: dict[tuple[str, int], str] = {}
    for path in project_files(project):
        if not path.endswith(".py"):
            continue
        source = Path(project, path).read_text(errors="replace")
        for line, imported in imported_modules(path, source):
            parent, _, last = imported.rpartition(".")
            gone = any(
                imported == module or imported.startswith(f"{module}.")
                for module in modules
            ) or last in names.get(parent, set())
            # One entry per import line: the removed module rather than its names.
            if gone and len(imported) < len(broken.get((path, line), imported + ".")):
                broken[(path, line)] = imported
    return [
        f"{path}:{line} imports {broken[path, line]}" for path, line in sorted(broken)
    ]


# .env and the lockfile ------------------------------------------------------------


def secrets_for(enable_job_queue: bool, use_docker: bool) -> list[tuple[str, str]]:
    """The secrets `.env` gets at copy time for these answers."""
    return [
        *BASE_SECRETS,
        *(QUEUE_SECRETS if enable_job_queue else []),
        *(DOCKER_SECRETS if use_docker else []),
        *(QUEUE_DOCKER_SECRETS if enable_job_queue and use_docker else []),
    ]


def random_secret() -> str:
    """A fresh secret for files written once (`.env` is never overwritten)."""
    return secrets.token_urlsafe(32)


def missing_env_lines(
    project: str | Path, enable_job_queue: bool, use_docker: bool
) -> list[str]:
    """Shell commands that append each secret `.env` lacks, generating its value."""
    env = Path(project, ".env")
    present = set()
    if env.is_file():
        for line in env.read_text(errors="replace").splitlines():
            name, separator, _ = line.partition("=")
            if separator and not name.lstrip().startswith("#"):
                present.add(name.strip().removeprefix("export "))
    return [
        f'echo "{name}=$({SECRET_COMMAND})" >> .env'
        for name, _ in secrets_for(enable_job_queue, use_docker)
        if name not in present
    ]


def locked_tables(text: str | None) -> list[object] | None:
    """The parts of a pyproject.toml that uv.lock depends on (None if unreadable)."""
    if text is None or tomllib is None:
        return None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    picked: list[object] = []
    for keys in LOCKED_TABLES:
        value: object = document
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        picked.append(value)
    return picked


def dependencies_changed(project: str | Path) -> bool:
    """Whether the update changed what uv.lock was resolved from."""
    before = committed_text(project, "pyproject.toml")
    path = Path(project, "pyproject.toml")
    after = path.read_text(errors="replace") if path.is_file() else None
    if before == after:
        return False
    old, new = locked_tables(before), locked_tables(after)
    # Unreadable (conflict markers, no tomllib): advise the lock to be safe.
    return old is None or new is None or old != new


class UpdateReport(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["removed_files"] = removed_files
        environment.globals["conflicted_files"] = conflicted_files
        environment.globals["broken_imports"] = broken_imports
        environment.globals["files_beside_template"] = files_beside_template
        environment.globals["missing_env_lines"] = missing_env_lines
        environment.globals["dependencies_changed"] = dependencies_changed
        environment.globals["secrets_for"] = secrets_for
        environment.globals["secret_command"] = SECRET_COMMAND
        environment.globals["random_secret"] = random_secret
