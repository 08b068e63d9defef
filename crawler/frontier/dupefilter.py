"""Scrapy's duplicate filter on a :class:`~crawler.frontier.seen.SeenStore`: the same
fingerprints and log lines as ``RFPDupeFilter``, on disk instead of in a set.

The store belongs to the :class:`SeenRequests` extension (opened with the
crawl, closed at its end); the spider records the links it follows in it
before it builds their requests (:func:`seen_store`); such a request carries
``meta["seen_added"]`` equal to its URL and is not looked up twice. A redirect
keeps the meta but changes the URL, so it is checked like any other request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.dupefilters import RFPDupeFilter

from crawler.frontier.seen import SeenStore

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


class SeenRequests:
    """The extension that owns the crawl's one store of requested fingerprints."""

    def __init__(self, crawler: Crawler) -> None:
        self.store = SeenStore(cache_kib=crawler.settings.getint("CRAWLER_SEEN_CACHE_KIB"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenRequests:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self) -> None:
        self.store.close()


def seen_store(crawler: Crawler) -> SeenStore:
    """The crawl's one store of requested fingerprints."""
    ext = crawler.get_extension(SeenRequests)
    if ext is None:
        raise RuntimeError("crawler.frontier.dupefilter.SeenRequests must be in EXTENSIONS")
    return ext.store


class DiskDupeFilter(RFPDupeFilter):
    # set by from_crawler
    store: SeenStore
    stats: StatsCollector

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskDupeFilter:
        df = cls(None, crawler.settings.getbool("DUPEFILTER_DEBUG"),
                 fingerprinter=crawler.request_fingerprinter)
        df.store = seen_store(crawler)
        df.stats = crawler.stats
        return df

    def request_seen(self, request: Request) -> bool:
        if request.meta.get("seen_added") == request.url and not request.meta.get("redirect_times"):
            return False  # recorded by the spider when it found the link (a redirect
            # back to that URL is a loop: looked up like any other request)
        return not self.store.add(self._fingerprint(request))

    def close(self, reason: str) -> None:
        self.stats.set_value("dupefilter/fingerprints", len(self.store))
