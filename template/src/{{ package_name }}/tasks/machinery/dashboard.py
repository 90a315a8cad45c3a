"""Streaq's web dashboard, behind DASHBOARD_TOKEN.

Mounted by the API at /admin/tasks, or served on its own by
the `worker --dashboard-port 8001` command. Its pages can abort tasks and delete
cron jobs, so every route of it needs the token: as `Authorization: Bearer
<token>`, or as the session cookie the login form sets (a session ends after
DASHBOARD_SESSION_MAX_AGE_SECONDS or on logging out). Without a token configured
there is no dashboard at all.

What the pages show is escaped and they load nothing from elsewhere
(`dashboard_pages.py`); every response carries a strict Content-Security-Policy
(`dashboard_headers.py`).
"""

import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape
from typing import Annotated, Any

import uvicorn
from fastapi import Cookie, Depends, FastAPI, Form, Header, HTTPException, Request
from fastapi import status as http_status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from streaq import Worker
from streaq.constants import REDIS_GROUP
from streaq.types import Streaq
from streaq.ui import get_worker
from streaq.ui import router as streaq_router

from ...api.errors import RETRY_AFTER_SECONDS, service_unavailable
from ...causes import cause_chain
from ...config import Settings, get_settings
from ..worker import worker
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
    "lasts, check REDIS_URL and that Redis >= 7 is running. (A bearer token "
    "still opens the dashboard.)"
)

LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Task dashboard: log in</title></head>
<body>
  <h1>Task dashboard</h1>
  <p>{message}</p>
  <form method="post" action="{action}">
    <label>Token <input type="password" name="token" autocomplete="current-password"
      required></label>
    <button type="submit">Log in</button>
  </form>
</body></html>
"""


def login_page(request: Request, message: str, status_code: int) -> HTMLResponse:
    action = escape(str(request.url_for("dashboard_login").path))
    return HTMLResponse(
        LOGIN_PAGE.format(message=escape(message), action=action),
        status_code=status_code,
    )


async def sessions_unavailable(request: Request, error: Exception) -> Response:
    """503 while Redis is down, as a page with the log-in form for a browser (it
    can retry from there), as JSON for scripts and htmx."""
    logger.warning(
        "%s %s: dashboard sessions unavailable: %s",
        request.method,
        request.url.path,
        cause_chain(error),
    )
    route = request.scope.get("route")
    if not (wants_a_page(request) or getattr(route, "name", None) in FORM_ROUTES):
        return service_unavailable(SESSIONS_UNAVAILABLE)
    page = login_page(
        request, SESSIONS_UNAVAILABLE, http_status.HTTP_503_SERVICE_UNAVAILABLE
    )
    page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return page


def configured_token(settings: Settings) -> str | None:
    """DASHBOARD_TOKEN, or None when it is unset or empty (the dashboard is off)."""
    if settings.dashboard_token is None:
        return None
    return settings.dashboard_token.get_secret_value() or None


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


def create_dashboard(settings: Settings, worker: Worker[Any]) -> FastAPI | None:
    """The dashboard app for `worker`, or None when DASHBOARD_TOKEN is not set."""
    token = configured_token(settings)
    if token is None:
        return None
    pages = make_streaq_pages_safe()
    sessions = DashboardSessions(worker, settings.dashboard_session_max_age_seconds)

    async def require_token(
        request: Request,
        authorization: Annotated[str | None, Header()] = None,
        dashboard_session: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
    ) -> None:
        bearer = (authorization or "").removeprefix("Bearer ")
        if hmac.compare_digest(bearer.encode(), token.encode()):
            return
        if dashboard_session is not None and await sessions.is_open(dashboard_session):
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
            detail="The task dashboard needs DASHBOARD_TOKEN: log in at ./login "
            "or send 'Authorization: Bearer <token>'.",
            headers=headers,
        )

    async def create_streams() -> None:
        # Streaq 7.2's queue page fails (500) on a queue no worker has started on
        # yet: create its streams as a starting worker does (idempotent).
        await Streaq(worker.redis).create_groups(
            worker.stream_key, REDIS_GROUP, *worker.priorities
        )

    dashboard = FastAPI(
        title="Task dashboard", docs_url=None, redoc_url=None, openapi_url=None
    )
    dashboard.add_middleware(
        SecurityHeaders,
        headers=security_headers(content_security_policy(*inline_style_hashes(pages))),
    )
    dashboard.dependency_overrides[get_worker] = lambda: worker
    dashboard.add_exception_handler(SessionStoreUnavailableError, sessions_unavailable)
    # Bootstrap and htmx for Streaq's pages: public code, served without the token.
    dashboard.mount(
        f"/{ASSETS_PATH}", StaticFiles(directory=ASSETS_DIR), name="dashboard_assets"
    )

    @dashboard.get("/login", response_class=HTMLResponse, name="dashboard_login")
    async def show_login(request: Request) -> HTMLResponse:
        return login_page(
            request, "Enter the dashboard token.", http_status.HTTP_200_OK
        )

    @dashboard.post("/login", response_class=HTMLResponse, response_model=None)
    async def log_in(
        request: Request,
        token_given: Annotated[str, Form(alias="token")],
        dashboard_session: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
    ) -> HTMLResponse | RedirectResponse:
        if not hmac.compare_digest(token_given.encode(), token.encode()):
            return login_page(
                request, "Wrong token.", http_status.HTTP_401_UNAUTHORIZED
            )
        if dashboard_session is not None:
            # A new log-in replaces the browser's old session, it does not add one.
            await sessions.end(dashboard_session)
        response = RedirectResponse(
            request.url_for("get_tasks").path,
            status_code=http_status.HTTP_303_SEE_OTHER,
        )
        response.set_cookie(
            SESSION_COOKIE,
            await sessions.open(),
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
        dependencies=[Depends(require_token), Depends(create_streams)],
    )
    return dashboard


def standalone_dashboard(settings: Settings) -> FastAPI:
    """The dashboard alone at `/`, as `worker --dashboard-port` serves it."""
    dashboard = create_dashboard(settings, worker)
    if dashboard is None:
        raise ValueError("DASHBOARD_TOKEN is not set: the task dashboard is off")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with connect_producer(worker):
            yield

    app = FastAPI(
        title="Task dashboard",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.mount("/", dashboard)
    return app


def serve_dashboard(host: str, port: int) -> None:
    """Serve the dashboard alone with uvicorn: the body of the dashboard process
    that `worker --dashboard-port` starts beside the workers."""
    settings = get_settings()
    uvicorn.run(
        standalone_dashboard(settings),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
    )
