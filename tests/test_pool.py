"""The extraction process pool: its workers never outlive the crawler process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.conftest import ROOT

PARENT = """
import asyncio, os
from datetime import datetime, timezone
from crawler.extraction.core import ExtractionOptions
from crawler.extraction.pool import ExtractionPool
from crawler.items import Page

async def main():
    pool = ExtractionPool(2, ExtractionOptions())
    page = Page(url="https://news.example/a", status=200, body=b"<p>hi</p>",
                content_type="text/html", fetched_at=datetime.now(timezone.utc))
    await pool.extract(page)
    print(" ".join(str(p) for p in pool._pool._processes), flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is gone too
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_workers_exit_when_the_crawler_is_killed() -> None:
    # stderr: the killed parent's resource tracker complains about its semaphores
    with subprocess.Popen([sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True) as proc:
        try:
            assert proc.stdout is not None
            workers = [int(p) for p in proc.stdout.readline().split()]
            assert workers and all(alive(p) for p in workers)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
    deadline = time.monotonic() + 30
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(p) for p in workers)
