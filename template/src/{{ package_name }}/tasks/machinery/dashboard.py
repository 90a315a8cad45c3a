"""Streaq's web dashboard, for admins (users with the admin role: `make-admin`).

Mounted by the API at /admin/tasks, or served on its own by
the `worker --dashboard-port 8001` command. Its pages can abort tasks and delete
cron jobs, so every route of it needs an admin: an admin's access token as
`Authorization: Bearer <token>` (POST /auth/token), or the session cookie the
login form sets on an admin's email and password. A session ends after
DASHBOARD_SESSION_MAX_AGE_SECONDS, on logging out, or as soon as its user is no
longer an admin. Log-in attempts count against AUTH_RATE_LIMIT together with
POST /auth/token's.

What the pages show is escaped and they load nothing from elsewhere
(`dashboard_pages.py`); every response carries a strict Content-Security-Policy
(`dashboard_headers.py`).
"""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from html import escape
from typing import Annotated, Any

import uvicorn
from fastapi import Cookie, Depends, FastAPI, Form, Header, HTTPException, Request
from fastapi import status as http_status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pymongo.errors import ConnectionFailure
from starlette.datastructures import State
from streaq import Worker
from streaq.constants import REDIS_GROUP
from streaq.types import Streaq
from streaq.ui import get_worker
from streaq.ui import router as streaq_router

from ...api.access import find_user, token_user
from ...api.auth import LOG_IN_PATH, count_attempt, user_with_password
from ...api.errors import RETRY_AFTER_SECONDS, log_outage, service_unavailable
from ...auth.rate_limits import AttemptLimiter, retry_after_header
from ...config import Settings, get_settings
from ...db import DatabaseUnavailableError, DocumentBinding, open_database
from ...models import User
from ...observability.logs import logging_config
from ...observability.tracing import NATIVE_TELEMETRY_OFF
from ...redis_topology import async_redis
from ..worker import worker
from .attempt_limits import shared_attempt_limiter
from .dashboard_headers import (
    SecurityHeaders,
    content_security_policy,
    security_headers,
)
from .dashboard_pages import (
    ASSETS_DIR,
    ASSETS_PATH,
    inline_style_hashes,
    make_streaq_pages_safe,
)
from .dashboard_sessions import DashboardSessions, SessionStoreUnavailableError
from .producer import connect_producer

logger = logging.getLogger(__name__)

SESSION_COOKIE = "dashboard_session"
# The routes of the log-in form: a browser posted it, so it gets a page back.
FORM_ROUTES = frozenset({"log_in", "log_out"})
SESSIONS_UNAVAILABLE = (
    "Log-in sessions are kept in the job queue's Redis, which is unavailable: "
    "nobody can log in, log out or use a session now. Retry shortly; if it "
    "lasts, check REDIS_URL and that Redis >= 7 is running."
)
ACCOUNTS_UNAVAILABLE = (
    "The accounts are kept in the database (MongoDB), which is unavailable: "
    "nobody can log in now. Retry shortly; if it lasts, check MONGODB_URL and "
    "that MongoDB is running."
)
WELCOME = "Log in as an admin (the make-admin command makes a user one)."
# One answer to a wrong email, a wrong password and a user who is no admin: the
# form tells no one which accounts exist or who is an admin.
REFUSED = "Wrong email or password, or not an admin."
TOO_MANY_ATTEMPTS = "Too many attempts from this address; retry later."

LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Task dashboard: log in</title></head>
<body>
  <h1>Task dashboard</h1>
  <p>{message}</p>
  <form method="post" action="{action}">
    <label>Email <input type="email" name="email" autocomplete="username"
      required></label>
    <label>Password <input type="password" name="password"
      autocomplete="current-password" required></label>
    <button type="submit">Log in</button>
  </form>
</body></html>
"""

OutageHandler = Callable[[Request, Exception], Awaitable[Response]]


def login_page(request: Request, message: str, status_code: int) -> HTMLResponse:
    action = escape(str(request.url_for("dashboard_login").path))
    return HTMLResponse(
        LOGIN_PAGE.format(message=escape(message), action=action),
        status_code=status_code,
    )


def unavailable(message: str) -> OutageHandler:
    """The answer to an outage (of Redis, of the database): 503, as a page with
    the log-in form for a browser (it can retry from there), as JSON for scripts
    and htmx."""

    async def answer(request: Request, error: Exception) -> Response:
        log_outage(request, "dashboard log-in", error)
        route = request.scope.get("route")
        if not (wants_a_page(request) or getattr(route, "name", None) in FORM_ROUTES):
            return service_unavailable(message)
        page = login_page(request, message, http_status.HTTP_503_SERVICE_UNAVAILABLE)
        page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return page

    return answer


def wants_a_page(request: Request) -> bool:
    """A browser navigating (not htmx, not a script): it gets the login form
    instead of a 401 it cannot act on."""
    return "text/html" in request.headers.get("accept", "") and not request.headers.get(
        "hx-request"
    )


def cookie_path(request: Request) -> str:
    """The dashboard's own path: the session cookie goes nowhere else."""
    return request.url_for("get_root").path


def session_cookie_options(request: Request) -> dict[str, Any]:
    """The session cookie's attributes: logging out must delete the very cookie
    logging in set, so both take them from here."""
    return {
        "path": cookie_path(request),
        "httponly": True,
        "samesite": "strict",
        "secure": request.url.scheme == "https",
    }


def create_dashboard(settings: Settings, worker: Worker[Any], host: State) -> FastAPI:
    """The dashboard app for `worker`. `host` is the state of the app serving it,
    which holds, once that app has started, the accounts' DocumentBinding
    (`documents`) and the log-in AttemptLimiter (`auth_attempts`)."""
    pages = make_streaq_pages_safe()
    sessions = DashboardSessions(worker, settings.dashboard_session_max_age_seconds)

    async def session_admin(session_id: str) -> User | None:
        """The admin whose session this is; None when it is over, or when its user
        is no longer an admin (or gone): then it is ended for good."""
        user_id = await sessions.owner(session_id)
        if user_id is None:
            return None
        documents: DocumentBinding = host.documents
        await documents.ensure_bound()
        user = await find_user(user_id)
        if user is None or not user.is_admin:
            await sessions.end(session_id)
            return None
        return user

    async def require_admin(
        request: Request,
        authorization: Annotated[str | None, Header()] = None,
        dashboard_session: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
    ) -> None:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() == "bearer" and token:
            # A script: 401 for a token that is no good, 403 for a user's.
            user = await token_user(token, settings, host.documents)
            if not user.is_admin:
                raise HTTPException(
                    status_code=http_status.HTTP_403_FORBIDDEN,
                    detail="The task dashboard is for admins only.",
                )
            return
        if dashboard_session is not None and await session_admin(dashboard_session):
            return
        login = request.url_for("dashboard_login").path
        if wants_a_page(request):
            raise HTTPException(
                status_code=http_status.HTTP_303_SEE_OTHER,
                detail="Log in to the task dashboard.",
                headers={"Location": login},
            )
        headers = {"WWW-Authenticate": "Bearer"}
        if request.headers.get("hx-request"):
            # htmx (the pages' buttons) follows this to the login form.
            headers["HX-Redirect"] = login
        raise HTTPException(
            status_code=http_status.HTTP_401_UNAUTHORIZED,
            detail="The task dashboard is for admins: log in at ./login, or send "
            "an admin's access token (POST /auth/token) as "
            "'Authorization: Bearer <token>'.",
            headers=headers,
        )

    async def create_streams() -> None:
        # Streaq 7.2's queue page fails (500) on a queue no worker has started on
        # yet: create its streams as a starting worker does (idempotent).
        await Streaq(worker.redis).create_groups(
            worker.stream_key, REDIS_GROUP, *worker.priorities
        )

    dashboard = FastAPI(
        title="Task dashboard",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        telemetry=NATIVE_TELEMETRY_OFF,
    )
    dashboard.add_middleware(
        SecurityHeaders,
        headers=security_headers(content_security_policy(*inline_style_hashes(pages))),
    )
    dashboard.dependency_overrides[get_worker] = lambda: worker
    dashboard.add_exception_handler(
        SessionStoreUnavailableError, unavailable(SESSIONS_UNAVAILABLE)
    )
    for outage in (DatabaseUnavailableError, ConnectionFailure):
        dashboard.add_exception_handler(outage, unavailable(ACCOUNTS_UNAVAILABLE))
    # Bootstrap and htmx for Streaq's pages: public code, served to anyone.
    dashboard.mount(
        f"/{ASSETS_PATH}", StaticFiles(directory=ASSETS_DIR), name="dashboard_assets"
    )

    @dashboard.get("/login", response_class=HTMLResponse, name="dashboard_login")
    async def show_login(request: Request) -> HTMLResponse:
        return login_page(request, WELCOME, http_status.HTTP_200_OK)

    @dashboard.post("/login", response_class=HTMLResponse, response_model=None)
    async def log_in(
        request: Request,
        email: Annotated[str, Form()],
        password: Annotated[str, Form()],
        dashboard_session: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
    ) -> HTMLResponse | RedirectResponse:
        limiter: AttemptLimiter = host.auth_attempts
        if (wait := await count_attempt(limiter, LOG_IN_PATH, request)) is not None:
            refused = login_page(
                request, TOO_MANY_ATTEMPTS, http_status.HTTP_429_TOO_MANY_REQUESTS
            )
            refused.headers.update(retry_after_header(wait))
            return refused
        documents: DocumentBinding = host.documents
        await documents.ensure_bound()
        user = await user_with_password(email, password)
        if user is None or not user.is_admin:
            return login_page(request, REFUSED, http_status.HTTP_401_UNAUTHORIZED)
        if dashboard_session is not None:
            # A new log-in replaces the browser's old session, it does not add one.
            await sessions.end(dashboard_session)
        response = RedirectResponse(
            request.url_for("get_tasks").path,
            status_code=http_status.HTTP_303_SEE_OTHER,
        )
        response.set_cookie(
            SESSION_COOKIE,
            await sessions.open(str(user.id)),
            max_age=sessions.max_age_seconds,
            **session_cookie_options(request),
        )
        return response

    @dashboard.post("/logout", name="dashboard_logout")
    async def log_out(
        request: Request,
        dashboard_session: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
    ) -> RedirectResponse:
        """End the browser's session: its cookie opens nothing any more, even if
        kept. (A cross-site form cannot log anyone out: the cookie is SameSite.)"""
        if dashboard_session is not None:
            await sessions.end(dashboard_session)
        response = RedirectResponse(
            request.url_for("dashboard_login").path,
            status_code=http_status.HTTP_303_SEE_OTHER,
        )
        response.delete_cookie(SESSION_COOKIE, **session_cookie_options(request))
        return response

    # Access is checked first: without it, no task is read, aborted or removed.
    dashboard.include_router(
        streaq_router,
        dependencies=[Depends(require_admin), Depends(create_streams)],
    )
    return dashboard


def standalone_dashboard(settings: Settings) -> FastAPI:
    """The dashboard alone at `/`, as `worker --dashboard-port` serves it. It opens
    the database (the accounts) and counts log-in attempts in the queue's Redis,
    in one limit with the API's (see attempt_limits.py)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with (
            connect_producer(worker),
            open_database(settings) as database,
            async_redis(settings) as redis,
        ):
            app.state.documents = DocumentBinding(database)
            app.state.auth_attempts = shared_attempt_limiter(settings, redis)
            try:
                await app.state.documents.ensure_bound()
            except DatabaseUnavailableError as error:
                # Serve anyway: log-ins answer 503 until the database is back.
                logger.error("%s; dashboard log-ins answer 503 until it answers", error)
            yield

    app = FastAPI(
        title="Task dashboard",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        telemetry=NATIVE_TELEMETRY_OFF,
    )
    app.mount("/", create_dashboard(settings, worker, app.state))
    return app


def serve_dashboard(host: str, port: int) -> None:
    """Serve the dashboard alone with uvicorn: the body of the dashboard process
    that `worker --dashboard-port` starts beside the workers."""
    settings = get_settings()
    uvicorn.run(
        standalone_dashboard(settings),
        host=host,
        port=port,
        # uvicorn's lines, its access log included, in the service's format.
        log_config=logging_config(settings),
        log_level=settings.log_level.lower(),
    )
