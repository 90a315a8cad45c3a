"""Unit tests of the benchmarks' pure parts: arithmetic, parsing, the table."""

import pytest

from benchmarks.machine import cpu_model, memory_gib
from benchmarks.matrix import summarise
from benchmarks.procs import BenchmarkError
from benchmarks.stats import Better, median, percentile, speed_ratio
from benchmarks.table import Measurement, Unmeasured, format_value, render_table
from benchmarks.wrk import parse_report

# Captured from `wrk --latency` against the generated app's POST /users (wrk pads
# seconds with a trailing space, kept here as \x20).
WRK_SAMPLE = """\
Running 3s test @ http://127.0.0.1:55457/users
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   452.81ms  245.86ms   1.04s    68.78%
    Req/Sec    39.82     24.55    90.00     68.89%
  Latency Distribution
     50%  379.92ms
     75%  626.17ms
     90%  837.84ms
     99%    1.03s\x20
  189 requests in 3.01s, 47.99KB read
  Non-2xx or 3xx responses: 111
Requests/sec:     62.71
Transfer/sec:     15.92KB
"""

WRK_FAST_SAMPLE = """\
Running 10s test @ http://127.0.0.1:40000/health/live
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.20ms  812.00us  21.00ms   90.00%
    Req/Sec     4.85k   300.00     5.20k    70.00%
  Latency Distribution
     50%  950.00us
     75%    3.40ms
     90%    4.00ms
     99%    7.51ms
  96543 requests in 10.00s, 13.10MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
Requests/sec:   9650.52
Transfer/sec:      1.31MB
"""


def test_percentile_interpolates_between_neighbours() -> None:
    values = [4.0, 1.0, 3.0, 2.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile(values, 50) == pytest.approx(2.5)
    assert percentile(values, 99) == pytest.approx(3.97)


def test_median_of_odd_and_even_counts() -> None:
    assert median([5.0, 1.0, 3.0]) == 3.0
    assert median([1.0, 2.0]) == 1.5
    assert median([7.0]) == 7.0


@pytest.mark.parametrize("q", [-1, 101])
def test_percentile_refuses_out_of_range(q: float) -> None:
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], q)


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_throughput_ratio_is_template_over_baseline() -> None:
    # The template serves half as many requests: it is half as fast.
    assert speed_ratio(500, 1000, Better.HIGHER) == 0.5


def test_time_ratio_is_baseline_over_template() -> None:
    # The template takes twice as long: it is also half as fast.
    assert speed_ratio(2.0, 1.0, Better.LOWER) == 0.5
    assert speed_ratio(1.0, 4.0, Better.LOWER) == 4.0


def test_ratio_refuses_non_positive_figures() -> None:
    with pytest.raises(ValueError, match="positive"):
        speed_ratio(0, 1, Better.HIGHER)


def test_wrk_report_is_parsed_with_failures_counted() -> None:
    report = parse_report(WRK_SAMPLE)
    assert report.requests_per_second == 62.71
    assert report.p50_ms == pytest.approx(379.92)
    assert report.p99_ms == pytest.approx(1030.0)
    assert report.requests == 189
    assert report.failures == 111


def test_wrk_units_and_socket_errors() -> None:
    report = parse_report(WRK_FAST_SAMPLE)
    assert report.p50_ms == pytest.approx(0.95)
    assert report.p99_ms == pytest.approx(7.51)
    assert report.requests == 96543
    assert report.failures == 3


def test_unreadable_wrk_output_is_an_error() -> None:
    with pytest.raises(BenchmarkError, match="cannot read"):
        parse_report("unable to connect to 127.0.0.1:1 Connection refused")


def test_table_has_one_line_per_row_and_ratio_direction() -> None:
    table = render_table(
        [
            Measurement("rps", 500.0, 1000.0, "req/s", Better.HIGHER),
            Measurement("latency", 2.0, 4.0, "ms", Better.LOWER),
            Unmeasured("matrix", "not measured (--skip-matrix)"),
        ]
    )
    lines = table.splitlines()
    assert lines[0] == "| measure | template | baseline | ratio |"
    assert lines[1] == "|---|---:|---:|---:|"
    assert lines[2] == "| rps | 500 req/s | 1,000 req/s | 0.50\N{MULTIPLICATION SIGN} |"
    assert lines[3] == "| latency | 2.00 ms | 4.00 ms | 2.00\N{MULTIPLICATION SIGN} |"
    assert lines[4] == "| matrix | — | — | not measured (--skip-matrix) |"
    assert len(lines) == 5


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1.234, "s", "1.23 s"),
        (0.0421, "s", "42 ms"),
        (12.34, "ms", "12.3 ms"),
        (900.0, "min", "15.0 min"),
        (12345.6, "tasks/s", "12,346 tasks/s"),
    ],
)
def test_values_are_formatted_by_unit(value: float, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


def test_junit_summary_sums_serial_time() -> None:
    junit = """<?xml version="1.0"?>
    <testsuites><testsuite name="pytest" tests="3">
      <testcase classname="a" name="one" time="10.5"/>
      <testcase classname="a" name="two" time="20.0"><failure message="x"/></testcase>
      <testcase classname="a" name="three" time="0.5"><skipped message="y"/></testcase>
    </testsuite></testsuites>"""
    summary = summarise(junit)
    assert summary.tests == 3
    assert summary.failed == 1
    assert summary.skipped == 1
    assert summary.serial_seconds == pytest.approx(31.0)


def test_machine_facts_from_proc_files() -> None:
    cpuinfo = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: fpu\n"
    assert cpu_model(cpuinfo) == "AMD EPYC 7B13"
    assert memory_gib("MemTotal:       24576000 kB\n") == pytest.approx(23.4375)
