"""The Worker class the service builds: Streaq's, with two additions."""

from typing import TypeVar

from .tick_time import TickTimeWorker
from .unrun_failures import DeadLetteringWorker

C = TypeVar("C")


class ServiceWorker(TickTimeWorker[C], DeadLetteringWorker[C]):
    """Streaq's `Worker`, whose running tasks can ask when they were due (cron
    misfires: tick_time.py) and which dead-letters the tasks that fail before
    their code runs (poison tasks, another signing secret: unrun_failures.py)."""
