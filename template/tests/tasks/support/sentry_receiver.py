"""A stand-in for Sentry's ingestion endpoint on a free loopback port.

Processes under test report to `dsn`; the test reads back each error event (the
JSON Sentry would store) from `events`.
"""

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.support.network import serving_http

# Longest a test waits for the event it expects.
WAIT_SECONDS = 30


def envelope_items(body: bytes) -> Iterator[tuple[dict[str, Any], bytes]]:
    """The (item header, payload) pairs of a Sentry envelope: a header line, then
    each item's header line and its payload (`length` bytes, or up to a newline)."""
    _, _, rest = body.partition(b"\n")
    while rest.strip():
        header_line, _, rest = rest.partition(b"\n")
        header: dict[str, Any] = json.loads(header_line)
        if "length" in header:
            payload, rest = rest[: header["length"]], rest[header["length"] + 1 :]
        else:
            payload, _, rest = rest.partition(b"\n")
        yield header, payload


@dataclass
class SentryReceiver:
    dsn: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, body: bytes) -> None:
        for header, payload in envelope_items(body):
            if header.get("type") == "event":
                with self.lock:
                    self.events.append(json.loads(payload))

    def wait_for(
        self, found: Callable[[dict[str, Any]], bool], what: str
    ) -> dict[str, Any]:
        """Wait for an event for which `found(event)` holds, and return it."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            with self.lock:
                matches = [event for event in self.events if found(event)]
            if matches:
                return matches[0]
            time.sleep(0.1)
        with self.lock:
            tags = [event.get("tags") for event in self.events]
        raise AssertionError(f"no report of {what}; the tags of those received: {tags}")


def handler_for(receiver: SentryReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            receiver.receive(body)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reports what it missed."""

    return Handler


@contextmanager
def running_sentry_receiver() -> Iterator[SentryReceiver]:
    """A receiver on 127.0.0.1; set SENTRY_DSN to its `dsn`."""
    receiver = SentryReceiver()
    with serving_http(handler_for(receiver)) as port:
        receiver.dsn = f"http://public@127.0.0.1:{port}/1"
        yield receiver
