"""The generated app without its metrics: the baseline of the observability
rows' target, which bounds what metrics and tracing (off) cost.

Same rendered project, same `create_app`; only `install_metrics` (the request
counter and timer, and GET /metrics) is skipped. Request ids, their log
context and the per-request log line belong to the logs and stay on both
sides; with tracing off (no OTEL_* variable) the app installs no tracing at all.

Run: `uvicorn --factory benchmarks.apps.no_metrics:create_app` (the generated
project's environment; its package is `bench_svc`).
"""

import bench_svc.app as template_app
from fastapi import FastAPI


def without_metrics(app: FastAPI) -> None:
    """Stands in for `install_metrics`: no request counter and no route; the
    list the queue adds its scrape source to (read only by GET /metrics)."""
    app.state.metrics_scrape_sources = []


def create_app() -> FastAPI:
    template_app.install_metrics = without_metrics
    return template_app.create_app()
