"""`attach_queue`: everything the API gains with the job queue, in one call."""

from fastapi import FastAPI

from ...config import Settings
from ...observability.metrics import add_scrape_source
from ..worker import worker
from .dashboard import create_dashboard
from .outages import install_queue_error_handlers
from .queue_metrics import queue_metrics_source
from .routes import router
from .tracing import instrument_queue_clients

# Where the task dashboard lives (for admins: see dashboard.py).
DASHBOARD_PATH = "/admin/tasks"


def attach_queue(app: FastAPI, settings: Settings) -> None:
    """Add the task routes (their lifespan connects to Redis), the Redis outage
    answers, the dashboard at DASHBOARD_PATH (on the app's accounts) and the
    queue's gauges to GET /metrics."""
    install_queue_error_handlers(app)
    # Tracing is configured by now (create_app): the queue's clients join it.
    instrument_queue_clients()
    app.include_router(router)
    app.mount(DASHBOARD_PATH, create_dashboard(settings, worker, app.state))
    add_scrape_source(app, queue_metrics_source(worker))
