"""JSON bodies must be JSON: `NaN`, `Infinity`, `-Infinity` and lone surrogates
(`"\\ud800"`) are refused with 422 before any route sees them.

Python's json module, which FastAPI parses bodies with, accepts all four; the
values then reach validation, whose answer cannot encode them back (a 500). The
parser of pydantic (jiter) refuses them, so every JSON body is read with it first.
"""

import email.message

from fastapi import status
from fastapi.responses import JSONResponse
from pydantic_core import from_json
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def declares_json(scope: Scope) -> bool:
    """The request says its body is JSON (`application/json` or `*/*+json`): the
    bodies FastAPI parses as JSON."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            header = email.message.Message()
            header["content-type"] = value.decode("latin-1")
            subtype = header.get_content_subtype()
            return header.get_content_maintype() == "application" and (
                subtype == "json" or subtype.endswith("+json")
            )
    return False


def invalid_json(problem: str) -> JSONResponse:
    """422 in the shape of FastAPI's own answer to a body that is not JSON."""
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={
            "detail": [
                {
                    "type": "json_invalid",
                    "loc": ["body"],
                    "msg": (
                        f"The body is not valid JSON ({problem}). NaN, Infinity "
                        "and unpaired surrogate escapes such as \\ud800 are not "
                        "JSON: send numbers as finite numbers, text as valid Unicode."
                    ),
                }
            ]
        },
    )


class StrictJsonBodies:
    """Pure ASGI middleware: reads a JSON body, checks it, and hands the app the
    same bytes. Add it with `app.add_middleware`: it then runs inside FastAPI's
    `max_body_size` limit, so what it reads is bounded (and over the limit, 413)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not declares_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left: nobody to answer
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body:
            try:
                from_json(body, allow_inf_nan=False)
            except ValueError as error:
                await invalid_json(str(error))(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            # The body once, then the client's own messages (its disconnect).
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
