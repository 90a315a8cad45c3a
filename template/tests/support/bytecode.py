"""Bytecode for the processes the tests start, even where PYTHONDONTWRITEBYTECODE
is set (some shells, containers and CI machines set it).

Each process a test starts (a server, a command) imports the whole stack;
without cached bytecode every one of them compiles those modules again, about a
second more a process. So the processes the tests start write their bytecode to a folder of
the session's own instead: nothing is written into the source tree or the
virtual environment, and the folder goes with the session.
"""

import os
import shutil
import tempfile

# The folder made for this session, or None if the environment needed none.
session_cache: str | None = None


def cache_bytecode_for_started_processes() -> None:
    """Let the processes started from now on cache bytecode in a session folder,
    if PYTHONDONTWRITEBYTECODE would keep them from caching it at all."""
    global session_cache
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    if "PYTHONPYCACHEPREFIX" not in os.environ:
        session_cache = tempfile.mkdtemp(prefix="pytest-bytecode-")
        os.environ["PYTHONPYCACHEPREFIX"] = session_cache


def remove_session_cache() -> None:
    if session_cache is not None:
        shutil.rmtree(session_cache, ignore_errors=True)
