"""One set of metrics from several processes: prometheus_client's multiprocess
mode, in which each process writes its counts to files in a shared folder.

Kept free of prometheus_client imports: the library picks its mode when first
imported, so the folder must be set before any process that counts imports it.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

# prometheus_client's variable (it reads it itself; not a setting of the service).
MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def counts_shared_across(processes: int) -> Iterator[str | None]:
    """Around starting `processes` processes that count: with more than one,
    a fresh private folder in PROMETHEUS_MULTIPROC_DIR for them to share (their
    children inherit it), removed afterwards. Yields the folder, or None.

    A folder the user set is used as it is: whoever sets it empties it between
    runs (left-over files would add old counts to new ones)."""
    if own := os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        yield own
        return
    if processes < 2:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="metrics-") as folder:
        os.environ[MULTIPROCESS_DIR_VARIABLE] = folder
        try:
            yield folder
        finally:
            del os.environ[MULTIPROCESS_DIR_VARIABLE]
