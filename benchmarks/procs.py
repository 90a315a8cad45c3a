"""Subprocesses: timed runs, and servers that are always stopped afterwards."""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

# Generous: a cold import of the generated app plus its database binding.
SERVER_START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
# A server is idle when it uses under 5% of one core over a 0.2 s look.
IDLE_INTERVAL_SECONDS = 0.2
IDLE_CPU_SHARE = 0.05
IDLE_TIMEOUT_SECONDS = 120.0


class BenchmarkError(RuntimeError):
    """A step of a benchmark failed; the message says which and why."""


def run(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 1800,
) -> str:
    """Run to completion and return stdout; a failure carries the output's tail."""
    try:
        done = subprocess.run(
            list(command),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise BenchmarkError(
            f"{' '.join(command)} timed out after {timeout} s"
        ) from None
    except OSError as error:
        raise BenchmarkError(f"cannot run {command[0]}: {error}") from None
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-3000:]
        raise BenchmarkError(
            f"{' '.join(command)} exited {done.returncode} in {cwd}:\n{tail}"
        )
    return done.stdout


def timed_run(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 1800,
) -> float:
    """Wall-clock seconds from spawn to exit (process start-up included)."""
    started = time.perf_counter()
    run(command, cwd=cwd, env=env, timeout=timeout)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def stop(process: "subprocess.Popen[bytes] | subprocess.Popen[str]") -> None:
    """SIGTERM the process group, then SIGKILL what is left after a grace period."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT_SECONDS), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) a process has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 of stat(5); fields[0] is field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_idle(pid: int) -> None:
    """Return once the server has finished what it was doing.

    A load generator that stops abandons its requests in flight, but the server
    still completes them: after a warm-up of sign-ups it has up to one argon2
    hash per connection left to compute (seconds on this machine), which would
    otherwise slow the start of the measured run of that side alone.
    """
    deadline = time.monotonic() + IDLE_TIMEOUT_SECONDS
    used = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(IDLE_INTERVAL_SECONDS)
        now = cpu_seconds(pid)
        if now - used < IDLE_INTERVAL_SECONDS * IDLE_CPU_SHARE:
            return
        used = now
    raise BenchmarkError(
        f"process {pid} stayed busy for {IDLE_TIMEOUT_SECONDS} s after its warm-up"
    )


def wait_until_answering(
    url: str, process: "subprocess.Popen[bytes]", log: Path
) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkError(
                f"server exited {process.returncode} before answering {url}:\n"
                + log.read_text(errors="replace")[-3000:]
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise BenchmarkError(
        f"server did not answer {url} within {SERVER_START_TIMEOUT_SECONDS} s:\n"
        + log.read_text(errors="replace")[-3000:]
    )


@contextmanager
def server(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    ready_url: str,
    log: Path,
) -> Iterator["subprocess.Popen[bytes]"]:
    """Start a server in its own process group, yield once `ready_url` answers 200,
    and stop the whole group however the block ends."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own group: stopping it also stops anything it spawned.
            start_new_session=True,
        )
        try:
            wait_until_answering(ready_url, process, log)
            yield process
        finally:
            stop(process)
