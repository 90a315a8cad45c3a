"""The figures the generated README's "Scaling" section is written from: what a
queued task costs Redis in memory, and how close one worker process comes to
its concurrency's ideal when tasks wait on I/O.

Memory is read from a redis-server of the bench's own (`used_memory` before and
after filling a queue), so nothing else on the shared Redis is counted.
"""

import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from .procs import BenchmarkError, free_port, run, stop
from .project import Project
from .queuebench import median_drains
from .runtime import CONCURRENCY, private_run
from .stats import Better
from .table import Measurement
from .workers import PRODUCER, Side, plain_side, template_side

QUEUED_TASKS = 10_000
# I/O-bound tasks: each waits this long, so a slot can finish 1 / IO_SECONDS a
# second and a worker CONCURRENCY times that.
IO_SECONDS = 0.05
IO_TASKS = 2_000
ROUNDS = 3


@contextmanager
def own_redis() -> Iterator[str]:
    """A redis-server on a free loopback port, kept in memory only."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as folder:
        process = subprocess.Popen(
            [
                *("redis-server", "--port", str(port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"redis://127.0.0.1:{port}/0"
            for _ in range(100):
                if (
                    subprocess.run(
                        ["redis-cli", "-u", url, "ping"], capture_output=True, text=True
                    ).stdout.strip()
                    == "PONG"
                ):
                    break
                process.poll()
                if process.returncode is not None:
                    raise BenchmarkError("redis-server for the memory row exited")
                time.sleep(0.05)
            else:
                raise BenchmarkError("redis-server for the memory row did not answer")
            yield url
        finally:
            stop(process)


def used_memory(url: str, cwd: Path) -> int:
    info = run(["redis-cli", "-u", url, "info", "memory"], cwd=cwd)
    for line in info.splitlines():
        if line.startswith("used_memory:"):
            return int(line.split(":", 1)[1])
    raise BenchmarkError("redis-cli info memory printed no used_memory")


def bytes_per_queued_task(project: Project, side: Side) -> float:
    """Redis memory that QUEUED_TASKS waiting tasks take, per task. One task is
    enqueued first, so the queue's own keys and Streaq's functions are loaded
    before the first reading."""
    with own_redis() as url, private_run(project, side.label) as (workdir, env):
        env.update(side.env)
        env["REDIS_URL"] = url
        producer = [str(project.python), "-m", PRODUCER, "enqueue"]
        run([*producer, side.worker, side.task, "1"], cwd=workdir, env=env)
        before = used_memory(url, workdir)
        run(
            [*producer, side.worker, side.task, str(QUEUED_TASKS)],
            cwd=workdir,
            env=env,
        )
        return (used_memory(url, workdir) - before) / QUEUED_TASKS


def io_bound_rates(project: Project, rounds: int) -> tuple[float, float]:
    """Median steady tasks/s of the template's worker and plain streaq's on
    I/O-bound tasks, the two taking turns in each round."""
    sides = [
        replace(template_side(project), label="io-template"),
        replace(plain_side(project), label="io-plain"),
    ]
    template, plain = median_drains(project, sides, rounds, IO_TASKS, IO_SECONDS)
    return template.steady_rate, plain.steady_rate


def measure(project: Project, rounds: int = ROUNDS) -> list[Measurement]:
    template_rate, plain_rate = io_bound_rates(project, rounds)
    io_row = (
        f"Scaling: one worker process, {IO_TASKS:,} tasks that each wait "
        f"{IO_SECONDS * 1000:.0f} ms on I/O, concurrency {CONCURRENCY}"
    )
    return [
        Measurement(
            f"Scaling: Redis memory per waiting task ({QUEUED_TASKS:,} queued no-op "
            "tasks, signed) vs. plain streaq",
            bytes_per_queued_task(project, template_side(project)),
            bytes_per_queued_task(project, plain_side(project)),
            "B",
            Better.LOWER,
        ),
        Measurement(
            f"{io_row} vs. the ideal {CONCURRENCY} ÷ {IO_SECONDS} s",
            template_rate,
            CONCURRENCY / IO_SECONDS,
            "tasks/s",
            Better.HIGHER,
        ),
        Measurement(
            f"{io_row} vs. plain streaq",
            template_rate,
            plain_rate,
            "tasks/s",
            Better.HIGHER,
        ),
    ]
