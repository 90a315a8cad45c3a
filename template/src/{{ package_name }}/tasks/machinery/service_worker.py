"""The Worker class the service builds: Streaq's, with four additions."""

from typing import TypeVar

from .loop_watchdog import WatchedLoopWorker
from .task_metrics import TaskMetricsWorker
from .tick_time import TickTimeWorker
from .unrun_failures import DeadLetteringWorker

C = TypeVar("C")


class ServiceWorker(
    TickTimeWorker[C],
    DeadLetteringWorker[C],
    WatchedLoopWorker[C],
    TaskMetricsWorker[C],
):
    """Streaq's `Worker`, whose running tasks can ask when they were due (cron
    misfires: tick_time.py), which dead-letters the tasks that fail before their
    code runs (poison tasks, another signing secret: unrun_failures.py), whose
    process ends when its event loop stops turning (loop_watchdog.py), and which
    counts and times every task run (task_metrics.py)."""
