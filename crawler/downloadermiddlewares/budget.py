"""Per-site page budget: a trap (a calendar linking to the previous month
forever, endless faceted listings) costs at most ``CRAWLER_MAX_PAGES_PER_SITE``
requests per host. Counted as ``budget/ignored``."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


class SiteBudgetMiddleware:
    def __init__(self, crawler: Crawler, budget: int) -> None:
        self.stats = crawler.stats
        self.budget = budget
        self.counts: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteBudgetMiddleware:
        budget = crawler.settings.getint("CRAWLER_MAX_PAGES_PER_SITE")
        if budget <= 0:
            raise NotConfigured("CRAWLER_MAX_PAGES_PER_SITE is 0")
        return cls(crawler, budget)

    def process_request(self, request: Request) -> None:
        if request.meta.get("redirect_times") or request.meta.get("retry_times"):
            return  # the hop or retry of a request already counted
        host = urlparse_cached(request).netloc
        if self.counts[host] >= self.budget:
            self.stats.inc_value("budget/ignored")
            raise IgnoreRequest(f"site budget of {self.budget} pages spent for {host}")
        self.counts[host] += 1
