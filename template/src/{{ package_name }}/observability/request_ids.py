"""Every request has an id: the caller's `X-Request-ID` when it is sane, else a
new one. Each log line written while the request is handled carries it
(logs.py), every response returns it, and one line per request records the
method, route, status, duration and id.

That line replaces uvicorn's access log (`serve` turns it off): it costs the
same one line per request, and names the route template (`/users/{user_id}`,
or a fixed label when no route matched), never a path with its query string,
so no identifier or address in a URL reaches the log.

The same middleware hands every finished request to the other observers
(metrics.py counts it): one layer that reads the status and the time for all
of them, instead of a layer each.
"""

import logging
import random
import re
import time
from collections.abc import Callable

from fastapi import FastAPI
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .logs import current_request_id
from .routes import route_template

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
    # 128 random bits as 32 hex digits (a UUID's hex without building a UUID;
    # bytes to hex is half the time of formatting an integer). From `random`,
    # not `secrets`: an id correlates lines, it guards nothing (a caller may
    # choose its own), and the operating system's generator is a system call on
    # every request. OpenTelemetry draws trace ids the same way; `random`
    # reseeds itself in each forked process.
    return random.randbytes(16).hex()  # noqa: S311 - see above


def request_id_headers() -> dict[str, str]:
    """The X-Request-ID header of the request being handled, for an answer
    made outside RequestIds (the 500 of api/errors.py)."""
    request_id = current_request_id.get()
    return {} if request_id is None else {REQUEST_ID_HEADER: request_id}


# Told of every finished request: its scope, route template (routes.py), status
# and seconds taken.
RequestObserver = Callable[[Scope, str, int, float], None]


class RequestIds:
    """Pure ASGI middleware: the request id in a context variable while the
    request is handled, in the `X-Request-ID` header of its response; when the
    request ends, each observer is told its status and duration."""

    def __init__(self, app: ASGIApp, observers: list[RequestObserver]) -> None:
        self.app = app
        self.observers = observers

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
            self.finished(scope, status or 500, started)
            raise
        self.finished(scope, status, started)
        current_request_id.reset(token)

    def finished(self, scope: Scope, status: int, started: float) -> None:
        seconds = time.perf_counter() - started
        route = route_template(scope)  # once for every observer
        for observe in self.observers:
            observe(scope, route, status, seconds)


def log_request(scope: Scope, route: str, status: int, seconds: float) -> None:
    """The request's line of the access log."""
    if not access_log.isEnabledFor(logging.INFO):
        return  # LOG_LEVEL above INFO: nothing to build
    milliseconds = seconds * 1000
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


def request_observers(app: FastAPI) -> list[RequestObserver]:
    """Who is told of each finished request of `app`: the access log first."""
    if not hasattr(app.state, "request_observers"):
        app.state.request_observers = [log_request]
    observers: list[RequestObserver] = app.state.request_observers
    return observers


def add_request_observer(app: FastAPI, observer: RequestObserver) -> None:
    """Tell `observer` of every finished request of `app` (see RequestIds)."""
    request_observers(app).append(observer)


def install_request_ids(app: FastAPI) -> None:
    """Run RequestIds around everything in `app` but Starlette's outermost error
    middleware: the answers of FastAPI's body limit (413), of authentication
    (401) and of validation (422) carry the id too, and their time and status
    are what the observers see.

    Inside the error middleware rather than around it, so that the stack keeps
    the shape OpenTelemetry's FastAPI instrumentation expects, whichever of the
    two is installed first."""
    build_middleware_stack = app.build_middleware_stack

    def build_with_request_ids() -> ASGIApp:
        stack = build_middleware_stack()
        # Read when the stack is built (first request): every observer added
        # while the app was set up is in.
        observers = request_observers(app)
        if isinstance(stack, ServerErrorMiddleware):
            stack.app = RequestIds(stack.app, observers)
            return stack
        return RequestIds(stack, observers)

    app.build_middleware_stack = build_with_request_ids  # type: ignore[method-assign]
