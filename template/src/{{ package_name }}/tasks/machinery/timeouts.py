"""How long a worker waits before calling its Redis connection or its own event
loop stuck: both derived from WORKER_IDLE_TIMEOUT_SECONDS, the time after which
other workers take a silent worker's tasks anyway.

Streaq blocks in `XREADGROUP` for one idle timeout when the queue is empty, and
the client's reply timeout covers that read too: a reply timeout below the idle
timeout kills every idle worker (a bug seen in the field, with a 60 s block and a
shorter timeout). 1.5 idle timeouts leaves a busy server room to answer, and
still ends a connection that stopped delivering without closing: without a reply
timeout such a worker waits forever.
"""

# Reply timeout = this x the idle timeout (never below the XREADGROUP block).
REPLY_TIMEOUT_FACTOR = 1.5
CONNECT_TIMEOUT_SECONDS = 5.0
# A loop blocked this many idle timeouts has lost its heartbeat and its tasks to
# other workers; the floor keeps a short idle timeout from firing on a hiccup.
LOOP_STALL_FACTOR = 2.0
LOOP_STALL_FLOOR_SECONDS = 10.0


def redis_reply_timeout(idle_timeout_seconds: float) -> float:
    """Seconds to wait for any reply from Redis, blocking reads included."""
    return REPLY_TIMEOUT_FACTOR * idle_timeout_seconds


def redis_timeouts(idle_timeout_seconds: float) -> dict[str, float]:
    """Streaq's `redis_kwargs` for a worker with this idle timeout."""
    return {
        "stream_timeout": redis_reply_timeout(idle_timeout_seconds),
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
    }


def loop_stall_limit(idle_timeout_seconds: float) -> float:
    """Seconds the worker's event loop may go without turning before the
    watchdog (loop_watchdog.py) ends the process."""
    return max(LOOP_STALL_FACTOR * idle_timeout_seconds, LOOP_STALL_FLOOR_SECONDS)
