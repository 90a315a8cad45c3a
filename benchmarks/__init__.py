"""Benchmarks of the template against baselines measured in the same run.

Run with `uv run nox -s bench` (add `-- --skip-matrix` to leave out the full matrix).
Every ratio is template speed ÷ baseline speed, so 1.00 is parity and below 1 the
template is slower; the machine is noisy, so only ratios from one run are compared.
"""
