"""Keep the garbage collector off what lives as long as the crawl.

When the spider opens, everything built so far (modules, settings, the
engine, middlewares, pipelines) stays until the process exits. ``gc.freeze()``
moves those objects out of the collector's generations. Each full collection
then walks the objects made since, not all ~100,000. In a 2,000-page crawl,
seven full collections took 0.6-0.8 s in all, up to ~100 ms each with the
event loop stopped; after the freeze they took 0.05 s. Objects are still freed
by reference counting; only cycles among the frozen ones stay in memory.

``CRAWLER_GC_FREEZE_ENABLED`` (default on) turns it off. The extraction workers
freeze themselves (``crawler.extraction.pool.settle``).
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class GcFreeze:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GcFreeze:
        if not crawler.settings.getbool("CRAWLER_GC_FREEZE_ENABLED"):
            raise NotConfigured
        ext = cls()
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def spider_opened(self) -> None:
        gc.collect()  # what is garbage already goes now, not frozen with the rest
        gc.freeze()
