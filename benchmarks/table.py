"""The report: one markdown table of template figure, baseline figure and ratio."""

import math
from dataclasses import dataclass

from .stats import Better, speed_ratio

# The sign after a ratio, spelled out: ruff flags it as a look-alike of "x".
TIMES = "\N{MULTIPLICATION SIGN}"
AT_LEAST = "\N{GREATER-THAN OR EQUAL TO}"
AT_MOST = "\N{LESS-THAN OR EQUAL TO}"
HEADER = ("measure", "template", "baseline", "ratio")
# The first header cell of a quick run's table: a table copied out of its report
# still says it is not the published figures.
QUICK_MEASURE = "measure (QUICK run, not published figures)"


@dataclass(frozen=True)
class Measurement:
    """One compared figure; `unit` decides how both values are printed.

    `target_ratio`, when set, is the least ratio the template has promised (e.g.
    0.5: at least half as fast as its baseline); the ratio cell says whether
    this run met it.

    `paired_ratio`, when set, is the ratio as measured round by round: the median
    of each round's template ÷ baseline, both measured at once. It is the row's
    ratio; the two columns' medians need not reproduce it exactly.
    """

    measure: str
    template: float
    baseline: float
    unit: str
    better: Better
    target_ratio: float | None = None
    paired_ratio: float | None = None

    @property
    def ratio(self) -> float:
        if self.paired_ratio is not None:
            return self.paired_ratio
        return speed_ratio(self.template, self.baseline, self.better)

    @property
    def met(self) -> bool | None:
        """Whether the ratio reaches its target; None without one."""
        if self.target_ratio is None:
            return None
        return self.ratio >= self.target_ratio


@dataclass(frozen=True)
class Target:
    """A figure held to a fixed limit instead of a baseline (the inner loop's
    seconds): the baseline column shows the limit and the last column whether
    this run kept under it. A limit is a promise about this machine; a ratio
    to some other project would not say whether the promise holds."""

    measure: str
    value: float
    limit: float  # the most the figure may be: these are all times
    unit: str

    @property
    def met(self) -> bool:
        return self.value <= self.limit


@dataclass(frozen=True)
class Unmeasured:
    """A row that has no figures this run (skipped, or its measurement failed)."""

    measure: str
    reason: str


@dataclass(frozen=True)
class Cost:
    """What one part of the template adds per operation: the same figure with it
    (template) and without it (baseline), and the difference in place of a ratio.
    For a price paid on purpose (argon2, authentication), the amount is the point;
    a ratio would read as a gap to close."""

    measure: str
    template: float
    baseline: float
    unit: str

    @property
    def added(self) -> float:
        return self.template - self.baseline


Row = Measurement | Unmeasured | Cost | Target


def format_value(value: float, unit: str) -> str:
    """Seconds and milliseconds keep three significant figures; rates are whole."""
    if unit == "s":
        return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"
    if unit == "ms" and value < 0.1:
        # A store with nothing to do (the dict baseline): microseconds.
        return f"{value * 1000:.1f} \N{MICRO SIGN}s"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"
    if unit == "min":
        return f"{value / 60:.1f} min"
    return f"{value:,.0f} {unit}"


def format_ratio(ratio: float) -> str:
    """Two decimals; below 0.01, two significant figures, so that a store against
    a dict reads "0.000082" rather than a bare "0.00"."""
    if 0 < ratio < 0.01:
        return f"{ratio:.{1 - math.floor(math.log10(ratio))}f}{TIMES}"
    return f"{ratio:.2f}{TIMES}"


def verdict(met: bool) -> str:
    """Met or not, the miss in bold so it stands out in a long table."""
    return "met" if met else "**not met**"


def format_ratio_cell(row: Measurement) -> str:
    """The ratio, and with a target, the target and whether this run met it."""
    text = format_ratio(row.ratio)
    if row.target_ratio is None or row.met is None:
        return text
    target = format_ratio(row.target_ratio)
    return f"{text} (target {AT_LEAST} {target}: {verdict(row.met)})"


def format_added(added: float, unit: str) -> str:
    """A cost's difference, signed: "+25.9 ms" (a negative one is noise)."""
    sign = "+" if added >= 0 else "\N{MINUS SIGN}"
    return f"{sign}{format_value(abs(added), unit)}"


def render_table(rows: list[Row], *, quick: bool = False) -> str:
    """A GitHub-flavoured markdown table, one line per row."""
    header = (QUICK_MEASURE, *HEADER[1:]) if quick else HEADER
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---", "---:", "---:", "---:"]) + "|",
    ]
    for row in rows:
        if isinstance(row, Measurement):
            cells = [
                row.measure,
                format_value(row.template, row.unit),
                format_value(row.baseline, row.unit),
                format_ratio_cell(row),
            ]
        elif isinstance(row, Target):
            cells = [
                row.measure,
                format_value(row.value, row.unit),
                f"target {AT_MOST} {format_value(row.limit, row.unit)}",
                verdict(row.met),
            ]
        elif isinstance(row, Cost):
            cells = [
                row.measure,
                format_value(row.template, row.unit),
                format_value(row.baseline, row.unit),
                format_added(row.added, row.unit),
            ]
        else:
            cells = [row.measure, "—", "—", row.reason]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
