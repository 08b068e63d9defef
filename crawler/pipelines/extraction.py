"""Turns each fetched :class:`~crawler.items.Page` into an article record, or
drops it with a reason counted as ``extract/dropped/<reason>``. Extraction
runs in ``CRAWLER_EXTRACT_PROCESSES`` worker processes (default: one per
core; 0 runs it inline), so the reactor never waits for it.

The pages waiting for a worker stay bounded in memory two ways. Scrapy's
scraper stops downloading while the responses it holds pass
``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` (5 MB; 25-100 pages of 50-200 kB); it counts
a small page as 1 kB, so ~2,000 small pages could wait (~75 MB). So this
pipeline also pauses the engine's downloading while more than
``CRAWLER_EXTRACT_BACKLOG`` pages wait (default 64), and resumes it at half
that (stats ``extract/backlog_pauses``). Scrapy's ``unpause()`` only clears
a flag: the engine would fetch again at its next 5 s heartbeat, leaving the
workers idle meanwhile, so the resume also wakes it (:func:`crawler.compat.wake_engine`).

A page's charset problems, as the extraction process found them decoding it,
are counted as ``extract/charset/mislabelled`` (a declaration the bytes
contradict, logged) and ``extract/charset/undeclared``; a page flattened
because it was nested too deep for the parser is logged and counted as
``extract/removed/deep_nesting``."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.articles import page_to_article
from crawler.compat import wake_engine
from crawler.extraction.encoding import CharsetCheck
from crawler.extraction.pool import ExtractionPool
from crawler.items import Page
from crawler.options import extraction_options

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def extract_processes(settings: BaseSettings) -> int:
    value = settings.get("CRAWLER_EXTRACT_PROCESSES")
    return os.cpu_count() or 1 if value is None else int(value)


class ExtractionPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.options = extraction_options(crawler.settings)
        processes = extract_processes(crawler.settings)
        self.pool = ExtractionPool(processes, self.options) if processes > 0 else None
        self.backlog = max(crawler.settings.getint("CRAWLER_EXTRACT_BACKLOG"), 0)
        self.waiting = 0
        self.paused = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.pool is not None:
            self.pool.start()

    def close_spider(self) -> None:
        if self.pool is not None:
            if self.pool.restarts:
                self.stats.set_value("extract/pool_restarts", self.pool.restarts)
            self.pool.close()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        if self.pool is not None:
            self.waiting += 1
            if self.backlog and self.waiting > self.backlog and not self.paused:
                self.pause_downloads()
            try:
                article, removed, charset = await self.pool.extract(item)
            finally:
                self.waiting -= 1
                if self.paused and self.waiting <= self.backlog // 2:
                    self.resume_downloads()
        else:
            article, removed, charset = page_to_article(item, self.options)
        if charset is not None:
            self.count_charset(item, charset)
        for rule, count in removed.items():
            self.stats.inc_value(f"extract/removed/{rule}", count)
        if removed.get("deep_nesting"):
            logger.info("Flattened %s: nested deeper than the HTML parser allows "
                        "(%d elements moved up)", item.url, removed["deep_nesting"])
        if article.reason is not None:
            self.stats.inc_value(f"extract/dropped/{article.reason}")
            raise DropItem(f"{article.reason}: {item.url}")
        self.stats.inc_value("extract/articles")
        return article

    def pause_downloads(self) -> None:
        self.paused = True
        self.stats.inc_value("extract/backlog_pauses")
        self.crawler.engine.pause()

    def resume_downloads(self) -> None:
        self.paused = False
        self.crawler.engine.unpause()
        wake_engine(self.crawler)  # fetch now, not at the next heartbeat

    def count_charset(self, page: Page, check: CharsetCheck) -> None:
        """Count (and log) a page whose charset is mislabelled or undeclared, as
        the extraction process found while decoding it."""
        if check.problem is None:
            return
        self.stats.inc_value(f"extract/charset/{check.problem}")
        if check.problem == "mislabelled":
            logger.info("Charset mislabelled on %s: declared %s; decoded as %s", page.url,
                        check.declared, check.encoding or "the charset its bytes suggest")
        else:
            logger.debug("No charset declared on %s", page.url)
