"""One article, one record: drops an article already emitted under another URL
(a redirect target reached directly, an AMP copy whose ``rel=canonical`` names
the same page), in this run or, through the job state, in an earlier one.
Counted as ``dedup/dropped``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.fingerprint import cleaner_from_settings
from crawler.articles import article_keys
from crawler.extensions.jobstate import job_state
from crawler.schema import Article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ArticleDedupPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.cleaner = cleaner_from_settings(crawler.settings)
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticleDedupPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        keys = article_keys(item, self.cleaner)
        state = job_state(self.crawler)
        if keys & self.seen or (state is not None and state.written_elsewhere(keys, item.url)):
            self.stats.inc_value("dedup/dropped")
            raise DropItem(f"duplicate article: {item.url}")
        self.seen |= keys
        return item
