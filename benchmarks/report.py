"""The markdown report: machine, table, and how each row was measured."""

from .table import TIMES, Row, render_table

HOW_TO_READ = (
    "Ratio = template speed ÷ baseline speed, both measured in this run: "
    f"1.00{TIMES} is "
    "parity, below 1 the template is slower (throughput: template ÷ baseline; "
    "times and latencies: baseline ÷ template). A row with a target says in its "
    "last column whether this run met it; a row held to a fixed limit instead of "
    "a baseline shows the limit in the baseline column."
)

NOTES = """\
- **Render**: median of 5 alternated `copier copy --trust --defaults --skip-tasks
  --vcs-ref HEAD` runs (post-copy tasks `git init` + `uv lock` not included), queue
  on, vs. a one-file template in a one-commit git repository (copier's own cost).
- **Time to green**: copy → `uv sync` → the whole suite as the generated README
  runs it, `uv run pytest -n auto` (pytest-xdist, one test process per core), for
  a queue-on and a queue-off render (each suite against the local Redis), vs. a
  minimal FastAPI project (fastapi + pytest + httpx, one app file, one test) from
  a fixture template put through the same steps with `uv run pytest` (it has no
  xdist). One timed run of each after one untimed warm-up of each (warm uv
  cache); the baseline's one run serves both rows. The first test run also
  writes the project's bytecode, as a developer's first run does.
- **Inner loop**: in the bench's installed queue-on render (bytecode compiled
  up front, as a developer's second run finds it; its own `.env`; the local
  Redis), the quick lane `uv run pytest -m "not slow"` (median of the runs
  stated in the last notes) and one run of the whole suite
  `uv run pytest -n auto` (full runs only). These rows have no baseline: each is
  held to its target on this machine (quick lane ≤ 10 s,
  whole suite ≤ 45 s), and the last column says whether
  this run met it. The other agents and CI sharing the machine slow them as they
  slow every row.
- **Dev store**: `benchmarks/apps/store_inserts.py`, in the generated project's
  venv, opens the development store with the project's own `open_database`
  (tinymongo, sqlite backend, a fresh `DATA_DIR` folder per size), binds the
  models, fills the users collection with one `User.insert_many` to exactly 10
  or 1,000 documents, then times single `User.insert()` calls (one untimed
  first, each inserted user deleted again so the collection stays at its
  size; median reported; the password hash is a fixed string, hashing is not
  timed). The baseline is the least an insert can do, in the same process: the
  same `User` documents dumped (`model_dump`) into a plain dict under a new id,
  with a set of emails refusing duplicates (what the unique index promises). It
  shows what the store costs, not a store to switch to: the growth from 10 to
  1,000 documents is tinymongo checking the unique email index against every
  stored document on each insert. Tests use tinymongo's memory backend; these
  rows are the `serve` and `worker` commands' store without `MONGODB_URL`.
  "Under load" is the `POST /users` load below (same rounds) against the same
  `create_app` whose sign-up keeps its users in a dict
  (`benchmarks/apps/dict_store.py`: same argon2 hash, rate limit and
  enqueue; a taken email still gets 409), each side's store empty at the
  start. Its target is a ratio of at least 0.10. Argon2, the same on both
  sides, takes most of a sign-up's time, and the run ends long before 1,000
  users: the insert rows show what the store alone costs and how it grows.
- **HTTP**: wrk, 2 threads, 32 connections, 3 s warm-up then 10 s measured (a
  full run; this run's amounts are in the last notes), on loopback, against
  `python -m uvicorn <app> --log-level warning --no-access-log` (one process,
  the generated project's venv, uvloop + httptools for both). The
  apps of a row take turns over the rounds (`--rounds`, 3 by default), each run
  on a fresh server, `DATA_DIR` and private queue (keys deleted afterwards,
  because tinymongo's insert cost grows with the collection); each figure is the
  median round. `POST /users`
  sends a unique email per request (`benchmarks/lua/post_users.lua`). "bare"
  answers the same JSON without work, its routes on the app; "route in an
  APIRouter" is the same bare route in an included router, as the template
  organises its routes; "same insert + enqueue" is a bare app inserting the same
  Beanie document into tinymongo (sqlite) and enqueueing with a plain streaq
  worker; it hashes no password, so its gap to the template includes argon2
  (the hasher row separates the two). wrk (timeout 30 s) measures latency per
  connection (closed loop). Between warm-up and measured run the bench waits
  until the server is idle: it still completes the requests wrk abandoned (up to
  32 argon2 hashes after a sign-up warm-up). Sign-up runs last at least 15 s,
  also in `--quick`, so that some complete. Any non-2xx answer or socket error
  fails the row.
- **Authentication** (the generated app against itself, one part taken out; the
  same rounds, wrk and fresh servers as HTTP): `GET /users/{id}` is loaded by a
  user signed up and logged in through the API just before, reading their own
  account with `Authorization: Bearer <token>`; the baseline
  (`benchmarks/apps/no_auth.py`) is the same `create_app` with the app-wide
  `authenticate` dependency overridden to treat the caller as the path's owner
  (no header read, no JWT verified, no user looked up) and gets the same
  requests, token included, so the only difference is authentication. The
  `POST /users` hasher rows load sign-ups (the `POST /users` load above, in the
  same rounds) against the same `create_app` with pwdlib's argon2 replaced by
  one SHA-256 (`benchmarks/apps/trivial_hasher.py`; still run in a worker
  thread). The cost rows show the time each request holds the server at full
  load with and without the part and, in the last column, the difference: mean
  latency ÷ 32 connections (Little's law; wrk keeps one request out per
  connection). Not 1 s ÷ req/s: argon2 sign-ups start together and finish
  together seconds later, so the count finished inside a run moves in steps of
  32. Argon2's cost is deliberate: a password hash must be slow to
  compute so that a leaked users collection is slow to guess at (argon2id with
  pwdlib's recommended parameters); it is paid once per sign-up and log-in,
  never by token-authenticated requests. The trivial-hasher side inserts more
  users in its run, and tinymongo's inserts slow as the collection grows, so if
  anything the argon2 figure is understated.
- **Queue**: 10,000 no-op tasks enqueued with `enqueue_many` by a producer
  (`benchmarks/apps/produce.py`), then drained by a burst worker:
  `bench-svc worker --burst` (signed payloads, three priorities, its lifespan
  opening the store) vs. `streaq run benchmarks.apps.plain_worker:worker --burst`,
  both signing their payloads with the same secret and with concurrency 16,
  each on a private queue, taking turns over the rounds (median reported).
  "Through a running worker" is timed by a separate process polling the queue
  from the first task finished to the last (start-up left out); "spawn to exit"
  times the whole burst worker. The side-by-side row drains both workers at
  once on one core, as the observability worker rows do (below), and holds the
  template's to at least 0.95 of plain streaq's rate. The queue API rows load
  `POST /tasks/ping` vs. a bare FastAPI app enqueueing the same no-op through a
  plain streaq worker.
- **Observability**: the generated app as rendered (metrics and request ids on,
  tracing off: no OTEL_* variable set) vs. the same app with `install_metrics`
  and `install_request_ids` skipped (`benchmarks/apps/no_observability.py`),
  both served at once on one core, each under its own wrk
  (`benchmarks/side_by_side.py`: each column is about half a core's rate; the
  ratio is the median of the rounds' ratios, held to at most 5%). Served alone
  in turns like the other HTTP rows, the same app with tracing on, exporting
  over OTLP/HTTP to a sink in the bench process that counts and drops the
  exports (`benchmarks/otlp_sink.py`; every request traced, `/health/live`
  included, which the rendered settings leave out). The worker rows compare the
  template's worker, as rendered and traced, with the same worker with its
  task-metrics, trace and error-report mixins taken off
  (`benchmarks/apps/unobserved_worker.py`), side by side: each round fills a
  private queue per worker with 4,000 no-op tasks and starts both burst workers
  at once, pinned to one core, so that they share it equally and a slow spell of
  the machine hits both alike (drained in turns instead, one worker's rate moved
  by up to 25% between drains). Rates are counted over the span both workers
  were draining, so each column is about half a core's rate; the ratio is the
  median of the rounds' ratios, and the target is at most 5% with tracing off.
  The in-process row sends `GET /health/live` through both apps' whole ASGI
  stack in the bench's own process (`benchmarks/apps/in_process.py`: no server,
  no network; 9 rounds of 3,000 requests, taking turns, the best round of each
  kept): the app's CPU time alone, so the difference is the two features' cost
  per request and the ratio the least a served request could show (a server adds
  its own time to both).
- **Scaling**: the memory row fills a queue on a redis-server of the bench's own
  with 10,000 no-op tasks through each side's producer (one task first, so the
  queue's keys and Streaq's functions exist before the first reading) and divides
  the growth of `used_memory` by 10,000. The I/O rows drain 2,000 tasks that each
  sleep 50 ms (the no-op task's `delay_seconds`) with the template's worker and
  plain streaq, concurrency 16, taking turns; the ideal is 16 ÷ 0.05 s.
- **Start-up**: median of 10 interleaved runs after one untimed round, in the
  generated project's venv; the queue-off import row renders and installs the
  same project with the queue off and compares it with `import fastapi` in that
  project's own venv. The import rows carry a target ratio of at least 0.50
  (`import <package>.app` at most twice as long as `import fastapi`).
- **Matrix**: `uv run pytest -n auto --dist worksteal -m slow` in this repository;
  the baseline is the sum of the junit per-test durations (the serial cost), so the
  ratio is the speed-up over running the combinations one after another. The
  second matrix row holds the same wall time to 15 minutes.
"""


TITLE = "# Benchmarks (`uv run nox -s bench`)"
QUICK_TITLE = "# Benchmarks, QUICK MODE (`uv run nox -s bench -- --quick`)"
QUICK_WARNING = (
    "**Quick run, for iteration only: not the published figures.** One round "
    "per app and worker, 3 s HTTP runs, fewer samples, no time-to-green, "
    "whole-suite or matrix row; its ratios are noisier than a full run's. "
    "Publish only a full run (`uv run nox -s bench`)."
)


def render_report(
    machine: str, rows: list[Row], extra_notes: list[str], *, quick: bool = False
) -> str:
    notes = NOTES + "".join(f"- {note}\n" for note in extra_notes)
    return "\n\n".join(
        [
            QUICK_TITLE if quick else TITLE,
            *([QUICK_WARNING] if quick else []),
            machine,
            HOW_TO_READ,
            render_table(rows, quick=quick),
            "Notes:\n\n" + notes,
        ]
    )
