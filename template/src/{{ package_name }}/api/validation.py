"""422 answers that stay small and always encode.

FastAPI's own handler echoes every invalid input whole (a 2 MB field comes back
as 2 MB) and fails with a 500 on what JSON cannot hold (NaN, lone surrogates).
Here each error keeps its type, location and message; the input is echoed only
when short, long text is cut, and anything that cannot be encoded is left out.
"""

import json
from typing import Any

from fastapi import Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

# Enough to recognise a value; a client has the rest of what it sent.
MAX_ECHO_CHARS = 100
# Text of messages and locations (a location can hold a key the client chose).
MAX_TEXT_CHARS = 300
# Errors listed in one answer; a list of a million bad items is told in short.
MAX_ERRORS = 20


def cut(text: str, limit: int) -> str:
    """`text` at most `limit` characters (marked when cut), lone surrogates escaped."""
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text)} characters)"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def short_json(value: Any) -> Any | None:
    """`value` when it encodes as JSON in at most MAX_ECHO_CHARS, else None."""
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False, default=repr)
        text.encode("utf-8")
    except ValueError:  # NaN, infinities; lone surrogates (UnicodeEncodeError)
        return None
    return value if len(text) <= MAX_ECHO_CHARS else None


def bounded_error(error: dict[str, Any]) -> dict[str, Any]:
    """One validation error, with its echo of the input bounded."""
    shown: dict[str, Any] = {
        "type": error.get("type"),
        "loc": [
            cut(part, MAX_TEXT_CHARS) if isinstance(part, str) else part
            for part in error.get("loc", ())
        ],
        "msg": cut(str(error.get("msg", "")), MAX_TEXT_CHARS),
    }
    value = error.get("input")
    if isinstance(value, str):
        shown["input"] = cut(value, MAX_ECHO_CHARS)
    elif (echo := short_json(value)) is not None or value is None:
        shown["input"] = echo
    if (context := short_json(error.get("ctx"))) is not None:
        shown["ctx"] = context
    return shown


async def bounded_validation_error(request: Request, error: Exception) -> JSONResponse:
    """The 422 answer: at most MAX_ERRORS errors, each bounded (see above)."""
    if not isinstance(error, RequestValidationError):
        raise error
    errors = jsonable_encoder(error.errors())
    detail = [bounded_error(item) for item in errors[:MAX_ERRORS]]
    if len(errors) > MAX_ERRORS:
        detail.append(
            {
                "type": "too_many_errors",
                "loc": [],
                "msg": f"{len(errors) - MAX_ERRORS} more errors not listed",
            }
        )
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT, content={"detail": detail}
    )
