"""Row 3 and the API half of row 4: wrk against the generated app and baselines,
each under the same uvicorn command (one process, access log off)."""

from collections.abc import Sequence
from dataclasses import dataclass

from .procs import free_port, server
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


def template_app(project: Project) -> App:
    return App("template", f"{project.package}.app:create_app", factory=True)


BARE = App("bare", "benchmarks.apps.bare:app")
BARE_ROUTED = App("bare-routed", "benchmarks.apps.bare:routed_app")
DIRECT = App("direct", "benchmarks.apps.direct:app")
ENQUEUE = App("enqueue", "benchmarks.apps.enqueue:app")

LIVE = Load("GET /health/live", "/health/live")
USERS = Load("POST /users", "/users", "post_users.lua")
PING = Load("POST /tasks/ping", "/tasks/ping", "post_empty.lua")


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
            return load(base + target.path, settings, script=target.script)


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
