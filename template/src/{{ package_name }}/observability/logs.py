"""Log lines: one per event, through one handler on the root logger, as JSON
(production) or as readable text (LOG_FORMAT), with the ids that tie a line to
its request, trace and task, and email addresses masked in the message (its
arguments included) and in tracebacks.

Every process configures logging with `configure_logging`: the API (and, through
`logging_config`, uvicorn in each of its `--workers` and `--reload` children),
and with the job queue each of its processes.
Libraries' loggers (uvicorn's included) get no handler of their own: their lines
reach the root's, so each is printed once, in the same format.
"""

import logging
import logging.config
import re
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, NamedTuple

from opentelemetry import trace
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from ..config import LogFormat, Settings

# The ids a line carries when they are known, in this order (text and JSON alike).
CONTEXT_FIELDS = (
    "request_id",
    "trace_id",
    "span_id",
    "task_id",
    "task_name",
    "task_try",
)
# Loggers that come with a handler or `propagate = False` of their own
# elsewhere; here they lose both, so their lines reach the root's handler.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")

# Addresses anywhere in a line: `ada.lovelace@example.com` -> `a***@example.com`.
# The domain stays (it tells a typo or a provider apart); the person does not.
EMAIL_ADDRESS = re.compile(
    r"(?<![\w.%+-])([\w%+-])[\w.%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)

# The id of the request being handled (set by request_ids.py), for the lines
# written meanwhile.
current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def mask_emails(text: str) -> str:
    """`text` with every email address reduced to its first letter and domain."""
    if "@" not in text:  # most lines: no regular expression run
        return text
    return EMAIL_ADDRESS.sub(r"\1***@\2", text)


class TaskFields(NamedTuple):
    """What identifies a run of a task in its log lines (a named tuple: one is
    made for every line a task logs, and a tuple is the cheapest to make)."""

    task_id: str
    task_name: str
    task_try: int


def no_task() -> TaskFields | None:
    return None


# Where a line finds the task running when it was logged. A process of the job
# queue that runs tasks installs its own (`read_task_fields_with`); elsewhere no
# line belongs to a task.
_task_fields: Callable[[], TaskFields | None] = no_task


def read_task_fields_with(source: Callable[[], TaskFields | None]) -> None:
    """From now on, lines logged in this process carry the fields `source`
    returns: the task running when the line was logged, or None."""
    global _task_fields  # one source per process, set as it starts
    _task_fields = source


class LineContext(logging.Filter):
    """Adds the ids known where a line is logged (request, trace, task) to its
    record. On the handler, not on a logger: a logger's filters do not see the
    lines of its children; the handler sees every line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (request_id := current_request_id.get()) is not None:
            record.request_id = request_id
        span_context = trace.get_current_span().get_span_context()
        # Valid also when not sampled: the trace id still ties this line to the
        # lines of the services before and after this one.
        if span_context.is_valid:
            record.trace_id = trace.format_trace_id(span_context.trace_id)
            record.span_id = trace.format_span_id(span_context.span_id)
        if (task := _task_fields()) is not None:
            record.task_id = task.task_id
            record.task_name = task.task_name
            record.task_try = task.task_try
        return True


def utc_time(record: logging.LogRecord) -> str:
    """When the line was logged: ISO 8601 in UTC, to the millisecond."""
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonLines(JsonFormatter):
    """One JSON object per line: time, level, logger, message, the ids known,
    the fields passed with `extra=`, and a traceback as one `exception` string."""

    def __init__(self) -> None:
        super().__init__(
            ["levelname", "name", "message"],
            rename_fields={
                "levelname": "level",
                "name": "logger",
                "exc_info": "exception",
                "stack_info": "stack",
            },
            # uvicorn's coloured copy of some messages: the message is enough.
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],
        )

    def add_fields(
        self,
        log_data: dict[str, Any],
        record: logging.LogRecord,
        message_dict: dict[str, Any],
    ) -> None:
        log_data["time"] = utc_time(record)
        super().add_fields(log_data, record, message_dict)
        # The message as formatted from its arguments, masked: only this line
        # changes, not the record other handlers (tests, error reports) see.
        log_data["message"] = mask_emails(log_data["message"])

    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:  # noqa: N802 - logging's name
        traceback = super().formatException(ei)
        # One string, which JSON keeps on one line (newlines escaped).
        if not isinstance(traceback, str):
            traceback = "\n".join(traceback)
        return mask_emails(traceback)


class TextLines(logging.Formatter):
    """`2025-01-31 09:30:00 INFO     logger: message [request_id=... task_name=...]`;
    a traceback follows on the lines below, as Python prints it."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-8s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        # `format` has just set `record.message` from the message and its
        # arguments: masked here, it changes only this line.
        record.message = mask_emails(record.message)
        line = super().formatMessage(record)
        known = [
            f"{name}={value}"
            for name in CONTEXT_FIELDS
            if (value := getattr(record, name, None)) is not None
        ]
        return f"{line} [{' '.join(known)}]" if known else line

    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:  # noqa: N802 - logging's name
        return mask_emails(super().formatException(ei))


def log_level(settings: Settings, *, verbose: bool = False) -> str:
    return "DEBUG" if verbose else settings.log_level


def logging_config(settings: Settings, *, verbose: bool = False) -> dict[str, Any]:
    """The `logging.config.dictConfig` of every process of the service: one
    handler (standard error), LOG_FORMAT's formatter, the context filter.

    uvicorn applies it in each process it starts (`uvicorn.run(log_config=...)`);
    the classes are referenced, not named, so the children import them."""
    formatter = (
        JsonLines if settings.effective_log_format is LogFormat.JSON else TextLines
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": LineContext}},
        "formatters": {"line": {"()": formatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "line",
                "filters": ["context"],
            }
        },
        "root": {
            "level": log_level(settings, verbose=verbose),
            "handlers": ["stderr"],
        },
        "loggers": {
            name: {"handlers": [], "propagate": True} for name in SERVER_LOGGERS
        },
    }


def configure_logging(settings: Settings, *, verbose: bool = False) -> None:
    """Set up this process's logging (replacing any earlier set-up): LOG_LEVEL,
    or DEBUG when `verbose`; LOG_FORMAT; exactly one handler, the root's."""
    logging.config.dictConfig(logging_config(settings, verbose=verbose))
