"""The queue's numbers in every scrape of the API's GET /metrics, read from Redis
and the dead-letter collection when Prometheus asks (no process keeps them).

The workers' own numbers (task durations and outcomes) are on their metrics
endpoint: task_metrics.py.
"""

import logging
from collections.abc import Iterable
from typing import Any

from coredis.exceptions import StreamConsumerGroupError
from coredis.response.types import StreamPending
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from streaq import Worker
from streaq.constants import REDIS_GROUP

from ...causes import describe
from ...models.task_records import DeadLetter
from ...observability.metrics import ScrapeSource
from .stats import count_tasks, live_worker_ids

logger = logging.getLogger(__name__)


async def waiting_by_priority(queue: Worker[Any]) -> dict[str, int]:
    """Tasks no worker has taken yet, by priority: each priority's stream holds
    its tasks until they finish; those handed to a worker are pending."""
    waiting: dict[str, int] = {}
    for priority in queue.priorities:
        stream = queue.stream_key + priority
        length = await queue.redis.xlen(stream)
        pending = 0
        try:
            summary = await queue.redis.xpending(stream, REDIS_GROUP)
        except StreamConsumerGroupError:
            # No consumer group yet: no worker ever started, none took a task.
            pass
        else:
            if isinstance(summary, StreamPending):
                pending = summary.pending
        waiting[priority] = max(length - pending, 0)
    return waiting


def gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


async def read_queue_metrics(queue: Worker[Any]) -> list[Metric]:
    """The queue's gauges as they are now."""
    waiting = GaugeMetricFamily(
        "queue_tasks_waiting",
        "Tasks waiting for a worker, by priority.",
        labels=["priority"],
    )
    for priority, count in (await waiting_by_priority(queue)).items():
        waiting.add_metric([priority], count)
    counts = await count_tasks(queue)
    return [
        waiting,
        gauge(
            "queue_tasks_scheduled",
            "Tasks scheduled for later (delayed, retrying, cron ticks).",
            counts.scheduled,
        ),
        gauge("queue_tasks_running", "Tasks running on a worker now.", counts.running),
        gauge(
            "queue_dead_letters",
            "Dead letters kept (tasks that failed for good; see the dashboard).",
            await DeadLetter.count(),
        ),
        gauge(
            "queue_live_workers",
            "Workers with a current heartbeat on the queue.",
            len(await live_worker_ids(queue)),
        ),
    ]


def queue_metrics_source(queue: Worker[Any]) -> ScrapeSource:
    """A scrape source (observability/metrics.py) for `queue`: its gauges and
    `queue_up`, 0 when Redis or the database did not answer. A scrape still
    succeeds then: the API's own numbers matter most during an outage."""

    async def read() -> Iterable[Metric]:
        try:
            metrics = await read_queue_metrics(queue)
        except Exception as error:
            # Any outage: say so in the scrape and the log, and go on.
            logger.warning(
                "metrics: the queue's numbers are unreadable: %s", describe(error)
            )
            metrics = []
        up = gauge(
            "queue_up",
            "1 if this scrape read the queue's numbers (Redis and the database "
            "answered), else 0.",
            1 if metrics else 0,
        )
        return [*metrics, up]

    return read
