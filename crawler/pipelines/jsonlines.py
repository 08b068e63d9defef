"""The JSON lines writer: one article per line, each line written whole with a
single ``write`` on an append-only descriptor, so a killed crawl keeps every
completed line and never leaves half of one.

A write that fails (disk full, read-only, I/O error) leaves the file as it
was and stops the crawl (``crawler/writefailure.py``); no line is written after
that (those articles are not recorded, so the resumed run writes them). The
file is locked while written (``crawler/filelock.py``).

Articles pass through the finisher first (``pipelines/finish.py``): the
duplicate choice, the site template (which may hold an article until its
site's template is known) and the version; held ones are written when
released or when the crawl ends."""

from __future__ import annotations

import contextlib
import logging
import os
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured

from crawler.extensions.jobstate import job_state
from crawler.filelock import try_lock
from crawler.finishing import DUPLICATE
from crawler.jobfolder import articles_name
from crawler.jobs import job_dir, process_tag, run_stamp
from crawler.pipelines.finish import Finishing
from crawler.schema import Article
from crawler.writefailure import report_write_error, write_failed

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
#: Sent with ``url`` once an article's line is written.
article_written = object()


class JsonLinesWriter:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.fd: int | None = None
        self.path: str | None = None
        self.finishing = Finishing(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonLinesWriter:
        if not crawler.settings.getbool("CRAWLER_JSONL_ENABLED"):
            raise NotConfigured("CRAWLER_JSONL_ENABLED is off")
        return cls(crawler)

    def open_spider(self) -> None:
        directory = job_dir(self.crawler.settings)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = str(directory / articles_name(run_stamp(), process_tag()))
        try:
            self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as exc:
            report_write_error(self.crawler, self.path, exc)
            return
        try_lock(self.fd)
        self.stats.set_value("jsonl/filename", self.path)

    def close_spider(self) -> None:
        for article in self.finishing.flush():
            self.write(article)
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article) or self.fd is None:
            return item
        for article in self.finishing.add(item):
            self.write(article)
        if self.finishing.dropped_now == DUPLICATE:  # not counted as an article
            raise DropItem(f"duplicate article: {item.url}")
        return item

    def write(self, item: Article) -> None:
        if self.fd is None or write_failed(self.crawler):
            self.stats.inc_value("jsonl/not_written")
            return
        state = job_state(self.crawler)
        data = (item.to_json() + "\n").encode("utf-8")
        size = os.fstat(self.fd).st_size
        try:
            done = os.write(self.fd, data)
            while done < len(data):  # a short write: the next one says why
                done += os.write(self.fd, data[done:])
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, size)  # never leave half a line behind
            self.stats.inc_value("jsonl/errors")
            os.close(self.fd)
            self.fd = None
            report_write_error(self.crawler, self.path or "", exc)
            return
        self.stats.inc_value("jsonl/records_written")
        self.crawler.signals.send_catch_log(article_written, url=item.url)
        if state is not None:
            state.written(item)
