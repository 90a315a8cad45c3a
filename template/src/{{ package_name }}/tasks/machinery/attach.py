"""`attach_queue`: everything the API gains with the job queue, in one call."""

from fastapi import FastAPI

from ...config import Settings
from ..worker import worker
from .dashboard import create_dashboard
from .outages import install_queue_error_handlers
from .routes import router

# Where the task dashboard lives when DASHBOARD_TOKEN is set.
DASHBOARD_PATH = "/admin/tasks"


def attach_queue(app: FastAPI, settings: Settings) -> None:
    """Add the task routes (their lifespan connects to Redis), the Redis outage
    answers and, when DASHBOARD_TOKEN is set, the dashboard at DASHBOARD_PATH."""
    install_queue_error_handlers(app)
    app.include_router(router)
    if (dashboard := create_dashboard(settings, worker)) is not None:
        app.mount(DASHBOARD_PATH, dashboard)
