"""Checks a rendered project must pass without running it: one function per rule.

Each returns the problems it finds (empty when clean), so a failing test lists
every problem of a render at once instead of the first.
"""

import contextlib
import io
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml
from check_jsonschema.cli.main_command import main as check_jsonschema

from tests.answers import Answers
from tests.extension import derived, update_report
from tests.footprint import (
    TEMPLATE_DIR,
    exclude_matcher,
    queue_only_paths,
    shared_source_files,
    template_sources,
    templates_suffix,
)

# Jinja openers that must never survive rendering. GitHub Actions' `${{` is not Jinja.
LEFTOVER_JINJA = re.compile(r"(?<!\$)\{\{|\{%|\{#")

# Words that must not appear in a queue-off project outside the stub README.
QUEUE_WORDS = re.compile(r"streaq|\bredis\b|REDIS_URL|\bworker\b", re.IGNORECASE)

CI_FILES = {
    "github": (".github/workflows/ci.yml", "vendor.github-workflows"),
    "gitlab": (".gitlab-ci.yml", "vendor.gitlab-ci"),
}


def expected_files(answers: Answers) -> dict[str, bool]:
    """Each path the answers decide on, and whether it must exist."""
    package = f"src/{derived(answers)['package_name']}"
    queue = bool(answers["enable_job_queue"])
    docker = bool(answers["use_docker"])
    ci = answers["ci_provider"]
    return {
        **dict.fromkeys(always_files(package), True),
        # Derived from copier.yml's `_exclude`, never listed by hand.
        **dict.fromkeys(queue_only_paths(answers), queue),
        "tests/test_api_schema.py": True,
        "Dockerfile": docker,
        "tests/test_docker_image.py": docker,
        "compose.yaml": docker,
        "deploy/kubernetes/base/kustomization.yaml": docker,
        "deploy/kubernetes/overlays/production/kustomization.yaml": docker,
        ".github/workflows/ci.yml": ci == "github",
        ".github/dependabot.yml": ci == "github",
        ".gitlab-ci.yml": ci == "gitlab",
    }


def always_files(package: str) -> list[str]:
    """Files every project has, whatever the answers (a hand list on purpose: it
    catches a shared file that goes missing or joins the queue's footprint)."""
    return [
        ".copier-answers.yml",
        ".dockerignore",
        ".env",
        ".env.example",
        ".gitignore",
        ".python-version",
        "LICENSE",
        "README.md",
        "pyproject.toml",
        f"{package}/__init__.py",
        f"{package}/__main__.py",
        f"{package}/accounts.py",
        f"{package}/api/access.py",
        f"{package}/api/auth.py",
        f"{package}/api/body_deadline.py",
        f"{package}/api/dependencies.py",
        f"{package}/api/errors.py",
        f"{package}/api/health.py",
        f"{package}/api/users.py",
        f"{package}/app.py",
        f"{package}/auth/passwords.py",
        f"{package}/auth/rate_limits.py",
        f"{package}/auth/tokens.py",
        f"{package}/causes.py",
        f"{package}/checks.py",
        f"{package}/cli.py",
        f"{package}/config.py",
        f"{package}/db.py",
        f"{package}/models/__init__.py",
        f"{package}/models/timestamps.py",
        f"{package}/models/user.py",
        f"{package}/services/email.py",
        f"{package}/services/welcome.py",
        f"{package}/tasks/README.md",
        f"{package}/tasks/__init__.py",
        "tests/conftest.py",
        "tests/support/accounts.py",
        "tests/test_access.py",
        "tests/test_auth.py",
        "tests/test_cli.py",
        "tests/test_database_outage.py",
        "tests/test_make_admin.py",
        "tests/test_users.py",
    ]


def file_layout_problems(project: Path, answers: Answers) -> list[str]:
    return [
        f"{path} should {'exist' if wanted else 'not exist'}"
        for path, wanted in expected_files(answers).items()
        if (project / path).is_file() != wanted
    ]


def leftover_jinja_problems(project: Path, files: list[Path]) -> list[str]:
    problems = []
    for relative in files:
        if relative.suffix == ".jinja" or LEFTOVER_JINJA.search(str(relative)):
            problems.append(f"{relative}: unrendered template name")
            continue
        text = (project / relative).read_text(errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if LEFTOVER_JINJA.search(line):
                problems.append(f"{relative}:{number}: leftover Jinja: {line.strip()}")
    return problems


def compile_problems(project: Path, files: list[Path]) -> list[str]:
    problems = []
    for relative in files:
        if relative.suffix == ".py":
            try:
                compile((project / relative).read_text(), str(relative), "exec")
            except SyntaxError as error:
                problems.append(f"{relative}: {error}")
    return problems


def ruff_problems(project: Path) -> list[str]:
    """`ruff check` and `ruff format --check` with the project's own settings."""
    problems = []
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
            cwd=project,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            problems.append(
                f"ruff {' '.join(command)}:\n{result.stdout}{result.stderr}"
            )
    return problems


def dev_tool(name: str) -> str:
    """A command-line tool of the template's dev group, beside this interpreter."""
    path = Path(sys.executable).with_name(name)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: install the template's dev group: uv sync")
    return str(path)


def tool_problems(project: Path, command: list[str], what: str) -> list[str]:
    """Run a linter in the project folder (where it finds its config file)."""
    result = subprocess.run(command, cwd=project, capture_output=True, text=True)
    if result.returncode == 0:
        return []
    return [f"{what} (exit {result.returncode}):\n{result.stdout}{result.stderr}"]


GITHUB_WORKFLOWS = Path(".github", "workflows")


def workflow_files(project: Path) -> list[str]:
    folder = project / GITHUB_WORKFLOWS
    return sorted(
        path.relative_to(project).as_posix()
        for path in folder.glob("*.y*ml")
        if path.is_file()
    )


def zizmor_problems(project: Path) -> list[str]:
    """zizmor's security audits of the GitHub workflows: offline (no GitHub API,
    so no audit that needs it), honouring the project's .github/zizmor.yml."""
    if not workflow_files(project):
        return []
    return tool_problems(
        project,
        [dev_tool("zizmor"), "--offline", "--no-progress", "--color=never", "."],
        "zizmor",
    )


def actionlint_problems(project: Path) -> list[str]:
    """actionlint on the GitHub workflows: syntax, expressions, runner and action
    facts (a retired Node runtime), and shellcheck on every `run:` script."""
    workflows = workflow_files(project)
    if not workflows:
        return []
    return tool_problems(
        project,
        [
            dev_tool("actionlint"),
            "-no-color",
            "-shellcheck",
            dev_tool("shellcheck"),
            *workflows,
        ],
        "actionlint",
    )


def hadolint_problems(project: Path) -> list[str]:
    """hadolint (with the shellcheck built into it) on the Dockerfile, honouring
    the project's .hadolint.yaml."""
    if not (project / "Dockerfile").is_file():
        return []
    return tool_problems(
        project, [dev_tool("hadolint"), "--no-color", "Dockerfile"], "hadolint"
    )


def schema_problems(path: Path, builtin_schema: str) -> list[str]:
    """Validate a file against one of check-jsonschema's bundled schemas."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            code = check_jsonschema.main(
                args=["--builtin-schema", builtin_schema, str(path)],
                standalone_mode=False,
            )
        except SystemExit as exit_:
            code = exit_.code
    return (
        [] if code == 0 else [f"{path.name} ({builtin_schema}):\n{output.getvalue()}"]
    )


def config_file_problems(project: Path, answers: Answers) -> list[str]:
    """pyproject and the answers file parse and say what was asked; CI and compose
    files validate against their published schemas."""
    problems = []
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    if pyproject["project"]["requires-python"] != f">={answers['python_version']}":
        problems.append("pyproject.toml: requires-python does not match the answer")
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    for name, value in answers.items():
        if recorded.get(name) != value:
            problems.append(f".copier-answers.yml: {name}={recorded.get(name)!r}")
    if "_commit" not in recorded or "_src_path" not in recorded:
        problems.append(".copier-answers.yml: no _commit/_src_path for updates")
    if answers["ci_provider"] in CI_FILES:
        name, schema = CI_FILES[answers["ci_provider"]]
        problems += schema_problems(project / name, schema)
    if answers["ci_provider"] == "github":
        problems += schema_problems(
            project / ".github" / "dependabot.yml", "vendor.dependabot"
        )
    if answers["use_docker"]:
        problems += schema_problems(project / "compose.yaml", "vendor.compose-spec")
        services = set(
            yaml.safe_load((project / "compose.yaml").read_text())["services"]
        )
        wanted = {"api", "mongo"} | (
            {"redis", "worker"} if answers["enable_job_queue"] else set()
        )
        if services != wanted:
            problems.append(
                f"compose.yaml services {sorted(services)} != {sorted(wanted)}"
            )
    return problems


def env_values(path: Path) -> dict[str, str]:
    """NAME -> value of a .env-style file; a commented-out `# NAME=` counts, empty."""
    values = {}
    for line in path.read_text().splitlines():
        if match := re.match(r"^(#\s?)?([A-Z][A-Z0-9_]*)=(.*)$", line):
            values[match[2]] = "" if match[1] else match[3]
    return values


# A secret written at copy time: random_secret()'s token_urlsafe(32).
RANDOM_SECRET = re.compile(r"^[A-Za-z0-9_-]{43}$")


def env_secret_problems(project: Path, answers: Answers) -> list[str]:
    """.env holds a random value for every secret these answers need, and
    .env.example documents each without giving it a usable value."""
    names = [
        name
        for name, _ in update_report.secrets_for(
            bool(answers["enable_job_queue"]), bool(answers["use_docker"])
        )
    ]
    env = env_values(project / ".env")
    example = env_values(project / ".env.example")
    problems = [
        f".env: {name} is not a random secret"
        for name in names
        if not RANDOM_SECRET.match(env.get(name, ""))
    ]
    problems += [
        f".env.example: {name} is not documented"
        for name in names
        if name not in example
    ]
    problems += [
        f".env.example: {name}={example[name]} gives a secret a value"
        for name in names
        if example.get(name, "")
    ]
    return problems


COMPOSE_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}")
LOOPBACK = "127.0.0.1"


def published_host_ips(port: object) -> str | None:
    """The host address a compose `ports` entry binds (None: all interfaces)."""
    if isinstance(port, dict):
        return port.get("host_ip")
    parts = str(port).rsplit(":", 2)
    return parts[0] if len(parts) == 3 else None


def compose_problems(project: Path) -> list[str]:
    """The compose stack is private and self-healing by default: ports published
    on the loopback interface only, a restart policy on every service, and every
    variable it reads required (`${NAME:?message}`) and present in .env."""
    compose = project / "compose.yaml"
    if not compose.is_file():
        return []
    text = compose.read_text()
    services = yaml.safe_load(text)["services"]
    problems = []
    for name, service in services.items():
        if "restart" not in service:
            problems.append(f"compose.yaml: {name} has no restart policy")
        problems += [
            f"compose.yaml: {name} publishes {port!r} on every interface"
            for port in service.get("ports", [])
            if published_host_ips(port) != LOOPBACK
        ]
    problems += replica_set_problems(services)
    env = env_values(project / ".env")
    for variable, modifier in COMPOSE_VARIABLE.findall(text):
        if not modifier.startswith(":?") or len(modifier) <= 2:
            problems.append(
                f"compose.yaml: ${{{variable}{modifier}}} must be required with a"
                f" message (${{{variable}:?set {variable} in .env}})"
            )
        if not env.get(variable):
            problems.append(f"compose.yaml reads {variable}, which .env lacks")
    return problems


def replica_set_problems(services: dict[str, Any]) -> list[str]:
    """Compose's MongoDB is a replica set (transactions need one) and every
    MONGODB_URL of the stack names that set."""
    mongo = services.get("mongo")
    if mongo is None:
        return []
    # Compose takes either a string or a list for each.
    started_with = " ".join(
        part if isinstance(part, str) else " ".join(map(str, part))
        for part in (mongo.get("entrypoint"), mongo.get("command"))
        if part
    )
    if (named := re.search(r"--replSet (\w+)", started_with)) is None:
        return ["compose.yaml: mongo is not started as a replica set (--replSet)"]
    return [
        f"compose.yaml: {name}'s MONGODB_URL does not name replicaSet={named[1]}"
        for name, service in services.items()
        if isinstance(service.get("environment"), dict)
        and "MONGODB_URL" in service["environment"]
        and f"replicaSet={named[1]}" not in service["environment"]["MONGODB_URL"]
    ]


def queue_off_problems(project: Path, files: list[Path], answers: Answers) -> list[str]:
    """With the queue off, nothing but the stub README may mention it."""
    if answers["enable_job_queue"]:
        return []
    stub = Path("src", derived(answers)["package_name"], "tasks", "README.md")
    problems = []
    for relative in files:
        if relative == stub:
            continue
        for number, line in enumerate((project / relative).read_text().splitlines(), 1):
            if QUEUE_WORDS.search(line):
                problems.append(
                    f"{relative}:{number}: mentions the queue: {line.strip()}"
                )
    return problems


# The template's own story: words about how the template is built, tested or
# benchmarked that have no place in a generated project.
TEMPLATE_STORY = re.compile(r"this template|nox -s|benchmark|farm-", re.IGNORECASE)
STORY_EXEMPT = {Path(".copier-answers.yml"), Path("LICENSE")}


def template_story_problems(project: Path, files: list[Path]) -> list[str]:
    """No rendered file tells the template's own story (how it is tested, ...)."""
    problems = []
    for relative in files:
        if relative in STORY_EXEMPT:
            continue
        text = (project / relative).read_text(errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if match := TEMPLATE_STORY.search(line):
                problems.append(
                    f"{relative}:{number}: the template's story ({match.group()!r}): {line.strip()}"
                )
    return problems


# Template-tree rules: they read template/ itself, so they run once, not per render.

# Any Jinja opener at all, in a file copier renders (`${{` included).
JINJA_OPENER = re.compile(r"\{\{|\{%|\{#")
QUEUE_NAME = re.compile(r"\benable_job_queue\b")


def jinja_suffix_problems() -> list[str]:
    """`.jinja` exactly on the files that hold Jinja: a suffixed file without it
    renders for nothing, an unsuffixed file with it is copied verbatim, Jinja and all
    (GitHub Actions' `${{` aside)."""
    suffix = templates_suffix()
    always_excluded = exclude_matcher({"enable_job_queue": True})
    problems = []
    for source in template_sources():
        if always_excluded(source.as_posix().removesuffix(suffix)):
            continue
        text = (TEMPLATE_DIR / source).read_text(errors="replace")
        if source.name.endswith(suffix):
            if not JINJA_OPENER.search(text):
                problems.append(f"{source}: no Jinja in it, drop the {suffix} suffix")
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if LEFTOVER_JINJA.search(line):
                problems.append(
                    f"{source}:{number}: Jinja in a file copied verbatim (no {suffix}): {line.strip()}"
                )
    return problems


def queue_named_path_problems() -> list[str]:
    """The queue decides which paths exist in one place, copier.yml's `_exclude`:
    no file or folder name of the template may test it."""
    return [
        f"{source}: the name tests enable_job_queue; declare it in copier.yml's _exclude"
        for source in template_sources()
        if QUEUE_NAME.search(source.as_posix())
    ]


# The whole-line budget for queue conditionals in shared source files.
QUEUE_BLOCK_BUDGET = 15

JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
JINJA_TOKEN = re.compile(
    r"(?P<tag>\{%[-+]?\s*(?P<keyword>\w+)(?P<body>.*?)[-+]?%\})"
    r"|(?P<expression>(?<!\$)\{\{(?P<inner>.*?)\}\})",
    re.DOTALL,
)
# Tags that open a block closed by `end<keyword>` (`set` only without `=`).
BLOCK_KEYWORDS = {
    "autoescape",
    "block",
    "call",
    "filter",
    "for",
    "if",
    "macro",
    "raw",
    "set",
    "trans",
    "with",
}
SET_ALIAS = re.compile(r"^\s*(\w+)\s*=")


@dataclass
class QueueConditionals:
    blocks: int = 0  # `if`s (or an `elif`) on enable_job_queue
    mid_line: list[tuple[int, str]] = field(default_factory=list)  # (line, text)


def _alone_on_its_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    return not (text[line_start:start] + text[end:line_end]).strip()


def queue_conditionals(text: str) -> QueueConditionals:
    """Count the enable_job_queue blocks of a template's text and find every one
    that is not whole-line: its `if`/`elif`/`else`/`endif` sharing a line with
    anything but whitespace, or the flag tested inside a `{{ }}` expression.

    A name `{% set %}` from the flag counts as the flag. Comments are ignored.
    """
    # Blank comments (keeping line breaks) so their text is never taken for tags.
    text = JINJA_COMMENT.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), text)
    found = QueueConditionals()
    names = {"enable_job_queue"}
    stack: list[list[Any]] = []  # [keyword, tests the queue]
    in_raw = False

    def mentions(body: str) -> bool:
        return any(re.search(rf"\b{re.escape(name)}\b", body) for name in names)

    def flag(match: re.Match[str]) -> None:
        line = text.count("\n", 0, match.start()) + 1
        content = text.splitlines()[line - 1].strip()
        if (line, content) not in found.mid_line:
            found.mid_line.append((line, content))

    def must_be_alone(match: re.Match[str]) -> None:
        if not _alone_on_its_line(text, match.start(), match.end()):
            flag(match)

    for match in JINJA_TOKEN.finditer(text):
        keyword = match.group("keyword")
        if in_raw:
            in_raw = keyword != "endraw"
            continue
        if match.group("expression") is not None:
            if mentions(match.group("inner")):
                flag(match)
            continue
        body = match.group("body")
        queue = mentions(body)
        if keyword == "set" and queue and (alias := SET_ALIAS.match(body)):
            names.add(alias.group(1))
        if keyword == "raw":
            in_raw = True
        elif keyword in BLOCK_KEYWORDS and not (keyword == "set" and "=" in body):
            stack.append([keyword, queue])
            if keyword == "if" and queue:
                found.blocks += 1
        elif keyword == "elif" and stack:
            if queue and not stack[-1][1]:
                stack[-1][1] = True
                found.blocks += 1
            queue = stack[-1][1]
        elif keyword == "else" and stack:
            queue = stack[-1][1]
        elif keyword.startswith("end") and stack:
            queue = stack.pop()[1]
        if queue:
            must_be_alone(match)
    return found


def queue_block_counts(answers: Answers) -> dict[str, int]:
    """enable_job_queue blocks per shared source file (rendered with the queue on
    and off), template path -> count."""
    return block_counts(shared_queue_conditionals(answers))


def block_counts(found: dict[Path, QueueConditionals]) -> dict[str, int]:
    return {str(source): conditionals.blocks for source, conditionals in found.items()}


def shared_queue_conditionals(answers: Answers) -> dict[Path, QueueConditionals]:
    return {
        source: queue_conditionals((TEMPLATE_DIR / source).read_text(errors="replace"))
        for source in shared_source_files(answers)
    }


def queue_conditional_problems(answers: Answers) -> list[str]:
    """In shared source files, queue conditionals are whole lines, and few."""
    found = shared_queue_conditionals(answers)
    problems = [
        f"{source}:{line}: mid-line enable_job_queue conditional: {content}"
        for source, conditionals in found.items()
        for line, content in conditionals.mid_line
    ]
    counts = block_counts(found)
    total = sum(counts.values())
    if total > QUEUE_BLOCK_BUDGET:
        problems.append(
            f"{total} enable_job_queue blocks in shared source files, over the budget"
            f" of {QUEUE_BLOCK_BUDGET}:\n{format_counts(counts)}"
        )
    return problems


def format_counts(counts: dict[str, int]) -> str:
    rows = [f"  {count:3}  {path}" for path, count in sorted(counts.items()) if count]
    return "\n".join([*rows, f"  {sum(counts.values()):3}  total"])


# Kubernetes manifests (rendered with use_docker): built with kustomize, each
# resource validated offline against the schemas of its kind.

KUBERNETES_DIR = Path("deploy", "kubernetes")
KUSTOMIZATIONS = ("base", "overlays/production")
# The oldest Kubernetes the manifests promise to work on, and the newest schemas
# kubernetes-validate carries.
KUBERNETES_VERSIONS = ("1.30", kubernetes_validate.latest_version())
KEDA_CRD = Path(__file__).parent / "data" / "keda" / "keda.sh_scaledobjects.yaml"
IMAGE_USER = re.compile(r"^USER (\d+):(\d+)$", re.MULTILINE)


def closed_to_unknown_fields(schema: Any) -> Any:
    """A CRD schema that refuses fields it does not declare, as the API server's
    strict field validation does (`x-kubernetes-preserve-unknown-fields` aside)."""
    if isinstance(schema, list):
        return [closed_to_unknown_fields(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {name: closed_to_unknown_fields(value) for name, value in schema.items()}
    if (
        "properties" in schema
        and "additionalProperties" not in schema
        and not schema.get("x-kubernetes-preserve-unknown-fields")
    ):
        closed["additionalProperties"] = False
    return closed


@cache
def scaled_object_validator() -> jsonschema.Draft7Validator:
    crd = yaml.safe_load(KEDA_CRD.read_text())
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"]
    schema = closed_to_unknown_fields(version["schema"]["openAPIV3Schema"])
    return jsonschema.Draft7Validator(schema)


def resource_schema_problems(resource: dict[str, Any]) -> list[str]:
    """The resource against Kubernetes' schemas (strict: unknown fields are
    errors) or, for KEDA's ScaledObject, against KEDA's CRD."""
    name = f"{resource.get('kind')}/{resource.get('metadata', {}).get('name')}"
    if resource.get("apiVersion") == "keda.sh/v1alpha1":
        if resource.get("kind") != "ScaledObject":
            return [f"{name}: no schema kept for this KEDA kind"]
        return [
            f"{name}: {'.'.join(map(str, error.path))}: {error.message}"
            for error in scaled_object_validator().iter_errors(resource)
        ]
    problems = []
    for version in KUBERNETES_VERSIONS:
        try:
            kubernetes_validate.validate(resource, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            where = ".".join(map(str, error.path))
            problems.append(f"{name} (Kubernetes {version}): {where}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            problems.append(f"{name}: {error.message}")
    return problems


def kustomize_build(folder: Path) -> list[dict[str, Any]] | str:
    """The resources `kubectl kustomize` makes of `folder`, or its error."""
    result = subprocess.run(
        [dev_tool("kubectl"), "kustomize", str(folder)], capture_output=True, text=True
    )
    if result.returncode != 0:
        return result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]


def kubernetes_problems(project: Path, answers: Answers) -> list[str]:
    """With use_docker: the base and the production overlay build with kustomize,
    every resource validates, and together they are what the README promises."""
    folder = project / KUBERNETES_DIR
    if not answers["use_docker"]:
        return [f"{KUBERNETES_DIR} should not exist"] if folder.exists() else []
    user = IMAGE_USER.search((project / "Dockerfile").read_text())
    if user is None:
        return ["Dockerfile: no numeric `USER uid:gid` for runAsNonRoot"]
    problems = []
    for kustomization in KUSTOMIZATIONS:
        built = kustomize_build(folder / kustomization)
        if isinstance(built, str):
            problems.append(f"kubectl kustomize {kustomization}:\n{built}")
            continue
        found = [
            problem
            for resource in built
            for problem in resource_schema_problems(resource)
        ] + deployment_problems(built, answers, int(user[1]))
        problems += [f"{KUBERNETES_DIR / kustomization}: {p}" for p in found]
    return problems


def of_kind(resources: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def deployment_problems(
    resources: list[dict[str, Any]], answers: Answers, uid: int
) -> list[str]:
    """What the issue asks of the manifests, checked on the built resources."""
    queue = bool(answers["enable_job_queue"])
    kinds = {r["kind"] for r in resources}
    wanted = {
        "ConfigMap",
        "Service",
        "Deployment",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
    } | ({"ScaledObject"} if queue else set())
    problems = [f"kinds {sorted(kinds)} != {sorted(wanted)}"] if kinds != wanted else []
    deployments = of_kind(resources, "Deployment")
    config_maps = list(of_kind(resources, "ConfigMap").values())
    if len(config_maps) != 1:
        return [*problems, "not one settings ConfigMap"]
    (config_map,) = config_maps
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        context = pod.get("securityContext", {})
        if not context.get("runAsNonRoot") or context.get("runAsUser") != uid:
            problems.append(f"{name}: runAsNonRoot with runAsUser {uid} (the image's)")
        for container in pod["containers"]:
            if not container.get("securityContext", {}).get("readOnlyRootFilesystem"):
                problems.append(f"{name}: root filesystem not read-only")
            if not {"requests", "limits"} <= set(container.get("resources", {})):
                problems.append(f"{name}: resource requests and limits missing")
            sources = container.get("envFrom", [])
            if {
                "configMapRef": {"name": config_map["metadata"]["name"]}
            } not in sources:
                problems.append(f"{name}: does not read the settings ConfigMap")
            if not any("secretRef" in source for source in sources):
                problems.append(f"{name}: does not read the Secret")
    problems += api_problems(resources, deployments)
    if queue:
        problems += worker_problems(resources, deployments, config_map.get("data", {}))
    return problems


def api_problems(
    resources: list[dict[str, Any]], deployments: dict[str, dict[str, Any]]
) -> list[str]:
    api = [
        d
        for d in deployments.values()
        if "serve" in d["spec"]["template"]["spec"]["containers"][0]["command"]
    ]
    if len(api) != 1:
        return ["no single Deployment runs `serve`"]
    (deployment,) = api
    name = deployment["metadata"]["name"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    problems = []
    if "--no-require-services" not in container["command"]:
        problems.append(f"{name}: serve without --no-require-services")
    for probe, path in (
        ("readinessProbe", "/health/ready"),
        ("livenessProbe", "/health/live"),
    ):
        if container.get(probe, {}).get("httpGet", {}).get("path") != path:
            problems.append(f"{name}: {probe} is not on {path}")
    for autoscaler in of_kind(resources, "HorizontalPodAutoscaler").values():
        if autoscaler["spec"]["scaleTargetRef"]["name"] != name:
            problems.append(
                f"HPA {autoscaler['metadata']['name']} scales no API Deployment"
            )
        if autoscaler["spec"].get("minReplicas", 1) < 2:
            problems.append("the API may run fewer than two replicas")
    selectors = [
        r["spec"]["selector"]
        if r["kind"] == "Service"
        else r["spec"]["selector"]["matchLabels"]
        for r in resources
        if r["kind"] in {"Service", "PodDisruptionBudget"}
    ]
    problems += [
        f"a Service or PDB selects {selector}, not the API's pods"
        for selector in selectors
        if not selector.items() <= labels.items()
    ]
    return problems


def worker_problems(
    resources: list[dict[str, Any]],
    deployments: dict[str, dict[str, Any]],
    settings: dict[str, str],
) -> list[str]:
    workers = [
        d
        for d in deployments.values()
        if "worker" in d["spec"]["template"]["spec"]["containers"][0]["command"]
    ]
    if len(workers) != 1:
        return ["no single Deployment runs `worker`"]
    (deployment,) = workers
    name = deployment["metadata"]["name"]
    pod = deployment["spec"]["template"]["spec"]
    problems = []
    grace = int(settings.get("WORKER_GRACE_PERIOD_SECONDS", "25"))
    if pod.get("terminationGracePeriodSeconds", 30) <= grace:
        problems.append(
            f"{name}: terminationGracePeriodSeconds <= the worker's {grace} s"
        )
    liveness = pod["containers"][0].get("livenessProbe", {}).get("exec", {})
    if liveness.get("command", [])[-2:] != ["worker", "health"]:
        problems.append(f"{name}: liveness is not `worker health`")
    for scaled in of_kind(resources, "ScaledObject").values():
        spec = scaled["spec"]
        if spec["scaleTargetRef"]["name"] != name:
            problems.append("the ScaledObject scales no worker Deployment")
        if not 1 <= spec.get("minReplicaCount", 0) <= spec.get("maxReplicaCount", 100):
            problems.append("the ScaledObject's bounds are not 1 <= min <= max")
        triggers = spec["triggers"]
        streams = {t["metadata"].get("stream") for t in triggers}
        if len(streams) != len(triggers) or len(triggers) < 1:
            problems.append("the ScaledObject needs one trigger per priority stream")
        problems += [
            f"trigger {t.get('name')}: not a redis-streams lagCount trigger on group `workers`"
            for t in triggers
            if t["type"] != "redis-streams"
            or t["metadata"].get("consumerGroup") != "workers"
            or "lagCount" not in t["metadata"]
        ]
    return problems
