"""No task is lost when a worker is killed mid-run: another worker finishes it."""

from pathlib import Path
from typing import Any

import anyio
import pytest
from streaq import TaskStatus, Worker

from tests.tasks.support.workers import private_queue, start_worker

# A real worker is killed mid-run and another finishes its 1,000 tasks.
pytestmark = [pytest.mark.anyio, pytest.mark.slow]

TASKS = 1_000
# Each task takes this long, so the worker is mid-run (tasks in its hands) when
# it is killed.
TASK_SECONDS = 0.05
KILL_AFTER_DONE = 150
FINISH_TIMEOUT_SECONDS = 90


async def count_done(queue: Worker[Any], task_ids: list[str]) -> int:
    """How many of the tasks have stored a result (one Redis round trip)."""
    return int(await queue.redis.exists([queue.results_key + id for id in task_ids]))


async def wait_until_done(
    queue: Worker[Any], task_ids: list[str], at_least: int, within_seconds: float
) -> int:
    done = 0
    with anyio.move_on_after(within_seconds):
        while True:
            done = await count_done(queue, task_ids)
            if done >= at_least:
                break
            await anyio.sleep(0.05)
    return done


async def stored_results(queue: Worker[Any], task_ids: list[str]) -> list[Any]:
    """Every task's stored result record (fetched at once: `result_by_id` would
    subscribe to each task's channel in turn)."""
    raw_results = await queue.redis.mget([queue.results_key + id for id in task_ids])
    return [await queue.deserialize(raw) for raw in raw_results]


async def test_every_task_completes_after_its_worker_is_killed_mid_run(
    tmp_path: Path, task_store_environment: dict[str, str]
) -> None:
    async with private_queue() as queue:
        tasks = [queue.enqueue_unsafe("ping", TASK_SECONDS) for _ in range(TASKS)]
        await queue.enqueue_many(tasks)
        task_ids = [task.id for task in tasks]
        environment = {
            **task_store_environment,
            "QUEUE_NAME": queue.queue_name,
            "WORKER_CONCURRENCY": "20",
            # A dead worker's tasks go to another after one second of silence.
            "WORKER_IDLE_TIMEOUT_SECONDS": "1",
        }

        first = start_worker(tmp_path / "first.log", environment)
        try:
            done_before_kill = await wait_until_done(
                queue, task_ids, KILL_AFTER_DONE, FINISH_TIMEOUT_SECONDS
            )
        finally:
            first.kill()
        running_at_kill = len(await queue.get_tasks_by_status(TaskStatus.RUNNING))
        done_at_kill = await count_done(queue, task_ids)

        second = start_worker(tmp_path / "second.log", environment)
        try:
            done = await wait_until_done(queue, task_ids, TASKS, FINISH_TIMEOUT_SECONDS)
            results = await stored_results(queue, task_ids)
        finally:
            second.stop()

    assert done_before_kill >= KILL_AFTER_DONE, first.log()
    assert done_at_kill < TASKS, "the worker finished before it could be killed"
    assert running_at_kill > 0, "the worker had no task in hand when killed"
    assert done == TASKS, f"{TASKS - done} task(s) lost; log:\n{second.log()}"
    # Streaq's stored record: s = success, t = tries, w = the worker that ran it.
    assert all(result["s"] for result in results)
    rerun = [result for result in results if result["t"] > 1]
    assert rerun, "no task interrupted by the kill was run again"
    assert {result["w"] for result in rerun} == {second_id(second.log())}


def second_id(log: str) -> str:
    """The Streaq id the second worker announced when it started."""
    marker = "starting worker "
    return log[log.index(marker) + len(marker) :].split()[0]
