"""Advisory locks on output files: a crawl holds an exclusive ``flock`` on each
WARC and JSON lines file while it writes it, so a repair (``crawler check
--repair``, or a new crawl of the same job) can tell a file left by a killed
crawl (no lock: the kernel drops it with the process) from one still being
written. Pure: stdlib only."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locks, repairs trust the caller
    fcntl = None


def try_lock(fd: int) -> bool:
    """Take an exclusive lock on ``fd`` without waiting; False when another
    open file (another process) holds it."""
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def wait_lock(fd: int) -> None:
    """Take an exclusive lock on ``fd``, waiting while another process holds
    it; it goes when ``fd`` is closed."""
    if fcntl is None:  # pragma: no cover
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


@contextmanager
def locked_folder(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` itself (no lock file left behind)."""
    if fcntl is None:  # pragma: no cover - not POSIX: not serialized
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        wait_lock(fd)
        yield
    finally:
        os.close(fd)
