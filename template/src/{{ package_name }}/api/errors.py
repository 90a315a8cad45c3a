"""Error answers: outages of the services behind the API answer 503, naming what
is down and what to do (the driver's own words too, outside production); invalid
requests 422 in short (validation.py); anything else a 500 that says nothing
about the code (the traceback goes to the log)."""

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pymongo.errors import ConnectionFailure

from ..causes import cause_chain, describe
from ..config import Environment, Settings
from ..db import DatabaseUnavailableError
from ..observability.request_ids import request_id_headers
from .validation import bounded_validation_error

logger = logging.getLogger(__name__)

# Seconds a client should wait before retrying; a restart or a failover of a
# database or a queue server is over within a few.
RETRY_AFTER_SECONDS = 5


def service_unavailable(detail: str) -> JSONResponse:
    """The 503 answer to an outage: what is down, that nothing changed, the fix."""
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": detail},
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def shows_internals(request: Request) -> bool:
    """Whether answers may carry what lies behind the API (driver errors, host
    names, versions): not in production, where anyone would read them; the log
    has them everywhere."""
    settings: Settings = request.app.state.settings
    return settings.environment is not Environment.PRODUCTION


def cause_for_client(request: Request, error: BaseException) -> str:
    """` (the driver's words)` to put in an answer, or nothing (shows_internals;
    the log has them: see log_outage)."""
    return f" ({describe(error)})" if shows_internals(request) else ""


def log_outage(request: Request, what: str, error: BaseException) -> None:
    """Log an outage answered with 503 with its whole cause, untruncated: the
    answer may not carry it. (On one line: an outage is not a bug, and a
    traceback per request would bury the log.)"""
    logger.warning(
        "%s %s: %s unavailable: %s",
        request.method,
        request.url.path,
        what,
        cause_chain(error),
    )


async def database_unavailable(request: Request, error: Exception) -> JSONResponse:
    log_outage(request, "MongoDB", error)
    return service_unavailable(
        f"The database (MongoDB) is unavailable{cause_for_client(request, error)}. "
        "Nothing was changed; retry shortly. If it lasts, check MONGODB_URL and "
        "that MongoDB is running."
    )


async def internal_error(request: Request, error: Exception) -> JSONResponse:
    """A bug: the client learns only that it happened. Starlette logs the
    traceback after this answer, whatever ENVIRONMENT says."""
    return JSONResponse(
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
        content={"detail": "Internal server error. It has been logged."},
        # Made outside the request id middleware, so it adds the id itself.
        headers=request_id_headers(),
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the error answers on `app`."""
    app.add_exception_handler(Exception, internal_error)
    app.add_exception_handler(RequestValidationError, bounded_validation_error)
    app.add_exception_handler(DatabaseUnavailableError, database_unavailable)
    # ServerSelectionTimeoutError, AutoReconnect, NetworkTimeout...
    app.add_exception_handler(ConnectionFailure, database_unavailable)
