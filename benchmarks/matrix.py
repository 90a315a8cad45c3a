"""Row 6: the template's full matrix, parallel wall time vs. its serial cost."""

import re
import subprocess
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from .project import TEMPLATE_ROOT, clean_env
from .stats import Better
from .table import Measurement, Row, Target

ROW = (
    "Matrix: `pytest -n auto -m slow` wall time vs. the combinations one after another"
)
TARGET_ROW = "Matrix: `pytest -n auto -m slow` wall time (renders and generated suites)"
# Item 2 of the fast-feedback goals: the matrix stays under this on this machine.
TARGET_MINUTES = 15.0
COMMAND = (
    "uv",
    "run",
    "pytest",
    "-n",
    "auto",
    "--dist",
    "worksteal",
    "-m",
    "slow",
    "-q",
)


# A generated suite's own summary line of a failed test, as the template's test
# quoted it (pytest prefixes an assertion message's lines with "E").
GENERATED_FAILURE = re.compile(r"^(?:E\s+)?(FAILED \S.*?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class JunitSummary:
    tests: int
    failed: int  # failures and errors
    skipped: int
    serial_seconds: float  # the sum of every test's own duration
    # Each failed test, with the generated suite's own FAILED lines if it ran one.
    failures: tuple[str, ...] = ()


def failure_of(case: ET.Element, problem: ET.Element) -> str:
    """The failed test's id, and the tests its generated suite reported failed:
    the matrix's output is not kept, so this is what tells a flake from a bug."""
    text = f"{problem.get('message', '')}\n{problem.text or ''}"
    failed_inside = sorted(
        {found.group(1) for found in GENERATED_FAILURE.finditer(text)}
    )
    name = f"{case.get('classname', '')}::{case.get('name', '')}"
    return "; ".join([name, *failed_inside])


def summarise(junit_xml: str) -> JunitSummary:
    root = ET.fromstring(junit_xml)
    cases = root.iter("testcase")
    tests = skipped = 0
    serial = 0.0
    failures: list[str] = []
    for case in cases:
        tests += 1
        serial += float(case.get("time", "0"))
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            failures.append(failure_of(case, problem))
        elif case.find("skipped") is not None:
            skipped += 1
    return JunitSummary(tests, len(failures), skipped, serial, tuple(failures))


def measure(workdir: Path) -> tuple[list[Row], JunitSummary]:
    """Run the slow tests in parallel as the template's own session does: the
    speed-up over running them one after another, and the wall time held to its
    target. A failing test still yields figures; the summary says how many
    failed."""
    report = workdir / "matrix.xml"
    started = time.perf_counter()
    # Not check=True: the timing is valid even when a combination fails.
    subprocess.run(
        [*COMMAND, f"--junitxml={report}"],
        cwd=TEMPLATE_ROOT,
        env=clean_env(),
        capture_output=True,
        timeout=3600,
    )
    wall = time.perf_counter() - started
    summary = summarise(report.read_text())
    speed_up = Measurement(ROW, wall, summary.serial_seconds, "min", Better.LOWER)
    held = Target(TARGET_ROW, wall, TARGET_MINUTES * 60, "min")
    return [speed_up, held], summary
