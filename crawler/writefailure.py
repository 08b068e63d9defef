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

from crawler.compat import engine_closing

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
FINISH_REASON = "write_error"


def describe(exc: BaseException) -> str:
    """``No space left on device``, ``Read-only file system``, ``database or disk is full``."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


class WriteFailures:
    """The extension that remembers whether a write to the crawl's output has
    failed (every writer asks it through :func:`write_failed`)."""

    def __init__(self) -> None:
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WriteFailures:
        return cls()


def _failures(crawler: Crawler) -> WriteFailures:
    ext = crawler.get_extension(WriteFailures)
    if ext is None:
        raise RuntimeError("crawler.writefailure.WriteFailures must be in EXTENSIONS")
    return ext


def write_failed(crawler: Crawler) -> bool:
    """True once a write to the crawl's output has failed."""
    return _failures(crawler).failed


def report_write_error(crawler: Crawler, path: str | Path, exc: BaseException) -> None:
    """Log a failed write and stop the crawl (the first time)."""
    crawler.stats.inc_value("output/write_errors")
    failures = _failures(crawler)
    if failures.failed:
        logger.info("Also cannot write %s: %s", path, describe(exc))
        return
    failures.failed = True
    crawler.stats.set_value("output/write_error", f"{path}: {describe(exc)}")
    logger.error("Cannot write %s: %s; crawl stopped, files written so far are valid",
                 path, describe(exc))
    if engine_closing(crawler):  # not crawling, or ending anyway
        return
    engine = crawler.engine
    if engine.spider is not None:
        deferred_from_coro(engine.close_spider_async(reason=FINISH_REASON))
