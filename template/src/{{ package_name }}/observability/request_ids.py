"""Every request has an id: the caller's `X-Request-ID` when it is sane, else a
new one. Each log line written while the request is handled carries it
(logs.py), every response returns it, and one line per request records the
method, route, status, duration and id.

That line replaces uvicorn's access log (`serve` turns it off): it costs the
same one line per request, and names the route template (`/users/{user_id}`),
never a path with its query string, so no identifier or address in a URL
reaches the log.
"""

import logging
import re
import time
import uuid

from fastapi import FastAPI
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .logs import current_request_id

REQUEST_ID_HEADER = "X-Request-ID"
# What an incoming id may be: short, and safe to write into a log line or a
# header (no spaces, quotes, control characters or newlines). Anything else is
# replaced, not cleaned: a new id is as useful as a mangled one.
SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")

access_log = logging.getLogger(f"{__name__.partition('.')[0]}.access")


def request_id_of(scope: Scope) -> str:
    """The caller's X-Request-ID if it is sane, else a new random one."""
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for name, value in headers:
        if name == b"x-request-id":
            if SANE_REQUEST_ID.fullmatch(value):
                return value.decode("ascii")
            break
    return uuid.uuid4().hex


def request_id_headers() -> dict[str, str]:
    """The X-Request-ID header of the request being handled, for an answer
    made outside RequestIds (the 500 of api/errors.py)."""
    request_id = current_request_id.get()
    return {} if request_id is None else {REQUEST_ID_HEADER: request_id}


def route_of(scope: Scope) -> str:
    """The matched route's template; the path itself when no route matched."""
    route = scope.get("route")
    template = getattr(route, "path", None)
    return template if isinstance(template, str) else scope["path"]


class RequestIds:
    """Pure ASGI middleware: the request id in a context variable while the
    request is handled, in the `X-Request-ID` header of its response, and in
    the request's line of the access log."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        header = (b"x-request-id", request_id.encode("ascii"))
        token = current_request_id.set(request_id)
        status = 0
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # An error the app did not answer: Starlette answers 500 outside
            # this middleware (api/errors.py puts the id in that answer). The id
            # stays set, so the server's own line about the error carries it.
            log_request(scope, status or 500, started)
            raise
        log_request(scope, status, started)
        current_request_id.reset(token)


def log_request(scope: Scope, status: int, started: float) -> None:
    milliseconds = (time.perf_counter() - started) * 1000
    route = route_of(scope)
    access_log.info(
        "%s %s %d %.1f ms",
        scope["method"],
        route,
        status,
        milliseconds,
        extra={
            "http_method": scope["method"],
            "http_route": route,
            "http_status": status,
            "duration_ms": round(milliseconds, 1),
        },
    )


def install_request_ids(app: FastAPI) -> None:
    """Run RequestIds around everything in `app` but Starlette's outermost error
    middleware: the answers of FastAPI's body limit (413), of authentication
    (401) and of validation (422) carry the id too.

    Inside the error middleware rather than around it, so that the stack keeps
    the shape OpenTelemetry's FastAPI instrumentation expects, whichever of the
    two is installed first."""
    build_middleware_stack = app.build_middleware_stack

    def build_with_request_ids() -> ASGIApp:
        stack = build_middleware_stack()
        if isinstance(stack, ServerErrorMiddleware):
            stack.app = RequestIds(stack.app)
            return stack
        return RequestIds(stack)

    app.build_middleware_stack = build_with_request_ids  # type: ignore[method-assign]
