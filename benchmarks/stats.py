"""Medians, percentiles and speed ratios: the only arithmetic the report does."""

from collections.abc import Sequence
from enum import Enum


class Better(Enum):
    """Which way a figure improves; it decides how its ratio is formed."""

    HIGHER = "higher"  # throughput: requests/s, tasks/s
    LOWER = "lower"  # times and latencies


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolating linearly between neighbours."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0-100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    fraction = position - below
    return ordered[below] + (ordered[above] - ordered[below]) * fraction


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def speed_ratio(template: float, baseline: float, better: Better) -> float:
    """Template speed ÷ baseline speed: above 1 the template is faster.

    A throughput is a speed already; a time is the inverse of one, so its ratio
    is baseline ÷ template.
    """
    if template <= 0 or baseline <= 0:
        raise ValueError(f"figures must be positive: {template}, {baseline}")
    if better is Better.HIGHER:
        return template / baseline
    return baseline / template
