"""When a supervised worker process is started again, and how its end is told."""

import signal
from dataclasses import dataclass

# The first restart waits this long; each quick death doubles it, up to the cap.
FIRST_RESTART_DELAY_SECONDS = 1.0
MAX_RESTART_DELAY_SECONDS = 30.0
# A worker that ran this long was healthy: its next restart waits the first delay.
HEALTHY_RUN_SECONDS = 60.0


@dataclass
class RestartBackoff:
    """Restart delays for one worker slot: 1, 2, 4, ... 30 s while it keeps dying
    soon after starting (a bad setting, a crashing task), back to 1 s after a
    healthy run. The supervisor never gives up: the fault may go away (a server
    comes back), and a slow retry costs little."""

    first_delay: float = FIRST_RESTART_DELAY_SECONDS
    max_delay: float = MAX_RESTART_DELAY_SECONDS
    healthy_run: float = HEALTHY_RUN_SECONDS
    next_delay: float = FIRST_RESTART_DELAY_SECONDS

    def delay_after(self, run_seconds: float) -> float:
        """How long to wait before restarting a worker that ran `run_seconds`."""
        if run_seconds >= self.healthy_run:
            self.next_delay = self.first_delay
        delay = self.next_delay
        self.next_delay = min(delay * 2, self.max_delay)
        return delay


def describe_exit(exit_code: int) -> str:
    """How a worker process ended, in words: `exitcode` from multiprocessing is
    negative when a signal ended the process."""
    if exit_code < 0:
        try:
            name = signal.Signals(-exit_code).name
        except ValueError:
            name = f"signal {-exit_code}"
        return f"was killed by {name}"
    if exit_code == 0:
        return "stopped (exit code 0) without being asked to"
    return f"exited with code {exit_code}"
