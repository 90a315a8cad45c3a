"""A request body must arrive within REQUEST_BODY_TIMEOUT_SECONDS: a client that
sends its headers, then trickles its body or stops sending, gets 408 instead of
holding a request (its memory, one of the server's concurrent slots) forever.

Uvicorn has no such timeout: its keep-alive timeout counts only the idle time
between requests, and every byte that arrives resets it. Request heads cannot be
bounded here (the app sees a request only once its head is complete): that is
the job of a proxy in front (README, "In production").
"""

import logging
import math

import anyio
from fastapi import status
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)


def body_timed_out(seconds: float) -> JSONResponse:
    """408, and the connection closed: the rest of that body is never read."""
    return JSONResponse(
        status_code=status.HTTP_408_REQUEST_TIMEOUT,
        content={
            "detail": (
                f"The request body did not arrive within {seconds:g} seconds "
                "(REQUEST_BODY_TIMEOUT_SECONDS). Send the whole body right after "
                "the headers; over a slow link, send smaller requests."
            )
        },
        headers={"Connection": "close"},
    )


def announces_body(scope: Scope) -> bool:
    """The request head says a body follows: a Content-Length other than 0, or a
    Transfer-Encoding (chunked). Without either an HTTP/1.1 request has no body."""
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (
            name == b"content-length" and value.strip() != b"0"
        ):
            return True
    return False


class RequestBodyDeadline:
    """Pure ASGI middleware: from the moment the app first asks for the body, the
    client has `seconds` to deliver all of it. The clock runs only while the app
    waits for body bytes, so a slow handler, a request without a body and the
    response afterwards are never cut short."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Most requests (GET, HEAD, health probes) have no body to wait for: they
        # skip the cancel scope and the wrapped channels, a quarter of the time a
        # /health/live request took.
        if scope["type"] != "http" or not announces_body(scope):
            await self.app(scope, receive, send)
            return
        deadline: float | None = None
        body_complete = False
        response_started = False

        async def receive_in_time() -> Message:
            nonlocal deadline, body_complete
            if body_complete:
                return await receive()
            if deadline is None:
                deadline = anyio.current_time() + self.seconds
            # While the app waits for the client, the whole request (whichever of
            # its tasks is waiting) is cancelled once the deadline passes.
            request.deadline = deadline
            try:
                message = await receive()
            finally:
                request.deadline = math.inf
            if message["type"] != "http.request" or not message.get("more_body"):
                body_complete = True
            return message

        async def send_noting_start(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or (
                message["type"] == "http.response.start"
            )
            await send(message)

        with anyio.CancelScope() as request:
            await self.app(scope, receive_in_time, send_noting_start)
        if not request.cancelled_caught:
            return
        client = scope.get("client") or ("unknown", 0)
        logger.warning(
            "%s %s from %s: body not received within %gs; answered 408",
            scope["method"],
            scope["path"],
            client[0],
            self.seconds,
        )
        # A response already under way cannot turn into a 408: returning without
        # finishing it makes the server close the connection.
        if not response_started:
            await body_timed_out(self.seconds)(scope, receive, send)
