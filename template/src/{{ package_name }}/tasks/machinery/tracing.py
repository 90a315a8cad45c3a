"""One trace from a request into its tasks: the trace context travels in the payload.

- Enqueueing inside a span (a request, another task) adds that span's W3C trace
  context (`traceparent`, `tracestate`) to the task's payload under
  TRACE_CONTEXT_KEY, before Streaq pickles and signs it: the signature covers it.
- The worker takes it out as it reads the payload, and runs the task inside a
  CONSUMER span named after the task, a child of the span that enqueued it.
- A retry runs the same payload again: a new span in the same trace, its try
  number in `streaq.task.try`. A task enqueued outside any span (a cron tick)
  starts a trace of its own.

All of it costs a look at a context variable while tracing is off
(observability/tracing.py).
"""

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from streaq import StreaqRetry, Worker
from streaq.types import StreamMessage

from ...config import Settings
from ...observability.error_reports import configure_error_reports, flush_error_reports
from ...observability.tracing import configure_tracing, flush_traces, tracer_provider

C = TypeVar("C")

# Where a payload carries its trace context: beside Streaq's own one-letter keys.
TRACE_CONTEXT_KEY = "trace_context"
# The messaging system, as OpenTelemetry's semantic conventions name attributes.
MESSAGING_SYSTEM = "streaq"

# What the payload of the task this worker is running carried, if any: set when
# the payload is read, within the run of that one task.
_received: ContextVar[dict[str, str] | None] = ContextVar(
    "received_trace_context", default=None
)


def is_task_payload(data: Any) -> bool:
    """Whether `data` is a task as Streaq stores it (function, arguments), not a
    result or a cron schedule entry."""
    return isinstance(data, dict) and {"f", "a", "k"} <= data.keys()


def current_trace_context() -> dict[str, str]:
    """The current span's W3C trace context; empty outside any recording span."""
    if not trace.get_current_span().get_span_context().is_valid:
        return {}
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def received_trace_context() -> dict[str, str]:
    """The trace context the running task's payload carried (empty if none)."""
    return _received.get() or {}


def task_trace_id() -> str | None:
    """The running task's trace id (32 hex digits), whether or not this worker
    traces: from its span, else from the context its payload carried."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        return trace.format_trace_id(context.trace_id)
    carried = trace.get_current_span(propagate.extract(received_trace_context()))
    if (context := carried.get_span_context()).is_valid:
        return trace.format_trace_id(context.trace_id)
    return None


class TracePropagatingWorker(Worker[C]):
    """Streaq's `Worker`, carrying the trace context from producer to task."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Registered first, so it is the outermost middleware: its span covers
        # every other.
        self._traced = self.middleware(self._run_in_span)

    async def serialize(self, data: Any) -> str | bytes:
        if is_task_payload(data) and (carrier := current_trace_context()):
            data = {**data, TRACE_CONTEXT_KEY: carrier}
        return await super().serialize(data)

    async def deserialize(self, data: Any) -> Any:
        payload = await super().deserialize(data)
        holder = _received.get()
        if holder is not None and is_task_payload(payload):
            holder.update(payload.get(TRACE_CONTEXT_KEY) or {})
        return payload

    async def run_task(self, msg: StreamMessage) -> None:
        # A holder of this run's own: what `deserialize` finds, for this task only.
        token = _received.set({})
        try:
            await super().run_task(msg)
        finally:
            _received.reset(token)

    def _run_in_span(
        self, call: Callable[..., Coroutine[Any, Any, Any]]
    ) -> Callable[..., Coroutine[Any, Any, Any]]:
        async def run(*args: Any, **kwargs: Any) -> Any:
            provider = tracer_provider()
            if provider is None:
                return await call(*args, **kwargs)
            task = self._traced.context
            tracer = provider.get_tracer(__name__)
            with tracer.start_as_current_span(
                task.fn_name,
                # The enqueuing span's context; none (a new trace) without one.
                context=propagate.extract(received_trace_context()),
                kind=SpanKind.CONSUMER,
                attributes={
                    "messaging.system": MESSAGING_SYSTEM,
                    "messaging.operation.type": "process",
                    "messaging.destination.name": self.queue_name,
                    "messaging.message.id": task.task_id,
                    "streaq.task.name": task.fn_name,
                    "streaq.task.try": task.tries,
                },
                record_exception=False,
                set_status_on_exception=False,
            ) as span:
                try:
                    return await call(*args, **kwargs)
                except StreaqRetry as retry:
                    # This try failed; the next is another span of this trace.
                    cause = retry.__cause__ or retry
                    span.record_exception(cause)
                    span.set_status(
                        Status(StatusCode.ERROR, f"retried: {type(cause).__name__}")
                    )
                    raise
                except BaseException as error:
                    # Failures, timeouts and aborts (a cancellation) alike.
                    span.record_exception(error)
                    span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                    raise

        return run


def instrument_queue_clients() -> None:
    """Trace the queue's HTTP (httpx) and Redis (redis-py) calls, if tracing is on."""
    if (provider := tracer_provider()) is None:
        return
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    if not HTTPXClientInstrumentor().is_instrumented_by_opentelemetry:
        HTTPXClientInstrumentor().instrument(tracer_provider=provider)
    if not RedisInstrumentor().is_instrumented_by_opentelemetry:
        RedisInstrumentor().instrument(tracer_provider=provider)


@asynccontextmanager
async def observed_worker(settings: Settings) -> AsyncIterator[None]:
    """Traces and error reports for a worker process, as its settings ask; at
    exit, the spans and reports still waiting are sent. Enter it before the
    worker's database client is made (pymongo is instrumented when it starts)."""
    configure_error_reports(settings, component="worker")
    configure_tracing(settings, component="worker")
    instrument_queue_clients()
    try:
        yield
    finally:
        flush_traces()
        flush_error_reports()
