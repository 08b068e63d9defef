"""A write to the job's output that fails (disk full, read-only file system,
I/O error, file size limit) stops the crawl cleanly.

The first failure is logged as one ERROR line naming the file and the cause
(``Cannot write archive/news/warc/x.warc.gz.open: No space left on device;
crawl stopped, files written so far are valid``), counted in the stats
(``output/write_error``) and closes the spider with the finish reason
``write_error``, so ``crawler crawl`` exits with status 1. Every writer undoes
or never starts a half-written record, and stops writing once a write has
failed; failures while the crawl winds down are logged at INFO only. The
unfinished run is resumed by the next start of the job.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.utils.defer import deferred_from_coro

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
FINISH_REASON = "write_error"


def describe(exc: BaseException) -> str:
    """``No space left on device``, ``Read-only file system``, ``database or disk is full``."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def write_failed(crawler: Crawler) -> bool:
    """True once a write to the crawl's output has failed."""
    return bool(getattr(crawler, "_crawler_write_failed", False))


def report_write_error(crawler: Crawler, path: str | Path, exc: BaseException) -> None:
    """Log a failed write and stop the crawl (the first time)."""
    crawler.stats.inc_value("output/write_errors")
    if write_failed(crawler):
        logger.info("Also cannot write %s: %s", path, describe(exc))
        return
    crawler._crawler_write_failed = True  # type: ignore[attr-defined]
    crawler.stats.set_value("output/write_error", f"{path}: {describe(exc)}")
    logger.error("Cannot write %s: %s; crawl stopped, files written so far are valid",
                 path, describe(exc))
    try:
        engine = crawler.engine
    except RuntimeError:  # not crawling (yet)
        return
    slot = getattr(engine, "_slot", None)  # None, or closing: the crawl is ending anyway
    if engine is not None and engine.spider is not None and slot is not None \
            and slot.closing is None:
        deferred_from_coro(engine.close_spider_async(reason=FINISH_REASON))
