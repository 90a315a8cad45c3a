"""The report: one markdown table of template figure, baseline figure and ratio."""

from dataclasses import dataclass

from .stats import Better, speed_ratio

# The sign after a ratio, spelled out: ruff flags it as a look-alike of "x".
TIMES = "\N{MULTIPLICATION SIGN}"
HEADER = ("measure", "template", "baseline", "ratio")
# The first header cell of a quick run's table: a table copied out of its report
# still says it is not the published figures.
QUICK_MEASURE = "measure (QUICK run, not published figures)"


@dataclass(frozen=True)
class Measurement:
    """One compared figure; `unit` decides how both values are printed."""

    measure: str
    template: float
    baseline: float
    unit: str
    better: Better

    @property
    def ratio(self) -> float:
        return speed_ratio(self.template, self.baseline, self.better)


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


Row = Measurement | Unmeasured | Cost


def format_value(value: float, unit: str) -> str:
    """Seconds and milliseconds keep three significant figures; rates are whole."""
    if unit == "s":
        return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"
    if unit == "min":
        return f"{value / 60:.1f} min"
    return f"{value:,.0f} {unit}"


def format_ratio(ratio: float) -> str:
    return f"{ratio:.2f}{TIMES}"


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
                format_ratio(row.ratio),
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
