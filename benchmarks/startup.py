"""Row 5: start-up of the generated CLI and app vs. importing FastAPI alone."""

from .procs import timed_run
from .project import Project
from .runtime import private_run
from .stats import Better, median
from .table import Measurement

REPEATS = 10


def measure(project: Project, repeats: int = REPEATS) -> list[Measurement]:
    python = str(project.python)
    commands = {
        "cli": [str(project.bin / project.slug), "--help"],
        "app": [python, "-c", f"import {project.package}.app"],
        "fastapi": [python, "-c", "import fastapi"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    with private_run(project, "startup") as (workdir, env):
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
            f"Start-up: `import {project.package}.app` vs. `import fastapi`",
            median(times["app"]),
            fastapi,
            "s",
            Better.LOWER,
        ),
    ]
