"""The Worker class the service builds: Streaq's, with six additions."""

from typing import TypeVar

from .error_reports import ErrorReportingWorker
from .loop_watchdog import WatchedLoopWorker
from .task_metrics import TaskMetricsWorker
from .tick_time import TickTimeWorker
from .tracing import TracePropagatingWorker
from .unrun_failures import DeadLetteringWorker

C = TypeVar("C")


# ErrorReportingWorker before TracePropagatingWorker: each registers a middleware
# after the classes behind it, so the task's span is the outer one and a report
# made inside it knows the trace.
class ServiceWorker(
    ErrorReportingWorker[C],
    TracePropagatingWorker[C],
    TickTimeWorker[C],
    DeadLetteringWorker[C],
    WatchedLoopWorker[C],
    TaskMetricsWorker[C],
):
    """Streaq's `Worker`, whose running tasks can ask when they were due (cron
    misfires: tick_time.py), which dead-letters the tasks that fail before their
    code runs (poison tasks, another signing secret: unrun_failures.py), whose
    process ends when its event loop stops turning (loop_watchdog.py), which
    counts and times every task run (task_metrics.py), whose tasks run in the
    trace of whoever enqueued them (tracing.py) and whose failures are reported
    (error_reports.py)."""
