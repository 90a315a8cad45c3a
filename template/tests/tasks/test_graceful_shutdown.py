"""SIGTERM stops a worker gently: running tasks get WORKER_GRACE_PERIOD_SECONDS to
finish; tasks it had not started go to the next worker."""

from pathlib import Path
from typing import Any

import anyio
import pytest
from streaq import TaskStatus, Worker
from streaq.task import TaskResult

from tests.tasks.support.workers import (
    STOP_TIMEOUT_SECONDS,
    private_queue,
    start_worker,
)

# Real worker processes stopped with SIGTERM, waiting out grace periods.
pytestmark = [pytest.mark.anyio, pytest.mark.slow]

TASK_SECONDS = 2.0
CONCURRENCY = 2
RESULT_TIMEOUT_SECONDS = 30


async def wait_until_running(queue: Worker[Any], count: int) -> None:
    with anyio.fail_after(RESULT_TIMEOUT_SECONDS):
        while True:
            running = await queue.get_tasks_by_status(TaskStatus.RUNNING)
            if len(running) >= count:
                return
            await anyio.sleep(0.05)


async def stop_mid_task(
    tmp_path: Path, environment: dict[str, str], queue: Worker[Any], tasks: int
) -> tuple[list[str], str]:
    """Enqueue `tasks` slow pings, SIGTERM the worker once two are running and
    wait for it to exit; return the task ids and the worker's log."""
    handles = [queue.enqueue_unsafe("ping", TASK_SECONDS) for _ in range(tasks)]
    await queue.enqueue_many(handles)
    worker = start_worker(tmp_path / "worker.log", environment)
    try:
        await wait_until_running(queue, CONCURRENCY)
        worker.process.terminate()
        await anyio.to_thread.run_sync(worker.process.wait, STOP_TIMEOUT_SECONDS)
    finally:
        worker.stop()
    return [handle.id for handle in handles], worker.log()


async def count_finished(queue: Worker[Any], task_ids: list[str]) -> int:
    """How many of the tasks have a stored result."""
    return await queue.redis.exists(
        [queue.results_key + task_id for task_id in task_ids]
    )


async def results_from_a_successor(
    tmp_path: Path, environment: dict[str, str], queue: Worker[Any], task_ids: list[str]
) -> list[TaskResult[Any]]:
    """Start the next worker and wait for every task's result."""
    successor = start_worker(tmp_path / "successor.log", environment)
    try:
        return [
            await queue.result_by_id(task_id, timeout=RESULT_TIMEOUT_SECONDS)
            for task_id in task_ids
        ]
    finally:
        successor.stop()


def worker_environment(
    store: dict[str, str], queue: Worker[Any], grace_seconds: int
) -> dict[str, str]:
    return {
        **store,
        "QUEUE_NAME": queue.queue_name,
        "WORKER_CONCURRENCY": str(CONCURRENCY),
        "WORKER_GRACE_PERIOD_SECONDS": str(grace_seconds),
        "WORKER_IDLE_TIMEOUT_SECONDS": "1",
    }


async def test_running_tasks_finish_within_the_grace_period(
    tmp_path: Path, task_store_environment: dict[str, str]
) -> None:
    async with private_queue() as queue:
        environment = worker_environment(task_store_environment, queue, 10)
        task_ids, log = await stop_mid_task(
            tmp_path, environment, queue, tasks=CONCURRENCY + 2
        )
        finished = await count_finished(queue, task_ids)
        # The tasks it never started are left for the next worker.
        results = await results_from_a_successor(tmp_path, environment, queue, task_ids)

    assert "waiting up to 10s for tasks to finish" in log
    # The running two finished before the worker exited; the others did not start.
    assert finished == CONCURRENCY
    assert all(result.success for result in results)


async def test_without_a_grace_period_running_tasks_are_interrupted_and_rerun(
    tmp_path: Path, task_store_environment: dict[str, str]
) -> None:
    async with private_queue() as queue:
        environment = worker_environment(task_store_environment, queue, 0)
        task_ids, _ = await stop_mid_task(
            tmp_path, environment, queue, tasks=CONCURRENCY
        )
        finished = await count_finished(queue, task_ids)
        results = await results_from_a_successor(tmp_path, environment, queue, task_ids)

    assert finished == 0
    assert all(result.success and result.tries == 2 for result in results)
