"""An OTLP/HTTP receiver on a free loopback port: what a collector would get.

Processes under test export their spans here (OTEL_EXPORTER_OTLP_ENDPOINT set to
`endpoint`); the test reads them back as plain `ReceivedSpan`s.
"""

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

from tests.support.network import serving_http

# Longest a test waits for the spans it expects.
WAIT_SECONDS = 30


@dataclass(frozen=True)
class ReceivedSpan:
    name: str
    trace_id: str
    span_id: str
    # Empty for the root span of a trace.
    parent_span_id: str
    kind: str
    attributes: dict[str, Any]
    # "ok", "error" or "unset".
    status: str
    service_name: str


def plain_value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    return None if kind is None else getattr(value, kind)


def plain_attributes(attributes: Iterator[KeyValue] | Any) -> dict[str, Any]:
    return {item.key: plain_value(item.value) for item in attributes}


@dataclass
class OtlpReceiver:
    """Keeps every span posted to `endpoint`/v1/traces."""

    endpoint: str = ""
    spans: list[ReceivedSpan] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, body: bytes) -> None:
        request = ExportTraceServiceRequest.FromString(body)
        received = []
        for resource_spans in request.resource_spans:
            resource = plain_attributes(resource_spans.resource.attributes)
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    received.append(
                        ReceivedSpan(
                            name=span.name,
                            trace_id=span.trace_id.hex(),
                            span_id=span.span_id.hex(),
                            parent_span_id=span.parent_span_id.hex(),
                            kind=Span.SpanKind.Name(span.kind)
                            .removeprefix("SPAN_KIND_")
                            .lower(),
                            attributes=plain_attributes(span.attributes),
                            status=Status.StatusCode.Name(span.status.code)
                            .removeprefix("STATUS_CODE_")
                            .lower(),
                            service_name=str(resource.get("service.name", "")),
                        )
                    )
        with self.lock:
            self.spans.extend(received)

    def received(self) -> list[ReceivedSpan]:
        with self.lock:
            return list(self.spans)

    def wait_for(
        self, found: Callable[[list[ReceivedSpan]], bool], what: str
    ) -> list[ReceivedSpan]:
        """Wait until `found(spans)` holds; return every span received by then."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            spans = self.received()
            if found(spans):
                return spans
            time.sleep(0.1)
        names = sorted({span.name for span in self.received()})
        raise AssertionError(f"no {what} among the spans received: {names}")


def handler_for(receiver: OtlpReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            if self.path != "/v1/traces":
                self.send_error(404)
                return
            receiver.receive(body)
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reports what it missed."""

    return Handler


@contextmanager
def running_otlp_receiver() -> Iterator[OtlpReceiver]:
    """A receiver on 127.0.0.1; point OTEL_EXPORTER_OTLP_ENDPOINT at `endpoint`."""
    receiver = OtlpReceiver()
    with serving_http(handler_for(receiver)) as port:
        receiver.endpoint = f"http://127.0.0.1:{port}"
        yield receiver
