"""Sign-up counts on the users collection: scheduling, chaining and fan-out.

- `count_signups(day)`: one day's sign-ups; enqueue it later with a delay or at a
  time (`schedule_signup_count`).
- `count_signups(day).then(summarize_signups)`: a chain, the count feeds the text.
- `signups_per_day(days)`: a fan-out, one task per day enqueued at once, results
  collected.
"""

from datetime import UTC, date, datetime, time, timedelta

from streaq.task import Task

from ..models import User
from .worker import worker

# Longest a fan-out waits for the results of its tasks.
FAN_OUT_TIMEOUT_SECONDS = 60


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


@worker.task(timeout=60)
async def count_signups(day: date) -> tuple[date, int]:
    """How many users signed up on `day` (UTC)."""
    start, end = day_bounds(day)
    count = await User.find(User.created_at >= start, User.created_at < end).count()
    return day, count


@worker.task(timeout=10)
async def summarize_signups(day: date, count: int) -> str:
    """The one-line summary a chain builds from `count_signups`' result."""
    noun = "sign-up" if count == 1 else "sign-ups"
    return f"{day.isoformat()}: {count} {noun}"


async def schedule_signup_count(
    day: date, *, delay: timedelta | None = None, at: datetime | None = None
) -> Task[[date], tuple[date, int]]:
    """Enqueue `count_signups(day)` to run after `delay` or at `at` (not both)."""
    if delay is not None:
        return await count_signups.enqueue(day).start(delay=delay)
    return await count_signups.enqueue(day).start(schedule=at)


async def signups_per_day(days: list[date]) -> dict[date, int]:
    """Fan out one `count_signups` per day, then collect every result."""
    tasks = [count_signups.enqueue(day) for day in days]
    await worker.enqueue_many(tasks)
    counts: dict[date, int] = {}
    for task in tasks:
        outcome = await task.result(timeout=FAN_OUT_TIMEOUT_SECONDS)
        day, count = outcome.result
        counts[day] = count
    return counts
