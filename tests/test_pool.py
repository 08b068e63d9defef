"""The extraction process pool: results as inline extraction gives them, a
dead worker's pages extracted inline and the worker replaced, and workers that
never outlive the crawler process."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

from crawler.articles import page_to_article
from crawler.extraction.core import ExtractionOptions
from crawler.extraction.pool import PER_WORKER, ExtractionPool, settle
from crawler.items import Page
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
    print(" ".join(str(w.process.pid) for w in pool.workers), flush=True)
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


def pages(n: int) -> list[Page]:
    paragraph = "<p>{} Harbour officials said on Tuesday that the ferry timetable would change.</p>"
    return [Page(url=f"https://news.example/{i}.html", status=200, content_type="text/html",
                 fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
                 body=(f"<html><head><title>Story {i}</title></head><body><article>"
                       + "".join(paragraph.format(f"Part {k} of story {i}.") for k in range(12))
                       + "</article></body></html>").encode())
            for i in range(n)]


def test_results_are_those_of_inline_extraction() -> None:
    options = ExtractionOptions()
    batch = pages(12)

    async def run() -> list:
        pool = ExtractionPool(2, options)
        try:
            waiting = [asyncio.ensure_future(pool.extract(p)) for p in batch]
            await asyncio.sleep(0)
            # bounded: no worker holds more than PER_WORKER pages, the rest wait
            assert all(len(w.pending) <= PER_WORKER for w in pool.workers)
            assert sum(len(w.pending) for w in pool.workers) <= 2 * PER_WORKER
            return await asyncio.gather(*waiting)
        finally:
            pool.close()

    got = asyncio.run(run())
    expected = [page_to_article(p, options) for p in batch]
    assert [r.article for r in got] == [r.article for r in expected]
    assert all(r.article.reason is None for r in got)


def test_a_dead_worker_is_replaced_and_its_pages_extracted_inline() -> None:
    options = ExtractionOptions()
    batch = pages(10)

    async def run() -> tuple[list, int, list[int], list[int]]:
        pool = ExtractionPool(2, options)
        try:
            waiting = [asyncio.ensure_future(pool.extract(p)) for p in batch]
            await asyncio.sleep(0)
            before = [w.process.pid for w in pool.workers]
            os.kill(before[0], signal.SIGKILL)
            results = await asyncio.gather(*waiting)
            return results, pool.restarts, before, [w.process.pid for w in pool.workers]
        finally:
            pool.close()

    results, restarts, before, after = asyncio.run(run())
    assert restarts == 1
    assert len(after) == 2 and before[0] not in after and before[1] in after
    assert not alive(before[0])
    expected = [page_to_article(p, options).article for p in batch]
    assert [r.article for r in results] == expected  # nothing lost


def test_start_then_close() -> None:
    async def run() -> list[int]:
        pool = ExtractionPool(2, ExtractionOptions())
        pool.start()  # as the spider opens, before any page
        pids = [w.process.pid for w in pool.workers]
        assert len(pids) == 2 and all(alive(p) for p in pids)
        assert (await pool.extract(pages(1)[0])).article.reason is None
        assert [w.process.pid for w in pool.workers] == pids  # the same workers
        pool.close()
        return pids

    pids = asyncio.run(run())
    assert not any(alive(p) for p in pids)


def test_settle_warms_the_extractor_up_and_freezes_what_exists() -> None:
    gc.unfreeze()
    try:
        settle(ExtractionOptions())
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
