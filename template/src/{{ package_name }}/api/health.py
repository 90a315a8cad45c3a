"""Liveness and readiness probes."""

from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel

from ..checks import run_checks

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
    reports = {
        name: CheckReport(ok=result.ok, detail=result.detail)
        for name, result in results.items()
    }
    if all(result.ok for result in results.values()):
        return Readiness(status="ok", checks=reports)
    response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    failed = ", ".join(name for name, result in results.items() if not result.ok)
    return Readiness(status=f"unavailable: {failed}", checks=reports)
