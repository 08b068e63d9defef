"""Extraction in worker processes, off the crawler's event loop.

trafilatura costs ~20 ms of CPU per page; run inline it blocks Scrapy's
reactor for that long on every page. :class:`ExtractionPool` runs
:func:`crawler.articles.page_to_article` in a process pool (``spawn``
processes, started on first use) and gives back asyncio futures. A worker that
dies (a hostile page exhausting memory) breaks the pool: it is replaced and the
page extracted inline. A worker exits when the crawler process dies, even by
SIGKILL (it watches its parent), so a killed crawl leaves no process behind.
Pure: no Scrapy.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from crawler.articles import PageResult, page_to_article
from crawler.extraction.core import ExtractionOptions
from crawler.items import Page

logger = logging.getLogger(__name__)


def _exit_with_parent() -> None:
    """Worker initializer: end this worker when the crawler process is gone.
    Pool workers hold both ends of their task queue, so a parent killed with
    SIGKILL would otherwise leave them waiting for work forever."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class ExtractionPool:
    def __init__(self, processes: int, options: ExtractionOptions) -> None:
        self.processes = processes
        self.options = options
        self._pool: ProcessPoolExecutor | None = None
        self.restarts = 0

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent)
        return self._pool

    async def extract(self, page: Page) -> PageResult:
        try:
            future = self._executor().submit(page_to_article, page, self.options)
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            logger.error("An extraction process died on %s; restarting the pool", page.url)
            self.restarts += 1
            self.close(wait=False)
            return page_to_article(page, self.options)

    def close(self, wait: bool = True) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=not wait)
            self._pool = None
