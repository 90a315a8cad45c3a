"""A no-op task: proves the queue round trip end to end."""

import anyio

from .worker import worker

# Longest pause a ping may ask for: enough to hold a worker slot in a test or a
# drill, too short to tie one up. The cap bounds the task, so it needs no Streaq
# timeout (whose watchdog would cost a no-op task a noticeable share of its time).
MAX_PING_DELAY_SECONDS = 10.0


@worker.task
async def ping(delay_seconds: float = 0.0) -> str:
    """Answer "pong", after `delay_seconds` (capped) to simulate work."""
    if delay_seconds > 0:
        await anyio.sleep(min(delay_seconds, MAX_PING_DELAY_SECONDS))
    return "pong"
