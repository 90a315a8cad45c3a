"""Row 5: start-up of the generated CLI and app (both queue answers) vs. importing
FastAPI alone, and the worker healthcheck vs. the least a Python Redis check costs."""

from .procs import run, timed_run
from .project import Project
from .runtime import REDIS_URL, private_run
from .stats import Better, median
from .table import Measurement

REPEATS = 10
# Importing the app may take at most twice as long as importing FastAPI: the
# import is paid by every test process, CLI command and server start.
IMPORT_TARGET_RATIO = 0.5


def import_row(package: str, queue: str) -> str:
    return f"Start-up: `import {package}.app` (queue {queue}) vs. `import fastapi`"


def measure(
    project: Project, queue_off: Project, repeats: int = REPEATS
) -> list[Measurement]:
    """`queue_off` is the same project rendered with the queue off, installed in
    its own venv; its import is compared with `import fastapi` in that venv."""
    python = str(project.python)
    commands = {
        "cli": [str(project.bin / project.slug), "--help"],
        "app": [python, "-c", f"import {project.package}.app"],
        "fastapi": [python, "-c", "import fastapi"],
        "app_off": [str(queue_off.python), "-c", f"import {queue_off.package}.app"],
        "fastapi_off": [str(queue_off.python), "-c", "import fastapi"],
        # A container healthcheck: it must answer well within its timeout.
        "health": [str(project.bin / project.slug), "worker", "health"],
        "redis_ping": [
            python,
            "-c",
            f"import redis; redis.Redis.from_url({REDIS_URL!r}).ping()",
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    with private_run(project, "startup") as (workdir, env):
        # One live worker's heartbeat, so `worker health` passes (exit 0); the
        # queue's keys are deleted after the run.
        heartbeat = f"streaq:{env['QUEUE_NAME']}:health:bench"
        run(
            ["redis-cli", "-u", REDIS_URL, "SET", heartbeat, "bench", "PX", "600000"],
            cwd=workdir,
        )
        # Interleaved, after one untimed round that warms the file cache.
        for attempt in range(repeats + 1):
            for name, command in commands.items():
                seconds = timed_run(command, cwd=workdir, env=env)
                if attempt:
                    times[name].append(seconds)
    fastapi = median(times["fastapi"])
    return [
        Measurement(
            f"Start-up: `{project.slug} --help` vs. `import fastapi`",
            median(times["cli"]),
            fastapi,
            "s",
            Better.LOWER,
        ),
        Measurement(
            import_row(project.package, "on"),
            median(times["app"]),
            fastapi,
            "s",
            Better.LOWER,
            target_ratio=IMPORT_TARGET_RATIO,
        ),
        Measurement(
            import_row(queue_off.package, "off"),
            median(times["app_off"]),
            median(times["fastapi_off"]),
            "s",
            Better.LOWER,
            target_ratio=IMPORT_TARGET_RATIO,
        ),
        Measurement(
            f"Start-up: `{project.slug} worker health` (cold) vs. a Python "
            "`import redis` + PING",
            median(times["health"]),
            median(times["redis_ping"]),
            "s",
            Better.LOWER,
        ),
    ]
