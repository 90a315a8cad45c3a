"""`worker --metrics-port P`: the workers' task metrics (task_metrics.py) over
HTTP, for Prometheus to scrape.

A lone worker serves its own counts from a thread of its process. With
`--workers N` the supervisor serves them: its children count into files in a
shared folder (prometheus_client's multiprocess mode, observability/
multiprocess.py) and each scrape adds up every child's, including children
that have since been restarted, so counters never go back. A worker that
restarts itself after a Redis outage keeps its process ID, and so its files:
under a supervisor its counts carry on. A lone worker's counts start again from
zero then, as after any restart (Prometheus's rate() and increase() allow for it).

The endpoint has no credential: keep it on a private interface (the default,
127.0.0.1, or the pod's network), like the dashboard.
"""

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

from ...causes import describe
from ...observability.multiprocess import counts_shared_across

logger = logging.getLogger(__name__)

# What a worker exits with when its metrics port cannot be served.
PORT_UNAVAILABLE_EXIT_CODE = 1


def metrics_options(host: str, port: int | None) -> list[str]:
    """The worker's metrics options, for the command a lone worker restarts with."""
    if port is None:
        return []
    return ["--metrics-port", str(port), "--metrics-host", host]


@contextmanager
def serving_worker_metrics(
    host: str, port: int | None, shared_folder: str | None
) -> Iterator[None]:
    """Serve GET /metrics on host:port while the block runs (nothing if `port`
    is None): the counts in `shared_folder`, or this process's without one."""
    if port is None:
        yield
        return
    registry = REGISTRY
    if shared_folder is not None:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=shared_folder)  # type: ignore[no-untyped-call]
    try:
        server, thread = start_http_server(port, addr=host, registry=registry)
    except OSError as error:
        logger.critical(
            "cannot serve the worker metrics on %s:%d (%s); choose a free port "
            "with --metrics-port",
            host,
            port,
            describe(error),
        )
        raise SystemExit(PORT_UNAVAILABLE_EXIT_CODE) from None
    logger.info("worker metrics at http://%s:%d/metrics", host, port)
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def serving_supervised_metrics(
    host: str, port: int | None, workers: int
) -> Iterator[None]:
    """While the block starts and watches `workers` children: a folder they
    count into (they inherit it) and, on host:port, the sum of their counts."""
    with ExitStack() as stack:
        processes = workers if port is not None else 1
        folder = stack.enter_context(counts_shared_across(processes))
        stack.enter_context(serving_worker_metrics(host, port, folder))
        yield
