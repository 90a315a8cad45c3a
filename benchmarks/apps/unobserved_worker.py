"""The generated worker without its task metrics, trace propagation and error
reports: the baseline of the worker's observability row.

Those three are mixins of the service's Worker class (tasks/machinery/
service_worker.py). Here their overrides are taken off the classes before the
worker is built, so Streaq's own methods run in their place and no middleware
of theirs is registered; the rest of the worker (signing, dead letters, the
loop watchdog, the lifespan, the `worker` command) is the template's.

Run: `python -m benchmarks.apps.unobserved_worker worker --burst`; the
producer enqueues through `benchmarks.apps.unobserved_worker:worker`.
"""

import sys
from typing import Any

from bench_svc.tasks.machinery import error_reports, task_metrics, tracing

# The mixins' own methods; without them each class passes every call on to the
# next class of the worker's (their constructors only register a middleware).
OBSERVING_METHODS: dict[type[Any], tuple[str, ...]] = {
    task_metrics.TaskMetricsWorker: ("finish_task", "finish_failed_task"),
    tracing.TracePropagatingWorker: (
        "__init__",
        "serialize",
        "deserialize",
        "run_task",
    ),
    error_reports.ErrorReportingWorker: ("__init__", "dead_letter_unrun"),
}
for mixin, methods in OBSERVING_METHODS.items():
    for method in methods:
        delattr(mixin, method)

from bench_svc.cli import main  # noqa: E402 - after the patches: builds the worker
from bench_svc.tasks import worker  # noqa: E402

__all__ = ["worker"]

if __name__ == "__main__":
    sys.argv[0] = "bench-svc"
    main()
