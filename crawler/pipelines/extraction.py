"""Turns each fetched :class:`~crawler.items.Page` into an article record, or
drops it with a reason counted as ``extract/dropped/<reason>``. Extraction
runs in ``CRAWLER_EXTRACT_PROCESSES`` worker processes (default: one per
core; 0 runs it inline), so the reactor never waits for it; Scrapy's scraper
limits (``SCRAPER_SLOT_MAX_ACTIVE_SIZE``, ``CONCURRENT_ITEMS``) keep the pages
waiting for extraction bounded in memory.

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
from crawler.extraction import ExtractionOptions
from crawler.extraction.blocks import BlockRules
from crawler.extraction.encoding import CharsetCheck
from crawler.extraction.markup import MarkupRules
from crawler.extraction.pool import ExtractionPool
from crawler.items import Page

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def options_from_settings(settings) -> ExtractionOptions:  # noqa: ANN001 - scrapy Settings
    return ExtractionOptions(
        min_chars=settings.getint("CRAWLER_ARTICLE_MIN_CHARS"),
        untyped_min_chars=settings.getint("CRAWLER_UNTYPED_MIN_CHARS"),
        favor_precision=settings.getbool("CRAWLER_FAVOR_PRECISION"),
        markup=MarkupRules(easylist=settings.getbool("CRAWLER_MARKUP_EASYLIST"),
                           adnet=settings.getbool("CRAWLER_MARKUP_ADNET"),
                           hidden=settings.getbool("CRAWLER_MARKUP_HIDDEN")),
        blocks=BlockRules(label=settings.getbool("CRAWLER_BLOCKS_LABEL"),
                          linklist=settings.getbool("CRAWLER_BLOCKS_LINKLIST"),
                          repeat=settings.getbool("CRAWLER_BLOCKS_REPEAT")),
        max_bytes=settings.getint("CRAWLER_EXTRACT_MAX_BYTES"),
        max_elements=settings.getint("CRAWLER_EXTRACT_MAX_ELEMENTS"),
        max_text=settings.getint("CRAWLER_EXTRACT_MAX_TEXT"),
    )


def extract_processes(settings) -> int:  # noqa: ANN001 - scrapy Settings
    value = settings.get("CRAWLER_EXTRACT_PROCESSES")
    return os.cpu_count() or 1 if value is None else int(value)


class ExtractionPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.options = options_from_settings(crawler.settings)
        processes = extract_processes(crawler.settings)
        self.pool = ExtractionPool(processes, self.options) if processes > 0 else None

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
            article, removed, charset = await self.pool.extract(item)
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
