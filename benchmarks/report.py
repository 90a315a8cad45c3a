"""The markdown report: machine, table, and how each row was measured."""

from .table import TIMES, Row, render_table

HOW_TO_READ = (
    "Ratio = template speed ÷ baseline speed, both measured in this run: "
    f"1.00{TIMES} is "
    "parity, below 1 the template is slower (throughput: template ÷ baseline; "
    "times and latencies: baseline ÷ template)."
)

NOTES = """\
- **Render**: median of 5 alternated `copier copy --trust --defaults --skip-tasks
  --vcs-ref HEAD` runs (post-copy tasks `git init` + `uv lock` not included), queue
  on, vs. a one-file template in a one-commit git repository (copier's own cost).
- **Time to green**: copy → `uv sync` → `uv run pytest`, one timed run after one
  untimed warm-up of each (warm uv cache), queue-on render (its whole suite against
  the local Redis) vs. a minimal FastAPI project (fastapi + pytest + httpx, one app
  file, one test) from a fixture template put through the same steps.
- **HTTP**: wrk, 2 threads, 32 connections, 3 s warm-up then 10 s measured, on
  loopback, against `python -m uvicorn <app> --log-level warning --no-access-log`
  (one process, the generated project's venv, uvloop + httptools for both). The
  apps of a row take turns over the rounds (`--rounds`, 3 by default), each run
  on a fresh server, `DATA_DIR` and private queue (keys deleted afterwards,
  because tinymongo's insert cost grows with the collection); each figure is the
  median round. `POST /users`
  sends a unique email per request (`benchmarks/lua/post_users.lua`). "bare"
  answers the same JSON without work, its routes on the app; "route in an
  APIRouter" is the same bare route in an included router, as the template
  organises its routes; "same insert + enqueue" is a bare app inserting the same
  Beanie document into tinymongo (sqlite) and enqueueing with a plain streaq
  worker. wrk (timeout 30 s) measures latency per connection (closed loop). Any
  non-2xx answer or socket error fails the row.
- **Queue**: 10,000 no-op tasks enqueued with `enqueue_many` by a producer
  (`benchmarks/apps/produce.py`), then drained by a burst worker:
  `bench-svc worker --burst` (signed payloads, three priorities, its lifespan
  opening the store) vs. `streaq run benchmarks.apps.plain_worker:worker --burst`,
  both with concurrency 16, each on a private queue, taking turns over the rounds
  (median reported). "Through a running worker" is timed by a separate process
  polling the queue from the first task finished to the last (start-up left out);
  "spawn to exit" times the whole burst worker. The queue API rows load
  `POST /tasks/ping` vs. a bare FastAPI app enqueueing the same no-op through a
  plain streaq worker.
- **Start-up**: median of 10 interleaved runs after one untimed round, in the
  generated project's venv.
- **Matrix**: `uv run pytest -n auto --dist worksteal -m slow` in this repository;
  the baseline is the sum of the junit per-test durations (the serial cost), so the
  ratio is the speed-up over running the combinations one after another.
"""


def render_report(machine: str, rows: list[Row], extra_notes: list[str]) -> str:
    notes = NOTES + "".join(f"- {note}\n" for note in extra_notes)
    return "\n\n".join(
        [
            "# Benchmarks (`uv run nox -s bench`)",
            machine,
            HOW_TO_READ,
            render_table(rows),
            "Notes:\n\n" + notes,
        ]
    )
