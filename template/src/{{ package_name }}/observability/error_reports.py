"""Error reports to Sentry, only when SENTRY_DSN is set.

Unset, `sentry_sdk` is never imported. Set, each process initialises it once:
Sentry's integrations report the exceptions a request ends with, and
`report_error` the failures the service catches itself, tagged so a report can be
found from a log line or a trace. Error log lines stay breadcrumbs, not reports
of their own: each failure is reported once, where it is handled.
"""

from collections.abc import Mapping

from ..config import Settings

# Seconds a stopping process waits for its last reports to be sent.
FLUSH_TIMEOUT_SECONDS = 2.0

_reporting = False


def configure_error_reports(settings: Settings, component: str | None = None) -> bool:
    """Start reporting to SENTRY_DSN if set (once per process); whether on."""
    global _reporting
    if _reporting or settings.sentry_dsn is None:
        return _reporting
    # Imported only now: nothing of Sentry is loaded while reports are off.
    import sentry_sdk
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.sentry_environment or settings.environment.value,
        # Reports carry no request bodies, cookies or user data.
        send_default_pii=False,
        # Traces are OpenTelemetry's (observability/tracing.py), not Sentry's.
        traces_sample_rate=None,
        integrations=[LoggingIntegration(event_level=None)],
    )
    if component is not None:
        sentry_sdk.set_tag("component", component)
    _reporting = True
    return True


def describe_error_reports(settings: Settings) -> str:
    """One line for `doctor`: whether errors are reported, and as which environment."""
    if settings.sentry_dsn is None:
        return "off (set SENTRY_DSN to report errors to Sentry)"
    environment = settings.sentry_environment or settings.environment.value
    return f"on: to Sentry, environment {environment}"


def error_reports_on() -> bool:
    return _reporting


def report_error(error: BaseException, tags: Mapping[str, str]) -> None:
    """Report `error` with `tags` (nothing while reports are off)."""
    if not _reporting:
        return
    import sentry_sdk

    with sentry_sdk.new_scope() as scope:
        for name, value in tags.items():
            scope.set_tag(name, value)
        scope.capture_exception(error)


def flush_error_reports() -> None:
    """Send the reports still queued: a stopping process loses none."""
    if _reporting:
        import sentry_sdk

        sentry_sdk.flush(timeout=FLUSH_TIMEOUT_SECONDS)
