"""Dev-store inserts: one Beanie `User.insert()` into the generated app's embedded
development store (tinymongo, sqlite backend, opened by the project's own
`open_database`) at 10 and at 1,000 stored documents, vs. the same documents put
into a plain in-memory dict. tinymongo checks a unique index against every stored
document on each insert, so its cost grows with the collection: the two sizes
show how fast."""

import json

from .procs import run
from .project import Project
from .runtime import private_run
from .stats import Better, median
from .table import Measurement

SAMPLES = 20
SIZES = (10, 1000)


def row(size: int) -> str:
    return (
        f"Dev store: one `User.insert()` into {size:,} documents "
        "(tinymongo, sqlite) vs. a plain in-memory dict"
    )


def parse(output: str, sizes: tuple[int, ...] = SIZES) -> list[Measurement]:
    """Rows from the script's JSON (per-insert seconds), median per size, in ms."""
    result = json.loads(output)
    return [
        Measurement(
            row(size),
            median(result["template"][str(size)]) * 1000,
            median(result["baseline"][str(size)]) * 1000,
            "ms",
            Better.LOWER,
        )
        for size in sizes
    ]


def measure(project: Project, samples: int = SAMPLES) -> list[Measurement]:
    with private_run(project, "store") as (workdir, env):
        output = run(
            [
                str(project.python),
                "-m",
                "benchmarks.apps.store_inserts",
                project.package,
                str(samples),
                *(str(size) for size in SIZES),
            ],
            cwd=workdir,
            env=env,
        )
    return parse(output)
