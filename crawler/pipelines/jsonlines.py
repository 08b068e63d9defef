"""The JSON lines writer: one article per line, each line written whole with a
single ``write`` on an append-only descriptor, so a killed crawl keeps every
completed line and never leaves half of one.

Articles pass through the site-template finisher first (``pipelines/template.py``),
which may hold a site's first articles until its template is known; those are
written when released or when the crawl ends."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler.extensions.jobstate import job_state
from crawler.jobs import job_dir, process_tag, run_stamp
from crawler.pipelines.template import TemplateFinisher
from crawler.schema import Article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class JsonLinesWriter:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.fd: int | None = None
        self.path: str | None = None
        try:
            self.finisher: TemplateFinisher | None = TemplateFinisher.from_crawler(crawler)
        except NotConfigured:
            self.finisher = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonLinesWriter:
        if not crawler.settings.getbool("CRAWLER_JSONL_ENABLED"):
            raise NotConfigured("CRAWLER_JSONL_ENABLED is off")
        return cls(crawler)

    def open_spider(self) -> None:
        directory = job_dir(self.crawler.settings)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = str(directory / f"articles-{run_stamp()}-{process_tag()}.jsonl")
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.stats.set_value("jsonl/filename", self.path)

    def close_spider(self) -> None:
        if self.finisher is not None:
            for article in self.finisher.flush():
                self.write(article)
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article) or self.fd is None:
            return item
        ready = self.finisher.add(item) if self.finisher is not None else [item]
        for article in ready:
            self.write(article)
        return item

    def write(self, item: Article) -> None:
        if self.fd is None:
            return
        state = job_state(self.crawler)
        if state is not None:
            reason = state.version(item)
            if reason is not None:
                self.stats.inc_value(f"extract/dropped/{reason}")
                return
        data = (item.to_json() + "\n").encode("utf-8")
        size = os.fstat(self.fd).st_size
        try:
            written = os.write(self.fd, data)
            if written != len(data):
                os.ftruncate(self.fd, size)  # never leave half a line behind
                raise OSError(f"short write: {written} of {len(data)} bytes")
        except OSError:
            logger.error("Cannot write to %s; stopping the crawl", self.path, exc_info=True)
            self.stats.inc_value("jsonl/errors")
            os.close(self.fd)
            self.fd = None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="jsonl_write_error"))
            return
        self.stats.inc_value("jsonl/records_written")
        if state is not None:
            state.written(item)
