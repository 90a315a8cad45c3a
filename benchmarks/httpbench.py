"""Row 3 and the API half of row 4: wrk against the generated app and baselines,
each under the same uvicorn command (one process, access log off), and the cost
of authentication: the generated app against itself with one part taken out."""

import json
import secrets
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from .procs import BenchmarkError, free_port, run, server, wait_until_idle
from .project import Project
from .runtime import private_run
from .stats import Better
from .table import Cost, Measurement, Row
from .wrk import LoadSettings, WrkReport, load, median_report

# Identical for every app: only the import target differs.
UVICORN_FLAGS = ("--log-level", "warning", "--no-access-log")


@dataclass(frozen=True)
class App:
    label: str
    target: str  # uvicorn's module:attribute
    factory: bool = False
    # The generated app or a variant of it: it has accounts (sign-up, log-in,
    # make-admin). The bare baselines have none.
    accounts: bool = False
    # Added to the run's environment (e.g. OpenTelemetry's variables).
    env: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Load:
    method_path: str  # how the row names it, e.g. "POST /users"
    path: str
    script: str | None = None
    # The template answers this route to admins only: its requests carry an
    # admin's token (baselines have no accounts and get none).
    as_admin: bool = False
    # The route reads the caller's own account: each app gets a user signed up
    # and logged in, `{user_id}` in `path` becomes its id and every request
    # carries its token (the same bytes to both sides of the comparison).
    as_owner: bool = False
    # The shortest measured run that completes enough requests: with argon2, 32
    # concurrent sign-ups finish together, 5-9 s after they start on this
    # machine when busy, so a 3 s run (--quick) would complete none.
    min_seconds: int = 0


def template_app(project: Project) -> App:
    return App(
        "template", f"{project.package}.app:create_app", factory=True, accounts=True
    )


BARE = App("bare", "benchmarks.apps.bare:app")
BARE_ROUTED = App("bare-routed", "benchmarks.apps.bare:routed_app")
DIRECT = App("direct", "benchmarks.apps.direct:app")
ENQUEUE = App("enqueue", "benchmarks.apps.enqueue:app")
# The generated app with one part taken out (see their docstrings).
NO_AUTH = App(
    "no-auth", "benchmarks.apps.no_auth:create_app", factory=True, accounts=True
)
TRIVIAL_HASHER = App(
    "trivial-hasher",
    "benchmarks.apps.trivial_hasher:create_app",
    factory=True,
    accounts=True,
)
DICT_STORE = App(
    "dict-store",
    "benchmarks.apps.dict_store:create_app",
    factory=True,
    accounts=True,
)
# Item 3 of the fast-feedback goals: sign-ups on the embedded development store
# at least a tenth as fast as the same app keeping its users in a dict.
DEV_STORE_TARGET = 0.10

LIVE = Load("GET /health/live", "/health/live")
USERS = Load("POST /users", "/users", "post_users.lua", min_seconds=15)
PING = Load("POST /tasks/ping", "/tasks/ping", "post_empty.lua", as_admin=True)
OWN_USER = Load("GET /users/{id}", "/users/{user_id}", as_owner=True)


@dataclass(frozen=True)
class Served:
    """An app running for one load: where to send it and with which headers."""

    url: str
    headers: list[str]
    process: "subprocess.Popen[bytes]"


@contextmanager
def serving(project: Project, app: App, target: Load) -> Iterator[Served]:
    """Start `app` on a fresh store and a private queue, ready for `target`
    (an admin's or the owner's token made where the load needs one)."""
    with private_run(project, app.label) as (workdir, env):
        env.update(app.env)
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
        ) as process:
            headers = []
            path = target.path
            if target.as_admin and app.accounts:
                token = admin_token(base, project, workdir, env)
                headers.append(f"Authorization: Bearer {token}")
            if target.as_owner:
                if not app.accounts:
                    raise BenchmarkError(f"{app.label} has no accounts to own")
                account = sign_up(base, "Bench Owner")
                path = path.format(user_id=account.user_id)
                headers.append(f"Authorization: Bearer {log_in(base, account)}")
            yield Served(base + path, headers, process)


def measure_app(
    project: Project, app: App, target: Load, settings: LoadSettings
) -> WrkReport:
    """`app` alone under `target`'s load."""
    with serving(project, app, target) as served:
        return load(
            served.url,
            replace(settings, seconds=max(settings.seconds, target.min_seconds)),
            script=target.script,
            headers=served.headers,
            settle=lambda: wait_until_idle(served.process.pid),
        )


@dataclass(frozen=True)
class Account:
    user_id: str
    email: str
    password: str


def sign_up(base_url: str, name: str) -> Account:
    """A new user of the running app, signed up through its API."""
    email = f"{name.lower().replace(' ', '-')}-{secrets.token_hex(4)}@bench.example.com"
    password = secrets.token_urlsafe(16)
    body = json.dumps({"email": email, "name": name, "password": password})
    answer = post(f"{base_url}/users", body.encode(), "application/json")
    user_id: str = json.loads(answer)["id"]
    return Account(user_id, email, password)


def log_in(base_url: str, account: Account) -> str:
    """An access token for `account`, from `POST /auth/token` as a client gets one."""
    form = urllib.parse.urlencode(
        {"username": account.email, "password": account.password}
    )
    answer = post(
        f"{base_url}/auth/token", form.encode(), "application/x-www-form-urlencoded"
    )
    token: str = json.loads(answer)["access_token"]
    return token


def admin_token(
    base_url: str, project: Project, workdir: Path, env: Mapping[str, str]
) -> str:
    """An access token for a new admin of the running template app, made the way
    a person would: sign up, `make-admin`, log in."""
    account = sign_up(base_url, "Bench Admin")
    run(
        [str(project.bin / project.slug), "make-admin", account.email],
        cwd=workdir,
        env=env,
    )
    return log_in(base_url, account)


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


def compare(
    name: str,
    template: WrkReport,
    baseline: WrkReport,
    target_ratio: float | None = None,
) -> list[Measurement]:
    """Throughput (held to `target_ratio` when given), p50 and p99 latency."""
    return [
        Measurement(
            f"{name}: req/s",
            template.requests_per_second,
            baseline.requests_per_second,
            "req/s",
            Better.HIGHER,
            target_ratio=target_ratio,
        ),
        Measurement(
            f"{name}: p50 latency", template.p50_ms, baseline.p50_ms, "ms", Better.LOWER
        ),
        Measurement(
            f"{name}: p99 latency", template.p99_ms, baseline.p99_ms, "ms", Better.LOWER
        ),
    ]


def time_per_request(
    name: str, template: WrkReport, baseline: WrkReport, settings: LoadSettings
) -> Cost:
    """What the part taken out costs one request at full load, with the part
    minus without it: the time each request holds the server.

    Little's law on wrk's closed loop (every connection always has one request
    out): mean latency ÷ connections. Not 1 s ÷ req/s, which counts the requests
    finished inside the run: 32 argon2 sign-ups start together and finish
    together seconds later, so that count jumps by 32 or not at all.
    """
    return Cost(
        name,
        template.mean_ms / settings.connections,
        baseline.mean_ms / settings.connections,
        "ms",
    )


def measure(project: Project, settings: LoadSettings) -> list[Row]:
    tpl = template_app(project)
    live, live_bare, live_routed = measure_rounds(
        project, [tpl, BARE, BARE_ROUTED], LIVE, settings
    )
    # The trivial-hasher and dict-store variants take their turns in the same
    # rounds, so the template's sign-up figures serve every comparison.
    users, users_bare, users_direct, users_trivial, users_dict = measure_rounds(
        project, [tpl, BARE, DIRECT, TRIVIAL_HASHER, DICT_STORE], USERS, settings
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
        *compare(
            "HTTP `POST /users` (argon2) vs. the same app with a trivial hasher",
            users,
            users_trivial,
        ),
        time_per_request(
            "HTTP `POST /users`: argon2's cost per sign-up, deliberate "
            "(mean latency ÷ connections, argon2 vs. trivial hasher)",
            users,
            users_trivial,
            settings,
        ),
        *compare(
            "Dev store under load: HTTP `POST /users` on the embedded store "
            "(tinymongo, sqlite) vs. the same app keeping users in a dict",
            users,
            users_dict,
            DEV_STORE_TARGET,
        ),
    ]


def measure_authentication(project: Project, settings: LoadSettings) -> list[Row]:
    """The owner reading their own user with a bearer token vs. the same app
    with authentication taken out (benchmarks/apps/no_auth.py)."""
    template, baseline = measure_rounds(
        project, [template_app(project), NO_AUTH], OWN_USER, settings
    )
    return [
        *compare(
            "HTTP `GET /users/{id}` with the owner's token vs. the same app "
            "without authentication",
            template,
            baseline,
        ),
        time_per_request(
            "HTTP `GET /users/{id}`: authentication's cost per request "
            "(mean latency ÷ connections, with vs. without)",
            template,
            baseline,
            settings,
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
