"""Prometheus metrics of the API: requests by route template, method and status,
their latency, and what `GET /metrics` answers.

One process (`serve`) keeps its counts in plain dictionaries, which a scrape
reads. Several (`serve --workers N`) each write their counts to files in
PROMETHEUS_MULTIPROC_DIR (prometheus_client's own variable, which it reads when
first imported: `serve` sets it before uvicorn starts its processes), and
whichever process a scrape reaches adds up all of them. Numbers read at scrape
time (the job queue's depth) come from scrape sources the rest of the service
adds with `add_scrape_source`.
"""

import os
from bisect import bisect_left
from collections.abc import Awaitable, Callable, Iterable
from functools import cache
from typing import Any, Protocol

from fastapi import FastAPI
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.utils import floatToGoString
from starlette.types import Scope

from .multiprocess import MULTIPROCESS_DIR_VARIABLE

# Methods counted by name; any other method (a client may send any token) is
# counted as OTHER_METHOD, so that no caller can add series at will.
KNOWN_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}
)
OTHER_METHOD = "other"

REQUESTS_NAME = "http_requests"
REQUESTS_HELP = "HTTP requests answered, by method, route template and status code."
REQUESTS_LABELS = ("method", "route", "status")
DURATION_NAME = "http_request_duration_seconds"
DURATION_LABELS = ("method", "route")
DURATION_HELP = (
    "Seconds from a request's arrival to the end of its answer, by method and "
    "route template."
)
# prometheus_client's default buckets, the last one +Inf, and their `le` labels.
BUCKET_BOUNDS: tuple[float, ...] = Histogram.DEFAULT_BUCKETS
BUCKET_LABELS: tuple[str, ...] = tuple(
    floatToGoString(bound)  # type: ignore[no-untyped-call]
    for bound in BUCKET_BOUNDS
)

# What a scrape source gives: metric families, read when Prometheus scrapes.
ScrapeSource = Callable[[], Awaitable[Iterable[Metric]]]


def counted_method(scope: Scope) -> str:
    method: str = scope["method"]
    return method if method in KNOWN_METHODS else OTHER_METHOD


class RequestCounter(Protocol):
    """A request observer (request_ids.py's middleware tells it of each finished
    request) whose counts a scrape reads."""

    def __call__(self, scope: Scope, route: str, status: int, seconds: float) -> None:
        """Count one finished request."""

    def families(self) -> Iterable[Metric]:
        """What a scrape of this process shows of the counts."""


class StatusSeries:
    """The requests of one (method, route, status): how many fell in each
    latency bucket (not yet cumulative) and their total seconds. Their count is
    the buckets' sum; the latency histogram of a (method, route) adds up its
    statuses' series when scraped."""

    __slots__ = ("in_bucket", "total")

    def __init__(self) -> None:
        self.in_bucket = [0] * len(BUCKET_BOUNDS)
        self.total = 0.0


class LocalRequestCounter:
    """The counts of one serving process, in a plain dictionary.

    Written only by the event loop's thread (the middleware runs there), so no
    lock: a request costs one dictionary lookup and a bisection, where
    prometheus_client's locked counter and histogram cost several times that on
    every request. The scrape builds the same families they would."""

    def __init__(self) -> None:
        self.series: dict[tuple[str, str, int], StatusSeries] = {}

    def __call__(self, scope: Scope, route: str, status: int, seconds: float) -> None:
        key = (counted_method(scope), route, status)
        series = self.series.get(key)
        if series is None:
            series = self.series[key] = StatusSeries()
        series.in_bucket[bisect_left(BUCKET_BOUNDS, seconds)] += 1
        series.total += seconds

    def families(self) -> Iterable[Metric]:
        requests = CounterMetricFamily(
            REQUESTS_NAME, REQUESTS_HELP, labels=REQUESTS_LABELS
        )
        durations = HistogramMetricFamily(
            DURATION_NAME, DURATION_HELP, labels=DURATION_LABELS
        )
        times: dict[tuple[str, str], StatusSeries] = {}
        for (method, route, status), series in sorted(self.series.items()):
            requests.add_metric((method, route, str(status)), sum(series.in_bucket))
            summed = times.setdefault((method, route), StatusSeries())
            for bucket, count in enumerate(series.in_bucket):
                summed.in_bucket[bucket] += count
            summed.total += series.total
        for labels, summed in times.items():
            cumulative, buckets = 0, []
            for bound, count in zip(BUCKET_LABELS, summed.in_bucket, strict=True):
                cumulative += count
                buckets.append((bound, cumulative))
            durations.add_metric(labels, buckets, summed.total)
        return (requests, durations)


@cache
def shared_metrics() -> tuple[Counter, Histogram]:
    """The counter and histogram whose values prometheus_client keeps in the
    shared folder's files. Made once per process, in no registry: a scrape
    reads the files (MultiProcessCollector), not the objects."""
    return (
        Counter(REQUESTS_NAME, REQUESTS_HELP, REQUESTS_LABELS, registry=None),
        Histogram(DURATION_NAME, DURATION_HELP, DURATION_LABELS, registry=None),
    )


class SharedRequestCounter:
    """The counts of one of several serving processes, written to the shared
    folder so that any of them can answer a scrape with the sum."""

    def __init__(self) -> None:
        # The labelled counter and timer of each (method, route, status), looked
        # up once per series instead of once per request.
        self.series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def __call__(self, scope: Scope, route: str, status: int, seconds: float) -> None:
        key = (counted_method(scope), route, status)
        children = self.series.get(key)
        if children is None:
            requests, durations = shared_metrics()
            children = self.series[key] = (
                requests.labels(key[0], route, str(status)),
                durations.labels(key[0], route),
            )
        counter, timer = children
        counter.inc()
        timer.observe(seconds)

    def families(self) -> Iterable[Metric]:
        return ()  # MultiProcessCollector reads them from the files


def request_counter() -> RequestCounter:
    """The counter for how this process serves: alone, or one of several."""
    if multiprocess_dir() is None:
        return LocalRequestCounter()
    return SharedRequestCounter()


def multiprocess_dir() -> str | None:
    """The folder the processes share their counts in, if they do."""
    return os.environ.get(MULTIPROCESS_DIR_VARIABLE) or None


class FixedCollector:
    """Hands a registry the families a scrape source read (for one scrape)."""

    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return self.families


async def exposition(app: FastAPI) -> bytes:
    """The text Prometheus scrapes: this process's (or all processes') counts
    and what every scrape source reads now."""
    if (folder := multiprocess_dir()) is not None:
        counted = CollectorRegistry()
        MultiProcessCollector(counted, path=folder)  # type: ignore[no-untyped-call]
    else:
        counted = REGISTRY
    families: list[Metric] = [*request_counter_of(app).families()]
    for source in scrape_sources(app):
        families.extend(await source())
    read_now = CollectorRegistry(auto_describe=False)
    read_now.register(FixedCollector(families))
    return generate_latest(counted) + generate_latest(read_now)


def request_counter_of(app: FastAPI) -> RequestCounter:
    counter: RequestCounter = app.state.request_counter
    return counter


def scrape_sources(app: FastAPI) -> list[ScrapeSource]:
    sources: list[ScrapeSource] = app.state.metrics_scrape_sources
    return sources


def add_scrape_source(app: FastAPI, source: ScrapeSource) -> None:
    """Have every scrape of `app` also report what `source` reads then."""
    scrape_sources(app).append(source)
