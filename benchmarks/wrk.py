"""wrk, the load generator: run it and read its report."""

import re
import secrets
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .procs import BenchmarkError, run
from .stats import median

INSTALL_HINT = "wrk is not installed: run `apt-get update && apt-get install -y wrk`"
LUA = Path(__file__).resolve().parent / "lua"
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class LoadSettings:
    """Bounded runs on loopback; both sides of a comparison get the same ones."""

    seconds: int = 10
    warmup_seconds: int = 3
    # Interleaved rounds per app (template, baseline, template, ...), each on a
    # fresh server; the report takes the median round. On a 2-core machine one
    # 10 s run of the same app varied by up to ±15%.
    rounds: int = 3
    threads: int = 2
    connections: int = 32
    # Well above any answer seen: wrk's 2 s default counts slow answers from the
    # embedded store (POST /users) as socket timeouts and drops their latency.
    timeout_seconds: int = 30


@dataclass(frozen=True)
class WrkReport:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    # Mean latency of the completed requests ("Thread Stats" Latency Avg).
    mean_ms: float
    requests: int
    # Non-2xx/3xx answers plus socket errors: any of them makes the run invalid.
    failures: int


def median_report(reports: Sequence[WrkReport]) -> WrkReport:
    """Each figure's median over rounds of one app under one load."""
    return WrkReport(
        requests_per_second=median([r.requests_per_second for r in reports]),
        p50_ms=median([r.p50_ms for r in reports]),
        p99_ms=median([r.p99_ms for r in reports]),
        mean_ms=median([r.mean_ms for r in reports]),
        requests=sum(r.requests for r in reports),
        failures=sum(r.failures for r in reports),
    )


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(INSTALL_HINT)
    return path


def to_ms(amount: str, unit: str) -> float:
    return float(amount) * UNIT_MS[unit]


def parse_report(text: str) -> WrkReport:
    """Read the figures from wrk's text report (run with --latency)."""
    latencies = {
        int(percent): to_ms(amount, unit)
        for percent, amount, unit in re.findall(
            r"^\s*(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.MULTILINE
        )
    }
    mean = re.search(r"^\s*Latency\s+([\d.]+)(us|ms|s|m)\s", text, re.MULTILINE)
    rate = re.search(r"^Requests/sec:\s*([\d.]+)", text, re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in", text, re.MULTILINE)
    if (
        rate is None
        or total is None
        or mean is None
        or 50 not in latencies
        or 99 not in latencies
    ):
        raise BenchmarkError(f"cannot read wrk's report:\n{text}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    failures = int(non_2xx.group(1)) if non_2xx else 0
    failures += sum(int(count) for count in sockets.groups()) if sockets else 0
    return WrkReport(
        requests_per_second=float(rate.group(1)),
        p50_ms=latencies[50],
        p99_ms=latencies[99],
        mean_ms=to_ms(mean.group(1), mean.group(2)),
        requests=int(total.group(1)),
        failures=failures,
    )


def wrk_command(
    url: str,
    settings: LoadSettings,
    seconds: int,
    *,
    script: str | None = None,
    headers: Sequence[str] = (),
) -> list[str]:
    """One wrk run of `seconds` against `url`, with latencies; `script` names a
    file under lua/.

    Each run hands its script a fresh token (scripts that sign users up put it
    in the emails, so the measured run never repeats a warm-up email).
    """
    command = [
        require_wrk(),
        "--timeout",
        f"{settings.timeout_seconds}s",
        "--threads",
        str(settings.threads),
        "--connections",
        str(settings.connections),
        "--latency",
        "--duration",
        f"{seconds}s",
    ]
    if script is not None:
        command += ["--script", str(LUA / script)]
    for header in headers:
        command += ["--header", header]
    return [*command, url, "--", secrets.token_hex(4)]


def checked_report(url: str, seconds: int, report_text: str) -> WrkReport:
    """The report of a measured run, refused if nothing completed or anything
    failed."""
    report = parse_report(report_text)
    if not report.requests:
        raise BenchmarkError(
            f"no request to {url} completed in {seconds} s:\n{report_text}"
        )
    if report.failures:
        raise BenchmarkError(
            f"{report.failures} failed requests against {url}:\n{report_text}"
        )
    return report


def load(
    url: str,
    settings: LoadSettings,
    *,
    script: str | None = None,
    headers: Sequence[str] = (),
    warmup: bool = True,
    settle: Callable[[], None] | None = None,
) -> WrkReport:
    """Warm up (unmeasured), call `settle` (to wait for the server to finish
    the warm-up's abandoned requests), then measure."""
    if warmup:
        run(
            wrk_command(
                url,
                settings,
                settings.warmup_seconds,
                script=script,
                headers=headers,
            ),
            cwd=LUA,
        )
    if settle is not None:
        settle()
    report_text = run(
        wrk_command(url, settings, settings.seconds, script=script, headers=headers),
        cwd=LUA,
        timeout=settings.seconds + 60,
    )
    return checked_report(url, settings.seconds, report_text)


def run_at_once(
    targets: Sequence[tuple[str, Sequence[str]]], settings: LoadSettings, seconds: int
) -> list[str]:
    """One wrk per (url, headers), all started together: their reports."""
    runs = [
        subprocess.Popen(
            wrk_command(url, settings, seconds, headers=headers),
            cwd=LUA,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for url, headers in targets
    ]
    texts = [wrk.communicate(timeout=seconds + 60)[0] for wrk in runs]
    for (url, _), wrk, text in zip(targets, runs, texts, strict=True):
        if wrk.returncode:
            raise BenchmarkError(f"wrk against {url} exited {wrk.returncode}:\n{text}")
    return texts


def load_at_once(
    targets: Sequence[tuple[str, Sequence[str]]],
    settings: LoadSettings,
    *,
    settle: Callable[[], None] | None = None,
) -> list[WrkReport]:
    """Every target warmed up together (unmeasured), then, after `settle`,
    measured together: one report per target."""
    run_at_once(targets, settings, settings.warmup_seconds)
    if settle is not None:
        settle()
    texts = run_at_once(targets, settings, settings.seconds)
    return [
        checked_report(url, settings.seconds, text)
        for (url, _), text in zip(targets, texts, strict=True)
    ]
