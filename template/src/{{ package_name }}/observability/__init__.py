"""What the service tells an operator: log lines (logs.py), Prometheus metrics
(metrics.py), traces and error reports (tracing.py, error_reports.py)."""
