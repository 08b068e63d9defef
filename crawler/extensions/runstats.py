"""Run stats and extraction health: counts per site during a crawl (pages
fetched, article candidates, empty or short extractions, articles without a
published date or author, pages that were a wall, junk blocks removed); when
the crawl ends, keeps them with the crawl's final stats in the job state
(table ``run_stats``, one row per run; a resumed run adds to its row; pages
that come out empty or short are remembered in table ``short_pages``) and
compares each site with the job's earlier runs (``crawler/report/health.py``).
Warnings are logged and put in the stats as ``health/warnings`` (messages),
which the end summary shows."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.extensions.jobstate import job_state
from crawler.finishing import DUPLICATE
from crawler.frontier.fingerprint import cleaner_from_settings
from crawler.frontier.urls import site_of
from crawler.items import Page
from crawler.options import health_options
from crawler.pipelines.finish import article_finished
from crawler.report.health import (
    SHORT_REASONS,
    WALL_REASONS,
    SiteCounts,
    check,
    merge_sites,
    merge_stats,
    sites_from_json,
    sites_to_json,
)
from crawler.schema import Article
from crawler.state.store import read_runs

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from crawler.state.store import StateStore

logger = logging.getLogger(__name__)
#: Pipelines drop pages with ``DropItem("<reason>: <url>")``.
_REASON = re.compile(r"^([a-z_]+): ")


def drop_reason(exception: BaseException) -> str | None:
    m = _REASON.match(str(exception))
    return m.group(1) if m else None


def json_safe(stats: dict[str, Any]) -> dict[str, Any]:
    """Scrapy's stats as JSON values (times as ISO 8601 strings)."""
    safe: dict[str, Any] = {}
    for key, value in stats.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, (list, tuple)):
            value = [v if isinstance(v, (str, int, float)) else str(v) for v in value]
        elif not isinstance(value, (str, int, float, bool)) and value is not None:
            value = str(value)
        safe[key] = value
    return safe


class RunStats:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.options = health_options(crawler.settings)
        self.cleaner = cleaner_from_settings(crawler.settings)
        self.sites: defaultdict[str, SiteCounts] = defaultdict(SiteCounts)

    @property
    def store(self) -> StateStore:
        """The job state's store (:class:`~crawler.extensions.jobstate.JobState`
        is built after this extension, so it is looked up when first used)."""
        state = job_state(self.crawler)
        if state is None:
            raise RuntimeError("RunStats needs the JobState extension")
        return state.store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunStats:
        settings = crawler.settings
        if not settings.getbool("CRAWLER_HEALTH_ENABLED"):
            raise NotConfigured("CRAWLER_HEALTH_ENABLED is off")
        if not settings.getbool("CRAWLER_STATE_ENABLED"):
            raise NotConfigured("run stats are kept in the job state: CRAWLER_STATE_ENABLED is off")
        if settings.getbool("CRAWLER_REDIS_ENABLED"):
            # not kept for distributed crawls; silent: that is the default there
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.article_finished, signal=article_finished)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def response_downloaded(self, response: Response) -> None:
        self.sites[site_of(response.url)].fetched += 1

    def article_finished(self, article: Article, dropped: str | None) -> None:
        """Counted once the finisher has decided (an article dropped as the
        duplicate of another, such as an AMP copy, is not counted)."""
        if dropped == DUPLICATE:
            return
        item = article
        self.store.mark_short(self.cleaner.key(item.url), False)
        counts = self.sites[site_of(item.url)]
        counts.extracted += 1
        counts.articles += 1
        counts.missing_published += item.published is None
        counts.missing_modified += item.modified is None
        counts.missing_author += not item.authors
        counts.junk_blocks += sum(1 for b in item.blocks
                                  if getattr(b, "removed_by", None) not in (None, "template"))

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        if not isinstance(item, (Page, Article)):
            return
        reason = drop_reason(exception)
        if reason in WALL_REASONS:
            counts = self.sites[site_of(item.url)]
            setattr(counts, reason, getattr(counts, reason) + 1)
            return
        if reason not in SHORT_REASONS:
            return
        key = self.cleaner.key(item.url)
        counts = self.sites[site_of(item.url)]
        if self.store.short_before(key):
            counts.short_again += 1
            return
        self.store.mark_short(key, True)
        counts.extracted += 1
        counts.empty_or_short += 1

    def spider_closed(self) -> None:
        """Runs before the job state closes its store (lower extension order)."""
        store = self.store
        try:
            old = store.run_stats(store.run) or {}
            sites = merge_sites(sites_from_json(old.get("sites", {})), self.sites)
            earlier = [sites_from_json(r.data.get("sites", {})) for r in read_runs(store.path)
                       if r.run < store.run and r.data]
            warnings = check(sites, earlier, self.options)
            store.save_run_stats({
                "stats": merge_stats(old.get("stats", {}),
                                     json_safe(self.crawler.stats.get_stats())),
                "sites": sites_to_json(sites),
                "health": [w.to_dict() for w in warnings],
            })
        except Exception:
            logger.exception("Cannot keep the run's stats in %s", store.path)
            self.crawler.stats.inc_value("health/errors")
            return
        for warning in warnings:
            logger.warning("Extraction health: %s", warning.message)
        if warnings:
            self.crawler.stats.set_value("health/warnings", [w.message for w in warnings])
