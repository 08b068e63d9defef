"""Extraction in worker processes, off the crawler's event loop.

trafilatura costs ~20 ms of CPU per page; run inline it blocks Scrapy's
reactor for that long on every page. :class:`ExtractionPool` runs
:func:`crawler.articles.page_to_article` in a process pool (``spawn``
processes, started on first use) and gives back asyncio futures. A worker that
dies (a hostile page exhausting memory) breaks the pool: it is replaced and the
page extracted inline. Pure: no Scrapy.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from crawler.articles import page_to_article
from crawler.extraction.core import ExtractionOptions
from crawler.items import Page
from crawler.schema import Article

logger = logging.getLogger(__name__)


class ExtractionPool:
    def __init__(self, processes: int, options: ExtractionOptions) -> None:
        self.processes = processes
        self.options = options
        self._pool: ProcessPoolExecutor | None = None
        self.restarts = 0

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    async def extract(self, page: Page) -> tuple[Article, dict[str, int]]:
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
