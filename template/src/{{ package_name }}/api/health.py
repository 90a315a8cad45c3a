"""Liveness and readiness probes."""

import logging
from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel

from ..checks import CheckResult, run_checks
from .errors import shows_internals

logger = logging.getLogger(__name__)

# What a production probe says instead of a check's own words: those name hosts,
# versions and driver errors, and the probe answers anyone. `doctor` and the
# log give operators the whole story.
WITHHELD_OK = "ok"
WITHHELD_FAILED = "unavailable (the log says why)"

router = APIRouter(prefix="/health", tags=["health"])


class Liveness(BaseModel):
    status: str


class CheckReport(BaseModel):
    ok: bool
    detail: str


class Readiness(BaseModel):
    status: str
    checks: dict[str, CheckReport]


@router.get("/live")
# HEAD too: uptime monitors probe with it (kept out of the schema: same answer).
@router.head("/live", include_in_schema=False)
async def live() -> Liveness:
    """The process is up; says nothing about its dependencies."""
    return Liveness(status="ok")


@router.get(
    "/ready",
    responses={status.HTTP_503_SERVICE_UNAVAILABLE: {"model": Readiness}},
)
async def ready(request: Request, response: Response) -> Readiness:
    """Every service the API holds a connection to answers; 503 names the ones
    that do not."""
    connections: dict[str, Any] = request.app.state.connections
    results = await run_checks(
        request.app.state.settings, connections, connected=connections
    )
    withhold_detail = not shows_internals(request)
    reports = {
        name: report_of(result, withhold_detail=withhold_detail)
        for name, result in results.items()
    }
    for name, result in results.items():
        if not result.ok:
            logger.warning("readiness: %s is unavailable: %s", name, result.detail)
    if all(result.ok for result in results.values()):
        return Readiness(status="ok", checks=reports)
    response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    failed = ", ".join(name for name, result in results.items() if not result.ok)
    return Readiness(status=f"unavailable: {failed}", checks=reports)


def report_of(result: CheckResult, *, withhold_detail: bool) -> CheckReport:
    """A check as the probe reports it: its own words, or only ok or not."""
    if not withhold_detail:
        return CheckReport(ok=result.ok, detail=result.detail)
    return CheckReport(
        ok=result.ok, detail=WITHHELD_OK if result.ok else WITHHELD_FAILED
    )
