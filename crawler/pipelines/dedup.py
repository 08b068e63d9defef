"""One article, one record: drops an article already emitted under another URL
(a redirect target reached directly, an AMP copy whose ``rel=canonical`` names
the same page), in this run (keys kept on disk, :mod:`crawler.seen`) or, through the job
state, in an earlier one. Which of the two URLs comes first is up to the crawl's
timing: the job state is told of each drop (``JobState.duplicate``) so that it
knows the article by its canonical page either way.
Counted as ``dedup/dropped``."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.fingerprint import cleaner_from_settings
from crawler.articles import article_keys
from crawler.extensions.jobstate import job_state
from crawler.schema import Article
from crawler.seen import SeenStore

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


CLAIM = """
for i, key in ipairs(ARGV) do
  if redis.call('SISMEMBER', KEYS[1], key) == 1 then return 0 end
end
for i, key in ipairs(ARGV) do redis.call('SADD', KEYS[1], key) end
return 1
"""


class SharedArticleKeys:
    """In a distributed crawl, the article keys of all workers, in Redis."""

    def __init__(self, crawler: Crawler) -> None:
        from scrapy_redis.connection import get_redis_from_settings

        from crawler.distributed.config import keys

        server = get_redis_from_settings(crawler.settings)
        self.key = keys(crawler.settings.get("CRAWLER_JOB"))["stats"] + ":article_keys"
        self.script = server.register_script(CLAIM)

    def claim(self, keys: set[str]) -> bool:
        """True when no worker has written an article with any of ``keys`` yet."""
        return bool(self.script(keys=[self.key], args=sorted(keys)))


class ArticleDedupPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.cleaner = cleaner_from_settings(crawler.settings)
        self.seen = SeenStore(cache_kib=crawler.settings.getint("CRAWLER_SEEN_CACHE_KIB") // 4)
        self.shared = SharedArticleKeys(crawler) \
            if crawler.settings.getbool("CRAWLER_REDIS_ENABLED") else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticleDedupPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        keys = article_keys(item, self.cleaner)
        fps = [hashlib.blake2b(k.encode(), digest_size=16).digest() for k in keys]
        state = job_state(self.crawler)
        if (any(fp in self.seen for fp in fps) or (state is not None and state.written_elsewhere(keys, item.url))
                or (self.shared is not None and not self.shared.claim(keys))):
            self.stats.inc_value("dedup/dropped")
            if state is not None:
                state.duplicate(item)
            raise DropItem(f"duplicate article: {item.url}")
        for fp in fps:
            self.seen.add(fp)
        return item

    def close_spider(self) -> None:
        self.seen.close()
