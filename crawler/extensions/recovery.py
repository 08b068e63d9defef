"""A crawl starts by repairing what a killed crawl of the same job left
(``crawler/warc/repair.py``, the same repair as ``crawler check --repair``):
its WARC file still named ``.open`` is cut after its last complete record and
closed, a half JSON line is dropped. Files another running crawl of the job is
writing (a distributed worker) are locked and left alone. Each repair is
logged; stats ``repair/files`` and ``repair/bytes_dropped``.

It runs when the extension is built, before the job state is opened, so a
resumed run sees whole files only.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from crawler.jobs import job_dir
from crawler.warc.repair import leftovers, repair_files

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class LeftoverRepair:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeftoverRepair:
        if not crawler.settings.getbool("CRAWLER_START_REPAIR_ENABLED"):
            raise NotConfigured("CRAWLER_START_REPAIR_ENABLED is off")
        ext = cls(crawler)
        ext.repair()
        return ext

    def repair(self) -> None:
        job = job_dir(self.crawler.settings)
        for done in repair_files(leftovers(job)):
            if done.changed:
                logger.warning("Repaired %s left by an interrupted crawl: %s",
                               done.original.relative_to(job), done.detail.removeprefix(
                                   "repaired: "))
                self.stats.inc_value("repair/files")
                self.stats.inc_value("repair/bytes_dropped", done.dropped)
            elif done.action == "unrepairable":
                logger.error("Cannot repair %s: %s", done.original, done.detail)
                self.stats.inc_value("repair/failed")
