"""The job state of a crawl (``<job>/state.sqlite``, see ``state/store.py``):
opened once per crawler, shared by the state middleware (conditional
requests), the unchanged-page pipeline and the JSON lines writer (versions).
The run is marked finished when the crawl ends normally, so the next start
begins a new run; otherwise the next start resumes it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.articles import assign_version, canonical_key
from crawler.frontier.fingerprint import cleaner_from_settings
from crawler.frontier.urls import InvalidUrl
from crawler.jobfolder import STATE_FILE, article_files
from crawler.jobs import job_dir
from crawler.jsonl import tolerant_records
from crawler.schema import Article
from crawler.state.store import Capture, StateStore
from crawler.writefailure import report_write_error, write_failed

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
#: Finish reasons after which the run is complete (anything else is resumed).
COMPLETE = ("finished", "closespider_pagecount", "closespider_itemcount", "closespider_timeout")


def open_store(crawler: Crawler) -> StateStore:
    """The job's state store: SQLite in the job folder, or Redis for a distributed crawl."""
    if crawler.settings.getbool("CRAWLER_REDIS_ENABLED"):
        store = redis_store(crawler)
    else:
        store = StateStore(job_dir(crawler.settings) / STATE_FILE)
        store.on_write_error = lambda exc: report_write_error(crawler, store.path, exc)
    if store.resumed:
        logger.info("Resuming run %d of job %s", store.run, crawler.settings.get("CRAWLER_JOB"))
        crawler.stats.set_value("state/resumed_run", store.run)
    return store


def redis_store(crawler: Crawler) -> StateStore:
    """A distributed crawl keeps its job state in Redis, shared by all workers."""
    from scrapy_redis.connection import get_redis_from_settings

    from crawler.distributed.keys import JobKeys
    from crawler.distributed.shared import RedisStateStore

    return RedisStateStore(get_redis_from_settings(crawler.settings),
                           JobKeys(crawler.settings.get("CRAWLER_JOB")))  # type: ignore[return-value]


def capture_of(article: Article) -> Capture | None:
    return Capture(**article.capture) if article.capture else None


def fetched_at(article: Article) -> datetime:
    if article.fetched_at:
        return datetime.fromisoformat(article.fetched_at.replace("Z", "+00:00"))
    return datetime.now(UTC)


class JobState:
    """Versions articles against the state before they are written and records
    them after; marks the run finished at the end."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.cleaner = cleaner_from_settings(crawler.settings)
        self.store = open_store(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobState:
        if not crawler.settings.getbool("CRAWLER_STATE_ENABLED"):
            raise NotConfigured("CRAWLER_STATE_ENABLED is off")
        ext = cls(crawler)
        if ext.store.resumed and isinstance(ext.store, StateStore):
            ext.reconcile()
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def reconcile(self) -> None:
        """A resumed run first records the articles its killed attempt wrote to
        its JSON lines but had no time to record in the state (the line is
        written first, so a kill in between would write it twice)."""
        since = self.store.run_started().timestamp() - 1
        files = [p for p in article_files(job_dir(self.crawler.settings))
                 if p.stat().st_mtime >= since]
        added = self.store.reconcile(tolerant_records(files), self.cleaner.key, self.canonical)
        if added:
            logger.warning("Job state: recorded %d article(s) the interrupted run wrote but "
                           "had not recorded", added)
            self.stats.set_value("state/reconciled", added)

    def version(self, article: Article) -> str | None:
        """Before writing: assign the version, or say why nothing is to be written."""
        key = self.cleaner.key(article.url)
        reason = assign_version(article, self.store.get(key))
        if reason is not None:
            self.store.touch(key, article.url, fetched_at(article), capture_of(article))
        return reason

    def canonical(self, record: dict[str, Any]) -> str | None:
        """The key of the page a JSON line's article is a copy of, if any."""
        return canonical_key(Article(url=record["url"], canonical_url=record.get("canonical_url")),
                             self.cleaner)

    def written(self, article: Article) -> None:
        key, canonical = self.cleaner.key(article.url), canonical_key(article, self.cleaner)
        self.store.record_article(key, article.to_dict(), fetched_at(article),
                                  capture_of(article), canonical)
        if canonical is not None:  # its canonical page may have been dropped already
            self.store.settle(key, canonical)

    def written_elsewhere(self, keys: set[str], url: str) -> bool:
        """True when one of an article's keys (its canonical URL) belongs to an
        article written under another URL, or when an article written under
        another URL (an AMP copy) names this page canonical."""
        own = self.cleaner.key(url)
        for key in keys - {own}:
            previous = self.store.get(key)
            if previous is not None and previous.version >= 1:
                return True
        if self.store.copy_of(own) is None:
            return False
        mine = self.store.get(own)
        return mine is None or mine.version < 1

    def duplicate(self, article: Article) -> None:
        """An article dropped as a duplicate. When it is the page that an article
        written under another URL names canonical (the AMP copy's extraction
        finished first), its capture is kept; fetched in the same run as the
        copy, whichever came first, it becomes the article's row (``settle``):
        the next run re-checks it with a conditional request, and the copy is the
        duplicate, as when the page itself had come first. Otherwise the run's
        order would decide which URL the state knows the article by."""
        try:
            key = self.cleaner.key(article.url)
        except InvalidUrl:
            return
        if canonical_key(article, self.cleaner) is not None:
            return  # a copy itself
        self.store.record_dropped(key, article.to_dict(), fetched_at(article),
                                  capture_of(article))
        copy = self.store.copy_of(key)
        if copy is not None:  # else its copy may still be held by the writer
            self.store.settle(copy.key, key)

    def unchanged(self, url: str, when: datetime) -> None:
        """A 304 or identical payload: only the fetch time moves."""
        self.store.touch(self.cleaner.key(url), url, when, None)

    def spider_closed(self, reason: str) -> None:
        if reason in COMPLETE and not write_failed(self.crawler):
            self.store.finish_run(reason)
        self.stats.set_value("state/articles_known", self.store.count())
        self.store.close()


def job_state(crawler: Crawler) -> JobState | None:
    """The crawl's :class:`JobState` extension, when enabled (other components
    find the job state, and its store, here)."""
    return crawler.get_extension(JobState)
