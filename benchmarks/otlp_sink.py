"""A stand-in OpenTelemetry collector for the traced rows: it accepts OTLP/HTTP
exports on loopback, counts them and keeps nothing, so tracing's cost is the
service's own (making, batching and sending spans), not a collector's."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Sink:
    url: str
    exports: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def otlp_sink() -> Iterator[Sink]:
    """A running sink; its `url` is an OTEL_EXPORTER_OTLP_ENDPOINT."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    sink = Sink(f"http://127.0.0.1:{server.server_address[1]}")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with sink.lock:
                sink.exports += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: one line per export would flood the bench's output."""

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
