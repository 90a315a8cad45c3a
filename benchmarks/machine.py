"""What the figures were measured on: they mean nothing without the machine."""

import os
import platform
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path


def cpu_model(cpuinfo: str) -> str:
    match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    return match.group(1).strip() if match else platform.processor() or "unknown"


def memory_gib(meminfo: str) -> float:
    match = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
    return int(match.group(1)) / 1024**2 if match else 0.0


def redis_server_version() -> str:
    try:
        banner = subprocess.run(
            ["redis-server", "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "not installed"
    match = re.search(r"v=(\S+)", banner)
    return match.group(1) if match else banner.strip()


def describe(python_version: str) -> str:
    """One markdown line per fact. `python_version` is the generated project's."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    meminfo = Path("/proc/meminfo").read_text()
    return "\n".join(
        [
            f"- CPU: {cpu_model(cpuinfo)} ({os.cpu_count()} cores)",
            f"- RAM: {memory_gib(meminfo):.1f} GiB",
            f"- Python: {python_version} (generated project), "
            f"{platform.python_version()} (benchmark runner)",
            f"- redis-server: {redis_server_version()}",
            f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        ]
    )
