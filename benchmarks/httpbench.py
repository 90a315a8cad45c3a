"""Row 3 and the API half of row 4: wrk against the generated app and baselines,
each under the same uvicorn command (one process, access log off)."""

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .procs import BenchmarkError, free_port, run, server
from .project import Project
from .runtime import private_run
from .stats import Better
from .table import Measurement
from .wrk import LoadSettings, WrkReport, load, median_report

# Identical for every app: only the import target differs.
UVICORN_FLAGS = ("--log-level", "warning", "--no-access-log")


@dataclass(frozen=True)
class App:
    label: str
    target: str  # uvicorn's module:attribute
    factory: bool = False


@dataclass(frozen=True)
class Load:
    method_path: str  # how the row names it, e.g. "POST /users"
    path: str
    script: str | None = None
    # The template answers this route to admins only: its requests carry an
    # admin's token (baselines have no accounts and get none).
    as_admin: bool = False


def template_app(project: Project) -> App:
    return App("template", f"{project.package}.app:create_app", factory=True)


BARE = App("bare", "benchmarks.apps.bare:app")
BARE_ROUTED = App("bare-routed", "benchmarks.apps.bare:routed_app")
DIRECT = App("direct", "benchmarks.apps.direct:app")
ENQUEUE = App("enqueue", "benchmarks.apps.enqueue:app")

LIVE = Load("GET /health/live", "/health/live")
USERS = Load("POST /users", "/users", "post_users.lua")
PING = Load("POST /tasks/ping", "/tasks/ping", "post_empty.lua", as_admin=True)


def measure_app(
    project: Project, app: App, target: Load, settings: LoadSettings
) -> WrkReport:
    """Start `app` on a fresh store and a private queue, put `target` under load."""
    with private_run(project, app.label) as (workdir, env):
        port = free_port()
        command = [str(project.python), "-m", "uvicorn", app.target]
        command += ["--factory"] if app.factory else []
        command += ["--host", "127.0.0.1", "--port", str(port), *UVICORN_FLAGS]
        base = f"http://127.0.0.1:{port}"
        with server(
            command,
            cwd=workdir,
            env=env,
            ready_url=f"{base}/health/live",
            log=workdir / "server.log",
        ):
            headers = []
            if target.as_admin and app.factory:
                token = admin_token(base, project, workdir, env)
                headers.append(f"Authorization: Bearer {token}")
            return load(
                base + target.path, settings, script=target.script, headers=headers
            )


def admin_token(
    base_url: str, project: Project, workdir: Path, env: Mapping[str, str]
) -> str:
    """An access token for a new admin of the running template app, made the way
    a person would: sign up, `make-admin`, log in."""
    email = f"admin-{secrets.token_hex(4)}@bench.example.com"
    password = secrets.token_urlsafe(16)
    sign_up = json.dumps({"email": email, "name": "Bench Admin", "password": password})
    post(f"{base_url}/users", sign_up.encode(), "application/json")
    run([str(project.bin / project.slug), "make-admin", email], cwd=workdir, env=env)
    form = urllib.parse.urlencode({"username": email, "password": password})
    answer = post(
        f"{base_url}/auth/token", form.encode(), "application/x-www-form-urlencoded"
    )
    token: str = json.loads(answer)["access_token"]
    return token


def post(url: str, body: bytes, content_type: str) -> bytes:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: bytes = response.read()
            return answer
    except urllib.error.HTTPError as error:
        raise BenchmarkError(
            f"POST {url} answered {error.code}: {error.read()[:300]!r}"
        ) from None


def measure_rounds(
    project: Project, apps: Sequence[App], target: Load, settings: LoadSettings
) -> list[WrkReport]:
    """Each app's median report over `settings.rounds` rounds, the apps taking
    turns within a round so that a slow patch of the machine hits all of them."""
    rounds: list[list[WrkReport]] = [[] for _ in apps]
    for _ in range(settings.rounds):
        for reports, app in zip(rounds, apps, strict=True):
            reports.append(measure_app(project, app, target, settings))
    return [median_report(reports) for reports in rounds]


def compare(name: str, template: WrkReport, baseline: WrkReport) -> list[Measurement]:
    return [
        Measurement(
            f"{name}: req/s",
            template.requests_per_second,
            baseline.requests_per_second,
            "req/s",
            Better.HIGHER,
        ),
        Measurement(
            f"{name}: p50 latency", template.p50_ms, baseline.p50_ms, "ms", Better.LOWER
        ),
        Measurement(
            f"{name}: p99 latency", template.p99_ms, baseline.p99_ms, "ms", Better.LOWER
        ),
    ]


def measure(project: Project, settings: LoadSettings) -> list[Measurement]:
    tpl = template_app(project)
    live, live_bare, live_routed = measure_rounds(
        project, [tpl, BARE, BARE_ROUTED], LIVE, settings
    )
    users, users_bare, users_direct = measure_rounds(
        project, [tpl, BARE, DIRECT], USERS, settings
    )
    return [
        *compare("HTTP `GET /health/live` vs. bare FastAPI", live, live_bare),
        *compare(
            "HTTP `GET /health/live` vs. bare FastAPI, route in an APIRouter",
            live,
            live_routed,
        ),
        *compare("HTTP `POST /users` vs. bare FastAPI (no work)", users, users_bare),
        *compare(
            "HTTP `POST /users` vs. FastAPI doing the same insert + enqueue",
            users,
            users_direct,
        ),
    ]


def measure_enqueue_api(project: Project, settings: LoadSettings) -> list[Measurement]:
    template, baseline = measure_rounds(
        project, [template_app(project), ENQUEUE], PING, settings
    )
    return compare(
        "Queue API `POST /tasks/ping` vs. FastAPI + plain streaq enqueue",
        template,
        baseline,
    )
