"""`worker --workers N` runs N worker processes under a supervisor: each has a
Streaq identity of its own, so a task runs once even when its worker is slower
than the idle timeout; a child that dies is replaced; SIGTERM stops them all."""

import os
import re
import signal
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
import pytest
from streaq import Worker
from streaq.constants import REDIS_HEALTH

from tests.tasks.support.workers import (
    WITH_TEST_TASKS,
    WorkerProcess,
    private_queue,
    start_worker,
)

# Real supervisors and worker processes, killed and stopped on purpose.
pytestmark = [pytest.mark.anyio, pytest.mark.slow]

WORKERS = 3
TASKS = 8
# Longer than the idle timeout: Streaq must keep renewing each running task's
# claim, and only a worker with an id of its own can tell its tasks from another's.
TASK_SECONDS = 3.0
IDLE_TIMEOUT_SECONDS = 2
START_TIMEOUT_SECONDS = 60
RESULT_TIMEOUT_SECONDS = 30
# How long the test gives the supervisor to notice a death and start a successor
# (its first restart waits 1 s; a child takes about 2 s to import the project).
REPLACE_TIMEOUT_SECONDS = 30
GRACE_PERIOD_SECONDS = 3
# The supervisor's margin beyond the grace period (STOP_MARGIN_SECONDS), plus
# time for this busy test machine.
STOP_TIMEOUT_SECONDS = GRACE_PERIOD_SECONDS + 5 + 15
STARTED = re.compile(r"worker (\d+) started \(pid (\d+)\)")


def supervised_environment(
    store: dict[str, str], queue: Worker[Any], **settings: str
) -> dict[str, str]:
    return {
        **store,
        "QUEUE_NAME": queue.queue_name,
        "WORKER_IDLE_TIMEOUT_SECONDS": str(IDLE_TIMEOUT_SECONDS),
        **{name.upper(): value for name, value in settings.items()},
    }


def start_supervisor(
    log_path: Path, environment: dict[str, str], workers: int = WORKERS
) -> WorkerProcess:
    """`worker --workers N`, with the test-only tasks registered."""
    return start_worker(
        log_path, environment, "--workers", str(workers), program=WITH_TEST_TASKS
    )


async def wait_for_log_count(worker: WorkerProcess, text: str, count: int) -> None:
    """Wait until `text` appears `count` times in the log (each worker process
    announces itself with Streaq's "starting worker <id>")."""
    with anyio.move_on_after(START_TIMEOUT_SECONDS):
        while True:
            if worker.log().count(text) >= count:
                return
            await anyio.sleep(0.1)
    raise AssertionError(f"{text!r} not logged {count} times; log:\n{worker.log()}")


def started_pids(worker: WorkerProcess) -> dict[int, list[int]]:
    """Each worker number's process ids, oldest first, from the supervisor's log."""
    pids: dict[int, list[int]] = {}
    for number, pid in STARTED.findall(worker.log()):
        pids.setdefault(int(number), []).append(int(pid))
    return pids


async def wait_for_successor(worker: WorkerProcess, number: int) -> int:
    """Wait for worker `number`'s next process; return its pid."""
    before = len(started_pids(worker).get(number, []))
    with anyio.move_on_after(REPLACE_TIMEOUT_SECONDS):
        while True:
            pids = started_pids(worker).get(number, [])
            if len(pids) > before:
                return pids[-1]
            await anyio.sleep(0.1)
    raise AssertionError(f"worker {number} was not replaced; log:\n{worker.log()}")


def alive(pid: int) -> bool:
    """The process runs (an exited one waiting to be reaped does not count)."""
    try:
        os.kill(pid, 0)
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:  # no such process (ProcessLookupError, FileNotFoundError)
        return False
    return state != "Z"


async def wait_until_gone(pids: list[int], within_seconds: float) -> list[int]:
    """Wait until none of `pids` runs; return those still running at the deadline."""
    with anyio.move_on_after(within_seconds):
        while True:
            if not any(alive(pid) for pid in pids):
                return []
            await anyio.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


async def wait_for_exit(worker: WorkerProcess, within_seconds: float) -> int:
    """The worker command's exit code, once it has exited."""
    try:
        return await anyio.to_thread.run_sync(worker.process.wait, within_seconds)
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"the worker command still runs after {within_seconds} s; "
            f"log:\n{worker.log()}"
        ) from None


async def wait_for_new_id(queue: Worker[Any], known: set[str]) -> str:
    """Wait for a heartbeat from a worker id not in `known`; return that id."""
    with anyio.move_on_after(REPLACE_TIMEOUT_SECONDS):
        while True:
            if new := await live_worker_ids(queue) - known:
                return new.pop()
            await anyio.sleep(0.1)
    raise AssertionError(f"no worker id beyond {known} appeared")


async def live_worker_ids(queue: Worker[Any]) -> set[str]:
    """The ids of the workers with a live heartbeat key (Streaq's
    `streaq:<queue>:health:<worker id>`, renewed within the idle timeout)."""
    keys = await queue.redis.keys(f"{queue.prefix}{REDIS_HEALTH}:*")
    return {
        (key.decode() if isinstance(key, bytes) else key).rpartition(":")[2]
        for key in keys
    }


async def runs_recorded(queue: Worker[Any], runs_key: str) -> Counter[str]:
    """How many times each task id started, from `record_run`'s list."""
    entries = await queue.redis.lrange(runs_key, 0, -1)
    return Counter(
        (entry.decode() if isinstance(entry, bytes) else entry).split()[0]
        for entry in entries
    )


async def wait_for_runs(queue: Worker[Any], runs_key: str, count: int) -> None:
    """Wait until `record_run` has started `count` times."""
    with anyio.fail_after(RESULT_TIMEOUT_SECONDS):
        while True:
            if sum((await runs_recorded(queue, runs_key)).values()) >= count:
                return
            await anyio.sleep(0.05)


async def test_every_worker_process_has_its_own_id_and_no_task_runs_twice(
    tmp_path: Path, task_store_environment: dict[str, str]
) -> None:
    async with private_queue() as queue:
        environment = supervised_environment(
            task_store_environment, queue, worker_concurrency="3"
        )
        supervisor = start_supervisor(tmp_path / "workers.log", environment)
        try:
            await wait_for_log_count(supervisor, "starting worker", WORKERS)
            runs_key = f"{queue.prefix}:test-runs"
            tasks = [
                queue.enqueue_unsafe("record_run", runs_key, TASK_SECONDS)
                for _ in range(TASKS)
            ]
            await queue.enqueue_many(tasks)
            results = [
                await queue.result_by_id(task.id, timeout=RESULT_TIMEOUT_SECONDS)
                for task in tasks
            ]
            worker_ids = await live_worker_ids(queue)
            runs = await runs_recorded(queue, runs_key)
        finally:
            supervisor.stop()

    assert all(result.success for result in results), supervisor.log()
    assert len(worker_ids) == WORKERS, f"worker ids: {worker_ids}"
    assert runs == Counter({task.id: 1 for task in tasks}), (
        f"{sum(runs.values())} runs of {TASKS} tasks"
    )


async def start_two_workers(
    tmp_path: Path, environment: dict[str, str], queue: Worker[Any]
) -> tuple[WorkerProcess, dict[int, int], set[str]]:
    """`worker --workers 2`, once both are up: the command, each worker number's
    pid, and their Streaq ids."""
    supervisor = start_supervisor(tmp_path / "workers.log", environment, workers=2)
    await wait_for_log_count(supervisor, "starting worker", 2)
    ids = {await wait_for_new_id(queue, set())}
    ids.add(await wait_for_new_id(queue, ids))
    pids = {number: pids[-1] for number, pids in started_pids(supervisor).items()}
    return supervisor, pids, ids


async def test_a_killed_worker_is_replaced_by_a_new_process_with_a_new_id(
    tmp_path: Path, task_store_environment: dict[str, str]
) -> None:
    async with private_queue() as queue:
        environment = supervised_environment(task_store_environment, queue)
        supervisor, pids, ids = await start_two_workers(tmp_path, environment, queue)
        try:
            os.kill(pids[1], signal.SIGKILL)
            successor = await wait_for_successor(supervisor, 1)
            new_id = await wait_for_new_id(queue, ids)
            survivor_alive = alive(pids[2])
        finally:
            supervisor.stop()

    assert (
        f"worker 1 (pid {pids[1]}) was killed by SIGKILL; restarting in 1 s"
        in supervisor.log()
    )
    assert successor != pids[1]
    assert new_id not in ids
    assert survivor_alive, "killing one worker must not touch the other"


async def test_a_supervisor_killed_outright_takes_its_workers_with_it(
    tmp_path: Path, task_store_environment: dict[str, str]
) -> None:
    async with private_queue() as queue:
        environment = supervised_environment(task_store_environment, queue)
        supervisor, pids, _ = await start_two_workers(tmp_path, environment, queue)
        try:
            # SIGKILL: the supervisor cannot stop its workers itself.
            supervisor.kill()
            orphans = await wait_until_gone(list(pids.values()), STOP_TIMEOUT_SECONDS)
        finally:
            for pid in pids.values():
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)

    assert orphans == [], "workers outlived their supervisor"
    # Each stopped as on SIGTERM, letting Streaq shut down cleanly.
    assert supervisor.log().count("shutting down worker") == len(pids)


async def test_a_task_that_ends_its_process_takes_down_only_its_own_worker(
    tmp_path: Path, task_store_environment: dict[str, str]
) -> None:
    async with private_queue() as queue:
        environment = supervised_environment(task_store_environment, queue)
        supervisor, pids, _ = await start_two_workers(tmp_path, environment, queue)
        try:
            await queue.enqueue_unsafe("exit_process", 1).start()
            await wait_for_log_count(supervisor, "exited with code 1", 1)
            died = next(
                number
                for number, pid in pids.items()
                if f"(pid {pid}) exited with code 1" in supervisor.log()
            )
            await wait_for_successor(supervisor, died)
            other_alive = [alive(pid) for number, pid in pids.items() if number != died]
            # The queue is still served: a ping comes back.
            ping = await queue.enqueue_unsafe("ping").start()
            pong = await ping.result(timeout=RESULT_TIMEOUT_SECONDS)
        finally:
            supervisor.stop()

    assert other_alive == [True]
    restart_line = f"worker {died} (pid {pids[died]}) exited with code 1; restarting"
    assert f"{restart_line} in 1 s" in supervisor.log()
    assert pong.result == "pong"


async def test_sigterm_lets_every_worker_finish_its_task_then_exits_0(
    tmp_path: Path, task_store_environment: dict[str, str]
) -> None:
    async with private_queue() as queue:
        environment = supervised_environment(
            task_store_environment,
            queue,
            worker_concurrency="1",
            worker_grace_period_seconds=str(GRACE_PERIOD_SECONDS),
        )
        supervisor, pids, _ = await start_two_workers(tmp_path, environment, queue)
        runs_key = f"{queue.prefix}:test-runs"
        tasks = [queue.enqueue_unsafe("record_run", runs_key, 1.5) for _ in range(2)]
        try:
            await queue.enqueue_many(tasks)
            # Both tasks have started, one on each worker (concurrency 1).
            await wait_for_runs(queue, runs_key, 2)
            supervisor.process.terminate()
            exit_code = await wait_for_exit(supervisor, STOP_TIMEOUT_SECONDS)
        finally:
            supervisor.stop()
        finished = await queue.redis.exists(
            [queue.results_key + task.id for task in tasks]
        )

    assert exit_code == 0, supervisor.log()
    assert not any(alive(pid) for pid in pids.values())
    assert finished == 2, "a running task was cut short instead of finishing"
    assert "received SIGTERM: stopping the workers" in supervisor.log()
    assert "Traceback" not in supervisor.log()


async def test_burst_workers_that_drain_the_queue_are_not_restarted(
    tmp_path: Path, task_store_environment: dict[str, str]
) -> None:
    async with private_queue() as queue:
        await queue.enqueue_many([queue.enqueue_unsafe("ping") for _ in range(4)])
        environment = supervised_environment(task_store_environment, queue)
        supervisor = start_worker(
            tmp_path / "workers.log",
            environment,
            *("--workers", "2", "--burst"),
            program=WITH_TEST_TASKS,
        )
        try:
            exit_code = await wait_for_exit(supervisor, START_TIMEOUT_SECONDS)
        finally:
            supervisor.stop()

    assert exit_code == 0, supervisor.log()
    assert supervisor.log().count("finished: the queue is empty") == 2
    assert "restarting" not in supervisor.log()


async def test_a_lone_worker_exits_1_on_a_fatal_error_in_one_line(
    tmp_path: Path, task_store_environment: dict[str, str]
) -> None:
    async with private_queue() as queue:
        environment = {
            **supervised_environment(task_store_environment, queue),
            "TEST_WORKER_LIFESPAN_ERROR": "the mail server refused our credentials",
        }
        worker = start_worker(
            tmp_path / "worker.log", environment, program=WITH_TEST_TASKS
        )
        try:
            exit_code = await wait_for_exit(worker, START_TIMEOUT_SECONDS)
        finally:
            worker.stop()

    assert exit_code == 1
    assert (
        "the worker stopped on an error: RuntimeError: the mail server refused our "
        "credentials; exiting with code 1" in worker.log()
    )
    assert "Traceback" not in worker.log()
