"""Scrapy's duplicate filter on a :class:`~crawler.seen.SeenStore`: the same
fingerprints and log lines as ``RFPDupeFilter``, on disk instead of in a set.

The spider records the links it follows in the same store before it builds
their requests (:func:`seen_store`); such a request carries
``meta["seen_added"]`` equal to its URL and is not looked up twice. A redirect
keeps the meta but changes the URL, so it is checked like any other request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.dupefilters import RFPDupeFilter

from crawler.seen import SeenStore

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


def seen_store(crawler: Crawler) -> SeenStore:
    """The crawl's one store of requested fingerprints, made on first use."""
    store = getattr(crawler, "_crawler_seen_store", None)
    if store is None:
        store = SeenStore(cache_kib=crawler.settings.getint("CRAWLER_SEEN_CACHE_KIB"))
        crawler._crawler_seen_store = store  # type: ignore[attr-defined]
    return store


class DiskDupeFilter(RFPDupeFilter):
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
        self.store.close()
