"""What observability costs: the API's `GET /health/live` and a running worker,
each with its metrics (and request ids) as rendered, with tracing on as well,
and without any of it — the same rendered project in all three, taking turns.

Tracing exports to a local sink (otlp_sink.py) and traces every request here:
`/health/live` is left out of traces by default (OTEL_PYTHON_FASTAPI_EXCLUDED_URLS),
which would make its traced figure free.
"""

from dataclasses import replace

from .httpbench import (
    LIVE,
    App,
    compare,
    measure_rounds,
    template_app,
    time_per_request,
)
from .otlp_sink import Sink, otlp_sink
from .procs import BenchmarkError, run
from .project import Project
from .runtime import private_run
from .side_by_side import (
    SIDE_BY_SIDE_TASKS,
    compare_served_side_by_side,
    compare_side_by_side,
)
from .stats import Better
from .table import Measurement, Row
from .workers import Side, template_side
from .wrk import LoadSettings

# The observability goals' bound on what metrics and tracing cost with tracing
# off: the API's metrics; the worker's task metrics, trace propagation and error
# reports. Request ids and the log context belong to the logs and stay on both
# sides of the target rows (one more row shows the API without request ids too).
TRACING_OFF_TARGET = 0.95

NO_METRICS = App(
    "no-metrics",
    "benchmarks.apps.no_metrics:create_app",
    factory=True,
    accounts=True,
)
NO_OBSERVABILITY = App(
    "no-observability",
    "benchmarks.apps.no_observability:create_app",
    factory=True,
    accounts=True,
)
UNOBSERVED_WORKER = "benchmarks.apps.unobserved_worker"
IN_PROCESS = "benchmarks.apps.in_process"
# Rounds of requests through the app in-process; the best round is kept.
IN_PROCESS_ROUNDS = 9
IN_PROCESS_REQUESTS = 3_000


def tracing_env(sink: Sink) -> tuple[tuple[str, str], ...]:
    return (
        ("OTEL_EXPORTER_OTLP_ENDPOINT", sink.url),
        # Every request traced, /health/live included.
        ("OTEL_PYTHON_FASTAPI_EXCLUDED_URLS", ""),
    )


def require_exports(sink: Sink, exports_before: int, what: str) -> None:
    if sink.exports == exports_before:
        raise BenchmarkError(f"{what} with tracing on exported no spans to the sink")


def measure_http(project: Project, settings: LoadSettings, rounds: int) -> list[Row]:
    """Metrics (and tracing, off) against the app without them, and with request
    ids taken out too, each side by side (side_by_side.py); tracing's rows
    with each app served alone, in turns, as the other HTTP rows are."""
    template = template_app(project)
    metrics = compare_served_side_by_side(
        project, template, NO_METRICS, LIVE, settings, rounds
    )
    metrics_and_ids = compare_served_side_by_side(
        project, template, NO_OBSERVABILITY, LIVE, settings, rounds
    )
    with otlp_sink() as sink:
        traced = replace(template, label="traced", env=tracing_env(sink))
        observed, traced_report, bare = measure_rounds(
            project, [template, traced, NO_OBSERVABILITY], LIVE, settings
        )
        require_exports(sink, 0, "GET /health/live")
    side_by_side = "both served at once on one core (median of the rounds' ratios)"
    return [
        metrics.row(
            "Observability: `GET /health/live` with metrics, tracing off (as "
            "rendered) vs. the same app without metrics (request ids and their "
            f"log context on both sides), {side_by_side}: req/s",
            "req/s",
            target_ratio=TRACING_OFF_TARGET,
        ),
        metrics_and_ids.row(
            "Observability: `GET /health/live` with metrics and request ids, "
            "tracing off (as rendered) vs. the same app without either, "
            f"{side_by_side}: req/s",
            "req/s",
        ),
        *compare(
            "Observability: `GET /health/live` with tracing on as well (every request "
            "a span, OTLP/HTTP to a local sink) vs. the same app without any",
            traced_report,
            bare,
        ),
        time_per_request(
            "Observability: tracing's cost per traced request (mean latency ÷ "
            "connections, tracing on vs. off)",
            traced_report,
            observed,
            settings,
        ),
    ]


def measure_in_process(project: Project) -> list[Row]:
    """What metrics and request ids cost per request with no server around them:
    CPU time only, so it holds on a busy machine where the served rows blur."""
    with private_run(project, "in-process") as (workdir, env):
        printed = run(
            [
                *(str(project.python), "-m", IN_PROCESS),
                *(str(IN_PROCESS_ROUNDS), str(IN_PROCESS_REQUESTS)),
            ],
            cwd=workdir,
            env=env,
        )
    observed_us, bare_us = (float(value) for value in printed.split())
    return [
        Measurement(
            "Observability: `GET /health/live` through the app in-process (no "
            "server: the time per request is the app's alone), metrics and request "
            "ids as rendered vs. without them",
            observed_us / 1000,
            bare_us / 1000,
            "ms",
            Better.LOWER,
        )
    ]


def measure_worker(project: Project, rounds: int) -> list[Row]:
    """The worker as rendered, and with tracing on, each drained side by side
    with the worker without observability (side_by_side.py)."""
    observed = template_side(project)
    unobserved = Side(
        "drain-unobserved",
        f"{UNOBSERVED_WORKER}:worker",
        observed.task,
        [str(project.python), "-m", UNOBSERVED_WORKER, "worker", "--burst"],
    )
    metrics_only = compare_side_by_side(project, observed, unobserved, rounds)
    with otlp_sink() as sink:
        traced = replace(observed, label="drain-traced", env=tracing_env(sink))
        with_tracing = compare_side_by_side(project, traced, unobserved, rounds)
        require_exports(sink, 0, "the worker")
    name = (
        f"Observability: {SIDE_BY_SIDE_TASKS:,} no-op tasks through a running "
        "worker, both workers draining at once on one core (median of the rounds' "
        "ratios)"
    )
    return [
        metrics_only.row(
            f"{name}, task metrics on and tracing off (as rendered) vs. the same "
            "worker without task metrics, trace propagation or error reports",
            "tasks/s",
            target_ratio=TRACING_OFF_TARGET,
        ),
        with_tracing.row(
            f"{name}, tracing on as well (a span per task, OTLP/HTTP to a local "
            "sink) vs. the same worker without any",
            "tasks/s",
        ),
    ]
