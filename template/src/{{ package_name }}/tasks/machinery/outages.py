"""Redis outages, and Redis refusing writes, answer 503 naming Redis and what to
do, like MongoDB's (see api/errors.py), instead of a 500 with a traceback."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from streaq import StreaqError

from ...api.errors import cause_for_client, log_outage, service_unavailable
from ...causes import describe, innermost_error
from ...redis_topology import redis_settings_named
from ..worker import worker
from .pressure import REDIS_RESPONSE_ERRORS, WriteRefusal, write_refusal
from .producer import (
    REDIS_CONNECTION_ERRORS,
    lost_queue_functions,
    restore_queue_functions,
)

logger = logging.getLogger(__name__)


async def queue_unavailable(request: Request, error: Exception) -> JSONResponse:
    log_outage(request, "job queue (Redis)", error)
    return service_unavailable(
        f"The job queue (Redis) is unavailable{cause_for_client(request, error)}. "
        "Nothing was changed; retry shortly. If it lasts, check "
        f"{redis_settings_named(request.app.state.settings)} and that Redis >= 7 "
        "is running."
    )


async def queue_functions_lost(request: Request, error: Exception) -> JSONResponse:
    logger.warning("Redis restarted without its data: loading Streaq's functions")
    try:
        await restore_queue_functions(worker)
    except REDIS_RESPONSE_ERRORS as restore_error:
        # Demoted to an empty replica, say: it refuses to load them too.
        if (refusal := write_refusal(restore_error)) is None:
            raise
        return queue_refuses_writes(request, restore_error, refusal)
    return service_unavailable(
        "The job queue (Redis) restarted and lost its state; it is ready again. "
        "Nothing was changed; retry the request. Run Redis with persistence "
        "(appendonly yes) so queued tasks survive a restart."
    )


def queue_refuses_writes(
    request: Request, error: Exception, refusal: WriteRefusal
) -> JSONResponse:
    """Redis answers but refuses the request's writes (or, out of memory, even
    Streaq's pipelined reads): a state of the server, so 503 like an outage."""
    logger.warning(
        "%s %s: %s: %s",
        request.method,
        request.url.path,
        refusal.summary,
        describe(error),
    )
    return service_unavailable(refusal.detail)


async def redis_error(request: Request, error: Exception) -> JSONResponse:
    """Every Redis response error and exception group lands here: the one place
    that tells a state of Redis (answered with 503) from a bug (left a 500)."""
    cause = innermost_error(error)
    if (refusal := write_refusal(cause)) is not None:
        return queue_refuses_writes(request, error, refusal)
    if lost_queue_functions(cause):
        return await queue_functions_lost(request, error)
    if isinstance(error, BaseExceptionGroup) and isinstance(
        cause, REDIS_CONNECTION_ERRORS
    ):
        # Streaq's abort runs its commands in a task group, which wraps them.
        return await queue_unavailable(request, error)
    # Any other Redis error is a bug: let it surface as a 500 with its traceback.
    raise error


async def queue_not_connected(request: Request, error: Exception) -> JSONResponse:
    """Streaq's error for a producer that never connected: the API started while
    Redis was down (`serve --no-require-services`) and has not reached it since."""
    if request.app.state.connections.get("redis") is not None:
        raise error  # connected: any other Streaq error is a bug (a 500)
    return await queue_unavailable(request, error)


def install_queue_error_handlers(app: FastAPI) -> None:
    """Register the Redis outage answers on `app`."""
    for error_class in REDIS_CONNECTION_ERRORS:
        app.add_exception_handler(error_class, queue_unavailable)
    for error_class in (*REDIS_RESPONSE_ERRORS, ExceptionGroup):
        app.add_exception_handler(error_class, redis_error)
    app.add_exception_handler(StreaqError, queue_not_connected)
