"""Unit tests of the benchmarks' pure parts: arithmetic, parsing, the table."""

from pathlib import Path

import pytest

from benchmarks.__main__ import Collector, parse_args, plan_from_args
from benchmarks.green import ROWS as GREEN_ROWS
from benchmarks.machine import cpu_model, memory_gib
from benchmarks.matrix import summarise
from benchmarks.plan import FULL, FULL_OUTPUT, QUICK_OUTPUT, describe
from benchmarks.procs import BenchmarkError
from benchmarks.report import QUICK_WARNING, render_report
from benchmarks.side_by_side import Timeline, in_rounds, shared_rates
from benchmarks.stats import Better, median, percentile, speed_ratio
from benchmarks.storebench import parse as parse_store_inserts
from benchmarks.table import (
    AT_LEAST,
    TIMES,
    Cost,
    Measurement,
    Row,
    Target,
    Unmeasured,
    format_ratio,
    format_value,
    render_table,
)
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
    assert report.mean_ms == pytest.approx(452.81)
    assert report.requests == 189
    assert report.failures == 111


def test_wrk_units_and_socket_errors() -> None:
    report = parse_report(WRK_FAST_SAMPLE)
    assert report.p50_ms == pytest.approx(0.95)
    assert report.p99_ms == pytest.approx(7.51)
    # The Thread Stats average, not a line of the distribution.
    assert report.mean_ms == pytest.approx(3.2)
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
        (0.0091, "ms", "9.1 \N{MICRO SIGN}s"),
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
      <testcase classname="a" name="two" time="20.0"><failure message="x">suite
FAILED tests/test_cron.py::test_tick - AssertionError
E       FAILED tests/test_cron.py::test_tick - AssertionError
  FAILED is not at the start here</failure></testcase>
      <testcase classname="a" name="three" time="0.5"><skipped message="y"/></testcase>
    </testsuite></testsuites>"""
    summary = summarise(junit)
    assert summary.tests == 3
    assert summary.failed == 1
    assert summary.skipped == 1
    assert summary.serial_seconds == pytest.approx(31.0)
    # Which test failed, and which of its generated suite's tests, once each.
    assert summary.failures == (
        "a::two; FAILED tests/test_cron.py::test_tick - AssertionError",
    )


def test_machine_facts_from_proc_files() -> None:
    cpuinfo = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: fpu\n"
    assert cpu_model(cpuinfo) == "AMD EPYC 7B13"
    assert memory_gib("MemTotal:       24576000 kB\n") == pytest.approx(23.4375)


def test_a_full_run_by_default() -> None:
    plan = plan_from_args(parse_args([]))
    assert not plan.quick
    assert plan.load.rounds == 3
    assert plan.load.seconds == 10
    assert plan.queue_rounds == 3
    assert plan.side_by_side_rounds == 7
    assert plan.green
    assert plan.whole_suite
    assert plan.matrix
    assert plan.output == FULL_OUTPUT


def test_skip_matrix_keeps_the_rest_of_a_full_run() -> None:
    plan = plan_from_args(parse_args(["--skip-matrix"]))
    assert not plan.matrix
    assert plan.green
    assert plan.load.rounds == 3


def test_quick_runs_less_and_writes_its_own_file() -> None:
    plan = plan_from_args(parse_args(["--quick"]))
    assert plan.quick
    assert plan.load.rounds == 1
    assert plan.load.seconds == 3
    assert plan.load.warmup_seconds == 1
    assert plan.queue_rounds == 1
    assert plan.side_by_side_rounds == 1
    assert not plan.green
    assert not plan.whole_suite
    assert not plan.matrix
    # Fewer samples of the cheap rows, but still measured.
    assert 0 < plan.store_samples < FULL.store_samples
    assert 0 < plan.quick_lane_runs < FULL.quick_lane_runs
    # Never the full run's file: a quick run cannot replace the published figures.
    assert plan.output == QUICK_OUTPUT
    assert plan.output != FULL_OUTPUT


def test_only_measures_the_named_sections_and_writes_its_own_file() -> None:
    plan = plan_from_args(parse_args(["--only", "Scaling, Observability HTTP"]))
    assert plan.only == frozenset({"Scaling", "Observability HTTP"})
    # A partial table never replaces the full run's or the quick run's file.
    assert plan.output not in {FULL_OUTPUT, QUICK_OUTPUT}
    collector = Collector(plan.only)
    collector.section("Start-up", lambda: [Unmeasured("start-up", "measured")])
    collector.section("Scaling", lambda: [Unmeasured("scaling", "measured")])
    assert [row.measure for row in collector.rows] == ["scaling"]


def test_explicit_options_override_the_quick_amounts(tmp_path: Path) -> None:
    output = tmp_path / "mine.md"
    plan = plan_from_args(
        parse_args(
            ["--quick", "--rounds", "2", "--http-seconds", "5", "--output", str(output)]
        )
    )
    assert plan.quick
    assert plan.load.rounds == 2
    assert plan.queue_rounds == 2
    assert plan.side_by_side_rounds == 2
    assert plan.load.seconds == 5
    assert plan.output == output


def test_the_plan_is_stated_in_the_notes() -> None:
    assert describe(plan_from_args(parse_args(["--quick"]))) == (
        "This run: 1 round per HTTP app and 1 round per queue worker, 1 round per "
        "side-by-side worker comparison, 1 s warm-up then 3 s per HTTP run, 3 renders and 3 start-ups per side, 5 inserts "
        "per store size, 1 quick-lane run (quick mode)."
    )
    assert describe(plan_from_args(parse_args([]))).endswith(
        "per side, 20 inserts per store size, 3 quick-lane runs."
    )


def test_a_cost_row_shows_the_difference_in_place_of_a_ratio() -> None:
    table = render_table(
        [
            Cost("argon2 per sign-up", 30.0, 5.0, "ms"),
            Cost("auth per request (noise)", 0.50, 0.52, "ms"),
        ]
    )
    lines = table.splitlines()
    assert lines[2] == "| argon2 per sign-up | 30.0 ms | 5.00 ms | +25.0 ms |"
    # Under 0.1 ms, a figure or difference is shown in microseconds.
    assert lines[3] == (
        "| auth per request (noise) | 0.50 ms | 0.52 ms "
        "| \N{MINUS SIGN}20.0 \N{MICRO SIGN}s |"
    )


def test_a_quick_table_says_so_in_its_header() -> None:
    header = render_table([], quick=True).splitlines()[0]
    assert header.startswith("| measure (QUICK run, not published figures) |")
    assert "QUICK" not in render_table([]).splitlines()[0]


def test_a_quick_report_is_labelled_from_its_title() -> None:
    rows: list[Row] = [Measurement("rps", 500.0, 1000.0, "req/s", Better.HIGHER)]
    quick = render_report("- CPU: test", rows, ["This run: quick."], quick=True)
    title, warning = quick.split("\n\n")[:2]
    assert "QUICK MODE" in title
    assert warning == QUICK_WARNING
    full = render_report("- CPU: test", rows, ["This run: full."])
    assert "QUICK" not in full
    assert full.startswith("# Benchmarks (`uv run nox -s bench`)")


def test_a_target_row_shows_its_limit_and_whether_it_was_met() -> None:
    table = render_table(
        [
            Target("quick lane", 8.0, 10.0, "s"),
            Target("whole suite", 61.5, 45.0, "s"),
        ]
    )
    lines = table.splitlines()
    assert (
        lines[2]
        == "| quick lane | 8.00 s | target \N{LESS-THAN OR EQUAL TO} 10.00 s | met |"
    )
    assert lines[3] == (
        "| whole suite | 61.50 s | target \N{LESS-THAN OR EQUAL TO} 45.00 s "
        "| **not met** |"
    )


def test_a_limit_reached_exactly_is_met() -> None:
    assert Target("edge", 10.0, 10.0, "s").met


def test_a_ratio_target_is_stated_after_the_ratio() -> None:
    times = "\N{MULTIPLICATION SIGN}"
    at_least = "\N{GREATER-THAN OR EQUAL TO}"
    rows: list[Row] = [
        Measurement("import on", 0.835, 0.287, "s", Better.LOWER, target_ratio=0.5),
        Measurement("import off", 0.4, 0.3, "s", Better.LOWER, target_ratio=0.5),
        Measurement("no target", 0.4, 0.3, "s", Better.LOWER),
    ]
    lines = render_table(rows).splitlines()
    assert lines[2].endswith(
        f"| 0.34{times} (target {at_least} 0.50{times}: **not met**) |"
    )
    assert lines[3].endswith(f"| 0.75{times} (target {at_least} 0.50{times}: met) |")
    assert lines[4].endswith(f"| 0.75{times} |")


def test_store_inserts_become_one_row_per_size_in_milliseconds() -> None:
    output = (
        '{"template": {"10": [0.012, 0.014, 0.013], "1000": [0.06, 0.05, 0.07]},'
        ' "baseline": {"10": [1e-05, 2e-05, 3e-05], "1000": [1e-05, 1e-05, 1e-05]}}'
    )
    small, large = parse_store_inserts(output)
    assert "10 documents" in small.measure
    assert "1,000 documents" in large.measure
    assert small.unit == large.unit == "ms"
    assert small.template == pytest.approx(13.0)
    assert small.baseline == pytest.approx(0.02)
    assert large.template == pytest.approx(60.0)
    assert large.better is Better.LOWER


def test_time_to_green_has_a_row_per_queue_answer() -> None:
    on, off = GREEN_ROWS
    assert "queue on" in on
    assert "queue off" in off
    assert "pytest -n auto" in on


@pytest.mark.parametrize(
    ("ratio", "text"),
    [(0.34, "0.34"), (0.05, "0.05"), (0.0051, "0.0051"), (8.2e-05, "0.000082")],
)
def test_small_ratios_keep_two_significant_figures(ratio: float, text: str) -> None:
    assert format_ratio(ratio) == f"{text}\N{MULTIPLICATION SIGN}"


# Two watchers' readings (monotonic seconds, tasks left), as `produce timeline`
# prints them: A starts at 10.0 and drains 100 tasks/s from 10.5; B starts later
# and drains 50 tasks/s from 11.0.
TIMELINE_A = "10.0 400\n10.5 400\n11.0 350\n12.0 250\n13.0 150\n14.0 50\n14.5 0\n"
TIMELINE_B = "10.2 400\n11.0 400\n11.5 375\n12.0 350\n13.0 300\n15.0 200\n19.0 0\n"


def test_a_timeline_knows_when_its_worker_began_and_emptied_the_queue() -> None:
    timeline = Timeline.parse(TIMELINE_A)
    # The first reading with fewer tasks than at the start: start-up is over.
    assert timeline.first_finished == 11.0
    assert timeline.emptied == 14.5
    assert timeline.left_at(11.5) == pytest.approx(300)
    assert timeline.left_at(9.0) == 400
    assert timeline.left_at(20.0) == 0


def test_side_by_side_rates_count_only_the_span_both_workers_drained() -> None:
    a, b = Timeline.parse(TIMELINE_A), Timeline.parse(TIMELINE_B)
    # From B's first finished task (11.5) to A's empty queue (14.5): A drained
    # 300 - 0 tasks, B 375 - 225; neither side's start-up or lone tail counts.
    assert shared_rates([a, b]) == pytest.approx([100.0, 50.0])


def test_side_by_side_drains_that_never_overlap_are_refused() -> None:
    early = Timeline.parse("0.0 10\n1.0 5\n2.0 0\n")
    late = Timeline.parse("0.0 10\n3.0 10\n4.0 5\n5.0 0\n")
    with pytest.raises(BenchmarkError, match="no span in which both drained"):
        shared_rates([early, late])


def test_a_paired_ratio_is_the_rows_ratio_whatever_the_columns_medians() -> None:
    row = Measurement(
        "worker side by side",
        330.0,
        350.0,
        "tasks/s",
        Better.HIGHER,
        target_ratio=0.95,
        paired_ratio=0.97,
    )
    assert row.ratio == 0.97
    assert row.met
    assert f"0.97{TIMES} (target {AT_LEAST} 0.95{TIMES}: met)" in render_table([row])


def test_side_by_side_rounds_alternate_who_starts_and_pair_the_ratios() -> None:
    started: list[list[str]] = []
    rate = {"template": 90.0, "baseline": 100.0}

    def measure(sides: list[str]) -> list[float]:
        started.append(sides)
        return [rate[side] for side in sides]

    comparison = in_rounds("template", "baseline", 3, measure)
    assert started == [
        ["template", "baseline"],
        ["baseline", "template"],
        ["template", "baseline"],
    ]
    assert comparison.rate == 90.0
    assert comparison.baseline_rate == 100.0
    assert comparison.ratio == pytest.approx(0.9)
