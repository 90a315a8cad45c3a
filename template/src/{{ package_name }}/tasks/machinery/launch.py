"""What the `worker` command starts: one worker in this process, N supervised worker
processes, or a worker that restarts on code changes in development; and, on
request, the dashboard in a process of its own. Each of these processes logs
through the service's one handler (observability/logs.py), Streaq's lines too."""

import logging
import multiprocessing
import os

import watchfiles

from ...config import Settings, get_settings
from ...observability.logs import configure_logging
from .dashboard import serve_dashboard
from .metrics_endpoint import (
    metrics_options,
    serving_supervised_metrics,
    serving_worker_metrics,
)
from .parent_death import end_with_parent
from .supervisor import WorkerOptions, supervise_workers
from .worker_process import run_one_worker, run_reloading_worker, worker_command

logger = logging.getLogger(__name__)

# How long stopping the worker waits for the dashboard's server to finish.
DASHBOARD_STOP_TIMEOUT_SECONDS = 10


def run_dashboard(parent_pid: int, host: str, port: int) -> None:
    """The dashboard process's body: it ends with the worker that started it."""
    end_with_parent(parent_pid)
    # A child started with `spawn` or `forkserver` (Python 3.14's default) has
    # no logging set up; one forked has it already: set up alike either way.
    configure_logging(get_settings())
    serve_dashboard(host, port)


def log_reload(changes: set[tuple[watchfiles.Change, str]]) -> None:
    logger.info("%d file change(s): restarting the worker", len(changes))


def dashboard_options(host: str, port: int | None) -> list[str]:
    """The worker's dashboard options, for the command a worker restarts with."""
    if port is None:
        return []
    return ["--dashboard-port", str(port), "--dashboard-host", host]


def launch_workers(
    settings: Settings,
    *,
    workers: int,
    reload: bool,
    burst: bool,
    verbose: bool,
    dashboard_host: str,
    dashboard_port: int | None,
    metrics_host: str = "127.0.0.1",
    metrics_port: int | None = None,
) -> None:
    """Run the workers until they stop, with the dashboard beside them and their
    metrics served (metrics_endpoint.py) if asked."""
    configure_logging(settings, verbose=verbose)
    dashboard: multiprocessing.Process | None = None
    if dashboard_port is not None:
        # A process of its own: the workers' event loops never wait on the web UI.
        dashboard = multiprocessing.Process(
            target=run_dashboard,
            args=(os.getpid(), dashboard_host, dashboard_port),
            name="dashboard",
        )
        dashboard.start()

    def stop_dashboard() -> None:
        if dashboard is not None:
            dashboard.terminate()
            dashboard.join(DASHBOARD_STOP_TIMEOUT_SECONDS)
            if dashboard.is_alive():
                dashboard.kill()

    try:
        if reload:
            # For development: one worker, restarted in a fresh process on each
            # change (Streaq's reloader, with the service's logging); it does
            # not outlive Redis outages.
            if workers > 1:
                logger.warning("--reload runs one worker, not %d", workers)
            if metrics_port is not None:
                logger.warning("--metrics-port is not served with --reload")
            watchfiles.run_process(
                ".",
                target=run_reloading_worker,
                args=(burst, verbose),
                callback=log_reload,
                # Python files only, as `serve --reload`: the embedded store's
                # writes under DATA_DIR would restart the worker again and again.
                watch_filter=watchfiles.PythonFilter(),
            )
        elif workers > 1:
            # The children count into one shared folder, which this process serves.
            with serving_supervised_metrics(metrics_host, metrics_port, workers):
                supervise_workers(
                    workers,
                    WorkerOptions(
                        burst=burst,
                        verbose=verbose,
                        queue_name=settings.queue_name,
                    ),
                    grace_period_seconds=settings.worker_grace_period_seconds,
                )
        else:
            # A lone worker runs in this process (its `Worker` was built here, so
            # its id is its own); it re-executes itself, dashboard and metrics
            # options included, after a Redis outage.
            with serving_worker_metrics(metrics_host, metrics_port, None):
                run_one_worker(
                    burst=burst,
                    settings=settings,
                    queue_name=settings.queue_name,
                    restart_command=[
                        *worker_command(burst=burst, verbose=verbose),
                        *dashboard_options(dashboard_host, dashboard_port),
                        *metrics_options(metrics_host, metrics_port),
                    ],
                    before_restart=stop_dashboard,
                )
    finally:
        stop_dashboard()
