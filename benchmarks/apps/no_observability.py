"""The generated app without its metrics and request ids: the baseline of the
observability rows.

Same rendered project, same `create_app`, same routes, database and the other
middlewares; only `install_metrics` (the request counter and timer, and
GET /metrics) and `install_request_ids` (X-Request-ID and the per-request log
line) are skipped. Tracing is off in both unless the environment turns it on.

Run: `uvicorn --factory benchmarks.apps.no_observability:create_app` (the
generated project's environment; its package is `bench_svc`).
"""

import bench_svc.app as template_app
from fastapi import FastAPI

from .no_metrics import without_metrics


def without_request_ids(app: FastAPI) -> None:
    """Stands in for `install_request_ids`: installs nothing."""


def create_app() -> FastAPI:
    template_app.install_metrics = without_metrics
    template_app.install_request_ids = without_request_ids
    return template_app.create_app()
