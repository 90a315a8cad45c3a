"""`attach_queue`: everything the API gains with the job queue, in one call."""

from fastapi import FastAPI

from ...config import Settings
from ..worker import worker
from .dashboard import create_dashboard
from .outages import install_queue_error_handlers
from .routes import router
from .tracing import instrument_queue_clients

# Where the task dashboard lives (for admins: see dashboard.py).
DASHBOARD_PATH = "/admin/tasks"


def attach_queue(app: FastAPI, settings: Settings) -> None:
    """Add the task routes (their lifespan connects to Redis), the Redis outage
    answers and the dashboard at DASHBOARD_PATH (on the app's accounts)."""
    install_queue_error_handlers(app)
    # Tracing is configured by now (create_app): the queue's clients join it.
    instrument_queue_clients()
    app.include_router(router)
    app.mount(DASHBOARD_PATH, create_dashboard(settings, worker, app.state))
