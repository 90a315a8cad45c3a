"""Prometheus metrics of the API: requests by route template, method and status,
their latency, and what `GET /metrics` answers.

One process (`serve`) counts in memory. Several (`serve --workers N`) each write
their counts to files in PROMETHEUS_MULTIPROC_DIR (prometheus_client's own
variable, which it reads when first imported: `serve` sets it before uvicorn
starts its processes), and whichever process a scrape reaches adds up all of
them. Numbers read at scrape time (the job queue's depth) come from scrape
sources the rest of the service adds with `add_scrape_source`.
"""

import os
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from fastapi import FastAPI
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.types import Scope

from .multiprocess import MULTIPROCESS_DIR_VARIABLE
from .routes import route_template

# Methods counted by name; any other method (a client may send any token) is
# counted as OTHER_METHOD, for the same reason.
KNOWN_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}
)
OTHER_METHOD = "other"

HTTP_REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Seconds from a request's arrival to the end of its answer, by method and "
    "route template.",
    ["method", "route"],
)

# What a scrape source gives: metric families, read when Prometheus scrapes.
ScrapeSource = Callable[[], Awaitable[Iterable[Metric]]]


class RequestCounter:
    """Counts each finished HTTP request and its time, labelled by route
    template (a request observer: request_ids.py's middleware calls it, so no
    layer of its own reads the status again)."""

    def __init__(self) -> None:
        # The labelled counter and timer of each (method, route, status), looked
        # up once per series instead of once per request.
        self.series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def __call__(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"]
        if method not in KNOWN_METHODS:
            method = OTHER_METHOD
        key = (method, route_template(scope), status)
        children = self.series.get(key)
        if children is None:
            children = self.series[key] = (
                HTTP_REQUESTS.labels(method, key[1], str(status)),
                HTTP_REQUEST_DURATION.labels(method, key[1]),
            )
        counter, timer = children
        counter.inc()
        timer.observe(seconds)


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
    families: list[Metric] = []
    for source in scrape_sources(app):
        families.extend(await source())
    read_now = CollectorRegistry(auto_describe=False)
    read_now.register(FixedCollector(families))
    return generate_latest(counted) + generate_latest(read_now)


def scrape_sources(app: FastAPI) -> list[ScrapeSource]:
    sources: list[ScrapeSource] = app.state.metrics_scrape_sources
    return sources


def add_scrape_source(app: FastAPI, source: ScrapeSource) -> None:
    """Have every scrape of `app` also report what `source` reads then."""
    scrape_sources(app).append(source)
