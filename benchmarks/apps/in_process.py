"""`GET /health/live` through the generated app's whole ASGI stack in this
process, with no server and no network: the app as rendered against the same
app without its metrics and request ids (no_observability.py), taking turns.

Prints two numbers, microseconds per request (as rendered, without): the best
of the rounds for each, since on a shared machine only the best round is free
of other processes' time. No server's share is in them, so their difference is
what the two cost per request, and their ratio the least a served request
could show.

Run in the generated project's environment:
`python -m benchmarks.apps.in_process ROUNDS REQUESTS`.
"""

import asyncio
import sys
import time
from typing import Any

import bench_svc.app as template_app
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from .no_observability import create_app as create_unobserved_app

SCOPE = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": "/health/live",
    "raw_path": b"/health/live",
    "root_path": "",
    "query_string": b"",
    "headers": [(b"host", b"127.0.0.1"), (b"user-agent", b"bench")],
    "client": ("127.0.0.1", 50000),
    "server": ("127.0.0.1", 8000),
}


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def seconds_per_request(app: Any, requests: int) -> float:
    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    started = time.perf_counter()
    for _ in range(requests):
        await app(dict(SCOPE), receive, send)
    elapsed = time.perf_counter() - started
    if set(statuses) != {200}:
        raise SystemExit(f"GET /health/live answered {sorted(set(statuses))}")
    return elapsed / requests


async def main(rounds: int, requests: int) -> None:
    # Built before no_observability swaps the installers out of the module.
    rendered: FastAPI = template_app.create_app()
    unobserved = create_unobserved_app()
    async with (
        LifespanManager(rendered) as with_them,
        LifespanManager(unobserved) as without,
    ):
        best = [float("inf"), float("inf")]
        for _ in range(rounds):
            for index, app in enumerate((with_them.app, without.app)):
                took = await seconds_per_request(app, requests)
                best[index] = min(best[index], took)
    print(*(f"{seconds * 1e6:.3f}" for seconds in best))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
