"""Incremental re-crawls: known articles are skipped until due for a re-check,
then fetched with conditional requests (``If-None-Match``, ``If-Modified-Since``).

A URL whose article was already written in this run (a run resumed after a
kill) is not fetched again. Listing pages (home, sections, feeds, sitemaps)
are not in the state and are always fetched, so new articles are found. A
sitemap ``lastmod`` or feed date later than the last fetch makes an article
due at once. Stats: ``state/skipped_done``, ``state/not_due``,
``state/conditional``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.extensions.jobstate import job_state
from crawler.frontier.fingerprint import cleaner_from_settings
from crawler.jobs import parse_duration

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


def parse_when(value: str | None) -> datetime | None:
    """A sitemap ``lastmod`` (W3C datetime) or feed date (RFC 822), in UTC."""
    if not value:
        return None
    value = value.strip()
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class JobStateMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.cleaner = cleaner_from_settings(crawler.settings)
        self.recheck_after = parse_duration(crawler.settings.get("CRAWLER_RECHECK_AFTER"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobStateMiddleware:
        if not crawler.settings.getbool("CRAWLER_STATE_ENABLED"):
            raise NotConfigured("CRAWLER_STATE_ENABLED is off")
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.method != "GET" or request.meta.get("dont_obey_robotstxt"):
            return
        state = job_state(self.crawler)
        if state is None:
            return
        store = state.store
        previous = store.get(self.cleaner.key(request.url))
        if previous is None or previous.version < 1:
            return
        if previous.written_run == store.run:
            self.stats.inc_value("state/skipped_done")
            raise IgnoreRequest(f"already written in this run: {request.url}")
        age = (datetime.now(UTC) - previous.fetched_at).total_seconds()
        changed = parse_when(request.meta.get("lastmod"))
        if age < self.recheck_after and not (changed and changed > previous.fetched_at):
            self.stats.inc_value("state/not_due")
            raise IgnoreRequest(f"not due for a re-check: {request.url}")
        cap = previous.capture
        if cap.etag:
            request.headers[b"If-None-Match"] = cap.etag
        if cap.last_modified:
            request.headers[b"If-Modified-Since"] = cap.last_modified
        request.meta["crawler_prev"] = {
            "record_id": cap.record_id, "uri": cap.uri, "date": cap.date,
            "payload_digest": cap.payload_digest,
        }
        request.meta["crawler_state"] = previous
        self.stats.inc_value("state/conditional")
