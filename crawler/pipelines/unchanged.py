"""Pages the job state shows unchanged (a 304 to a conditional request, or the
same payload digest as the last capture) were archived as WARC revisit records
and give no new JSON line: dropped here, before extraction, as
``extract/dropped/not_modified`` or ``extract/dropped/identical_payload``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.extensions.jobstate import job_state
from crawler.items import Page

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class UnchangedPagePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnchangedPagePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page) or not item.meta.get("crawler_unchanged"):
            return item
        reason = item.meta["crawler_unchanged"]
        state = job_state(self.crawler)
        if state is not None:
            state.unchanged(item.url, item.fetched_at)
        self.stats.inc_value(f"extract/dropped/{reason}")
        raise DropItem(f"{reason}: {item.url}")
