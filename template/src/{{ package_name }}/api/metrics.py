"""GET /metrics: what Prometheus scrapes (observability/metrics.py counts it).

Open while developing and testing. When METRICS_TOKEN is set, a scrape must send
it as `Authorization: Bearer <METRICS_TOKEN>`, in every environment; production
without METRICS_TOKEN answers 404, as if the route did not exist: request counts
by route are no business of the internet.
"""

import hmac

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response, status
from prometheus_client import CONTENT_TYPE_LATEST

from ..config import Environment, Settings
from ..observability.metrics import exposition, request_counter
from ..observability.request_ids import add_request_observer
from .access import UNAUTHORIZED_HEADERS

router = APIRouter()


def check_scraper(request: Request, settings: Settings) -> None:
    """Pass a scrape that may read the metrics; else 404 or 401 (see above)."""
    if settings.metrics_token is None:
        if settings.environment is Environment.PRODUCTION:
            raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)
        return
    expected = f"Bearer {settings.metrics_token.get_secret_value()}".encode()
    sent = request.headers.get("authorization", "").encode()
    # Constant time: how long a refusal takes says nothing about the token.
    if not hmac.compare_digest(sent, expected):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Send METRICS_TOKEN as 'Authorization: Bearer <token>'.",
            headers=UNAUTHORIZED_HEADERS,
        )


# Not in the schema: an operator's endpoint, not part of the API.
@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    check_scraper(request, request.app.state.settings)
    return Response(await exposition(request.app), media_type=CONTENT_TYPE_LATEST)


def install_metrics(app: FastAPI) -> None:
    """Count the app's requests (timed by install_request_ids' middleware, the
    outermost but Starlette's error handler) and serve GET /metrics."""
    app.state.metrics_scrape_sources = []
    app.state.request_counter = counter = request_counter()
    add_request_observer(app, counter)
    app.include_router(router)
