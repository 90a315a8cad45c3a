"""Error answers: outages of the services behind the API answer 503, naming what
is down and what to do; invalid requests 422 in short (validation.py); anything
else a 500 that says nothing about the code (the traceback goes to the log)."""

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pymongo.errors import ConnectionFailure

from ..causes import describe
from ..db import DatabaseUnavailableError
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


async def database_unavailable(request: Request, error: Exception) -> JSONResponse:
    logger.warning(
        "%s %s: MongoDB unavailable: %s",
        request.method,
        request.url.path,
        describe(error),
    )
    return service_unavailable(
        f"The database (MongoDB) is unavailable ({describe(error)}). Nothing was "
        "changed; retry shortly. If it lasts, check MONGODB_URL and that MongoDB "
        "is running."
    )


async def internal_error(request: Request, error: Exception) -> JSONResponse:
    """A bug: the client learns only that it happened. Starlette logs the
    traceback after this answer, whatever ENVIRONMENT says."""
    return JSONResponse(
        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
        content={"detail": "Internal server error. It has been logged."},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the error answers on `app`."""
    app.add_exception_handler(Exception, internal_error)
    app.add_exception_handler(RequestValidationError, bounded_validation_error)
    app.add_exception_handler(DatabaseUnavailableError, database_unavailable)
    # ServerSelectionTimeoutError, AutoReconnect, NetworkTimeout...
    app.add_exception_handler(ConnectionFailure, database_unavailable)
