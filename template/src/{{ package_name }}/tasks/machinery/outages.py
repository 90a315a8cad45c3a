"""Redis outages answer 503 naming Redis and what to do, like MongoDB's (see
api/errors.py), instead of a 500 with a traceback."""

import logging

from coredis.exceptions import ResponseError
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ...api.errors import service_unavailable
from ...causes import describe
from ..worker import worker
from .producer import (
    REDIS_CONNECTION_ERRORS,
    lost_queue_functions,
    restore_queue_functions,
)

logger = logging.getLogger(__name__)


async def queue_unavailable(request: Request, error: Exception) -> JSONResponse:
    logger.warning(
        "%s %s: job queue unavailable: %s",
        request.method,
        request.url.path,
        describe(error),
    )
    return service_unavailable(
        f"The job queue (Redis) is unavailable ({describe(error)}). Nothing was "
        "changed; retry shortly. If it lasts, check REDIS_URL and that Redis >= 7 "
        "is running."
    )


async def queue_functions_lost(request: Request, error: Exception) -> JSONResponse:
    if not lost_queue_functions(error):
        # Any other Redis error is a bug: let it surface as a 500 with its traceback.
        raise error
    logger.warning("Redis restarted without its data: loading Streaq's functions")
    await restore_queue_functions(worker)
    return service_unavailable(
        "The job queue (Redis) restarted and lost its state; it is ready again. "
        "Nothing was changed; retry the request. Run Redis with persistence "
        "(appendonly yes) so queued tasks survive a restart."
    )


def install_queue_error_handlers(app: FastAPI) -> None:
    """Register the Redis outage answers on `app`."""
    for error_class in REDIS_CONNECTION_ERRORS:
        app.add_exception_handler(error_class, queue_unavailable)
    app.add_exception_handler(ResponseError, queue_functions_lost)
