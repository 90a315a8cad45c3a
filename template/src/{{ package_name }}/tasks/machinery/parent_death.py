"""Child processes that end with their parent, however the parent ends.

The supervisor (`worker --workers N`) and a worker with `--dashboard-port` start
processes of their own and stop them on the way out. A parent killed outright
(SIGKILL, an OOM kill) or stopped before its signal handlers are in place never
gets there, and its children would live on as orphans: workers still taking
tasks with nothing to restart or stop them, a dashboard still answering on its
port. Linux can signal a process when its parent dies (`prctl(PR_SET_PDEATHSIG)`);
a child asks for SIGTERM, so it stops as gracefully as when stopped on purpose.
Elsewhere this does nothing.
"""

import ctypes
import os
import signal
import sys

# <linux/prctl.h>
PR_SET_PDEATHSIG = 1


def end_with_parent(parent_pid: int) -> None:
    """Have this process receive SIGTERM when `parent_pid`, its parent, dies."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    # A parent that died before the call would never be reported: stop now.
    if os.getppid() != parent_pid:
        os.kill(os.getpid(), signal.SIGTERM)
