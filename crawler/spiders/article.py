"""The article spider: discovers pages from seeds, robots.txt sitemaps, feeds
and in-scope links, and hands every fetched page to the pipelines.

Run it with ``crawler crawl URL`` or ``scrapy crawl article -a start=URL``
(several seeds comma-separated, or ``-a seeds=FILE``).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider, signals
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.discovery import (
    DATE_HINTS,
    date_hints,
    html_links,
    looks_like_feed,
    news_publication_dates,
    parse_feed,
)
from crawler.frontier.dupefilter import seen_store
from crawler.frontier.fingerprint import cleaner_from_settings, key_fingerprint
from crawler.frontier.seen import SeenStore
from crawler.frontier.urls import (
    InvalidUrl,
    UrlCleaner,
    ascii_host,
    is_http_url,
    netloc_of,
    site_of,
)
from crawler.identity import warn_without_contact
from crawler.items import Page
from crawler.jobs import job_name_for
from crawler.spiders.failures import fetch_failed, request_dropped

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)


def read_seeds(path: str | Path) -> list[str]:
    """URLs of a seeds file: one per line; blank lines and ``#`` comments skipped."""
    lines = Path(path).read_text("utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def shared_scope(settings: BaseSettings, sites: set[str]) -> set[str]:
    """In a distributed crawl the seeding process publishes the scope in Redis
    and every worker reads it."""
    from scrapy_redis.connection import get_redis_from_settings

    from crawler.distributed.keys import JobKeys

    server = get_redis_from_settings(settings)
    key = JobKeys(settings.get("CRAWLER_JOB")).scope
    if sites:
        server.sadd(key, *sites)
    return {m.decode() if isinstance(m, bytes) else m for m in server.smembers(key)}


def _split(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


class RecentSet:
    """The last ``size`` strings added: a bounded memory of links already
    handled, so the links every page repeats (navigation, sections) skip
    canonicalization. Oldest first out; never grows past ``size``."""

    def __init__(self, size: int) -> None:
        self.size = max(size, 1)
        self._items: dict[str, None] = {}

    def add(self, item: str) -> bool:
        """Add ``item``; False when it was already there."""
        if item in self._items:
            return False
        if len(self._items) >= self.size:
            del self._items[next(iter(self._items))]
        self._items[item] = None
        return True

    def __len__(self) -> int:
        return len(self._items)


class ArticleSpider(Spider):
    name = "article"
    # Set by from_crawler, from the settings:
    cleaner: UrlCleaner
    follow_links: bool
    max_depth: int
    seen_raw: RecentSet
    scope_memo: dict[str, bool]  # host[:port] -> in scope
    distributed: bool
    scope_checked: float  # time.monotonic() of the last look at the shared scope
    counts: Counter[str]
    allowed_domains: list[str]

    def __init__(self, start: str | list[str] | None = None, seeds: str | None = None,
                 allow_domains: str | list[str] | None = None, worker: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        urls = _split(start) + (read_seeds(seeds) if seeds else [])
        bad = [u for u in urls if not is_http_url(u)]
        if bad:
            raise ValueError(f"not an http(s) URL: {bad[0]}")
        if not urls and not worker:
            raise ValueError("no start URL: pass -a start=URL or -a seeds=FILE")
        self.start_urls = urls
        self.extra_domains = _split(allow_domains)

    @cached_property
    def seen(self) -> SeenStore:
        """The crawl's store of requested fingerprints (the spider is made
        before the extension that owns it, so it is looked up when first used)."""
        return seen_store(self.crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArticleSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if not settings.get("CRAWLER_JOB"):
            settings.set("CRAWLER_JOB", job_name_for(spider.start_urls), priority="spider")
        spider.cleaner = cleaner_from_settings(settings)
        spider.follow_links = settings.getbool("CRAWLER_FOLLOW_LINKS_ENABLED")
        spider.max_depth = settings.getint("DEPTH_LIMIT")
        spider.seen_raw = RecentSet(settings.getint("CRAWLER_RECENT_LINKS"))
        spider.scope_memo = {}
        sites = {site_of(u) for u in spider.start_urls}
        extra = [*settings.getlist("CRAWLER_ALLOWED_DOMAINS"), *spider.extra_domains]
        sites.update(ascii_host(d.lstrip(".")) for d in extra)  # IDNs as requests carry them
        spider.distributed = settings.getbool("CRAWLER_REDIS_ENABLED")
        spider.scope_checked = 0.0
        spider.counts = Counter()
        if spider.distributed:
            sites = shared_scope(settings, sites)
        spider.allowed_domains = sorted(sites)
        crawler.signals.connect(spider._robots_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    # -- scope -----------------------------------------------------------------
    def in_scope(self, url: str) -> bool:
        """Whether ``url``'s host is one of the crawl's sites, decided once per
        ``host[:port]`` as written (most links of a page share a few hosts)."""
        netloc = netloc_of(url)
        known = self.scope_memo.get(netloc)
        if known is not None:
            return known
        inside = self._in_scope(url)
        if inside or not self.distributed:  # a worker's scope can still grow
            if len(self.scope_memo) >= 100_000:
                self.scope_memo.clear()
            self.scope_memo[netloc] = inside
        return inside

    def _in_scope(self, url: str) -> bool:
        host = site_of(url)
        if any(host == s or host.endswith("." + s) for s in self.allowed_domains):
            return True
        if self.distributed and time.monotonic() - self.scope_checked > 1.0:
            # a worker that started before the crawl was seeded learns its scope late
            self.scope_checked = time.monotonic()
            self.allowed_domains = sorted(shared_scope(self.crawler.settings, set()))
            self.scope_memo.clear()
            return any(host == s or host.endswith("." + s) for s in self.allowed_domains)
        return False

    def follow(self, url: str, *, meta: dict[str, Any], link: bool = False) -> Request | None:
        """A request for ``url`` if in scope. Links found on pages (``link``) are
        also dropped here when this process has already asked for them, before a
        Request is built: most links of a site point at pages already seen."""
        if not self.in_scope(url):
            self.counts["discovery/out_of_scope"] += 1
            return None
        # a link as found, seen lately: no canonicalization needed to drop it
        if link and not self.seen_raw.add(url):
            self.counts["discovery/seen_before"] += 1
            return None
        try:
            url, key = self.cleaner.clean_and_key(url)
        except InvalidUrl:  # a hostile href: unparsable port, host or brackets
            self.counts["discovery/invalid_url"] += 1
            return None
        if not url.startswith(("http://", "https://")):
            # a feed, sitemap or robots.txt naming file://<in-scope host>/etc/passwd
            # (or ftp:, s3:, mailto:) on a site in scope: never fetched
            self.counts["discovery/not_http"] += 1
            return None
        if link and not self.seen.add(key_fingerprint(key)):
            self.counts["discovery/seen_before"] += 1
            return None
        request = Request(url, callback=self.parse, errback=self.fetch_failed,
                          meta={**meta, "url_key": (url, key)})
        if link:
            # the dupefilter need not look again; Request escapes the URL (spaces,
            # non-ASCII), so the escaped URL is the one to compare with
            request.meta["seen_added"] = request.url
            request.meta["url_key"] = (request.url, key)
        return request

    def flush_counts(self) -> None:
        """Per-link counts go to the stats once per page (the stats collector
        costs more than the test it counts)."""
        for name, n in self.counts.items():
            if n:
                self.crawler.stats.inc_value(name, n)
        self.counts.clear()

    # -- discovery ---------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        warn_without_contact(self.crawler.settings, self.start_urls)
        for url in self.start_urls:
            yield Request(self.cleaner.clean(url), callback=self.parse,
                          errback=self.fetch_failed, meta={"discovery": "seed"})

    def fetch_failed(self, failure: Failure) -> None:
        """A request that got no page (time-out, data loss, redirect loop, ...):
        one log line and a ``fetch/failed/<reason>`` stat."""
        fetch_failed(self.crawler, failure)

    def request_dropped(self, request: Request) -> None:
        """A redirect back to a URL of its own chain: a loop, logged and counted."""
        request_dropped(self.crawler, request)

    def _robots_downloaded(self, response: Response, request: Request) -> None:
        """Sitemaps named in robots.txt: Scrapy's robots.txt middleware fetches the
        file itself (so it is archived once); we read its Sitemap lines here."""
        if not (request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt")):
            return
        self.crawler.stats.inc_value("pages/robots")
        if response.status != 200:
            return
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            req = self.follow(url, meta={"discovery": "robots"})
            if req is not None:
                self.crawler.engine.crawl(req)
        self.flush_counts()

    def parse(self, response: Response) -> Iterator[Request | Page]:
        """Dispatch on what the response is: sitemap, feed, HTML page, or other."""
        body = self._unzipped(response)
        if response.status == 200 and body is not None:
            head = body[:2048].lstrip().lower()
            if b"<urlset" in head or b"<sitemapindex" in head:
                yield from self.parse_sitemap(response, body)
                return
            if looks_like_feed(body):
                yield from self.parse_feed(response, body)
                return
        if response.status == 200 and isinstance(response, HtmlResponse | TextResponse):
            yield from self.parse_links(response)
        yield self.page(response)

    def _unzipped(self, response: Response) -> bytes | None:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                return gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception:  # broken or oversized gzip: not a sitemap we can read
                logger.warning("Cannot gunzip %s", response.url, exc_info=True)
                return None
        return body

    def parse_sitemap(self, response: Response, body: bytes) -> Iterator[Request]:
        self.crawler.stats.inc_value("pages/sitemap")
        try:
            sitemap = Sitemap(body)
        except Exception:  # lxml raises several types for broken XML
            logger.warning("Unreadable sitemap %s", response.url, exc_info=True)
            return
        news_dates = news_publication_dates(body)
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            meta = {"discovery": "sitemap", "lastmod": entry.get("lastmod"),
                    DATE_HINTS: date_hints("sitemap", news_dates.get(loc.strip()),
                                           entry.get("lastmod"))}
            try:
                url = response.urljoin(loc)
            except ValueError:  # unparsable <loc>
                self.counts["discovery/invalid_url"] += 1
                continue
            req = self.follow(url, meta=meta)
            if req is not None:
                yield req
        self.flush_counts()

    def parse_feed(self, response: Response, body: bytes) -> Iterator[Request]:
        self.crawler.stats.inc_value("pages/feed")
        for entry in parse_feed(body, response.url):
            req = self.follow(entry.url, meta={"discovery": "feed", "lastmod": entry.updated,
                                               DATE_HINTS: entry.date_hints()})
            if req is not None:
                yield req
        self.flush_counts()

    def parse_links(self, response: TextResponse) -> Iterator[Request]:
        if self.max_depth and response.meta.get("depth", 0) >= self.max_depth:
            return  # its links would be deeper than DEPTH_LIMIT: not even built
        try:
            # lexbor reads UTF-8 bytes itself, replacing bad bytes as decoding would
            html = response.body if response.encoding == "utf-8" else response.text
        except Exception:  # undecodable: no links to follow
            return
        found = html_links(html, response.url)
        try:
            for url in found.feeds:
                req = self.follow(url, meta={"discovery": "feed"}, link=True)
                if req is not None:
                    yield req
            if not self.follow_links:
                return
            for url in found.links:
                req = self.follow(url, meta={"discovery": "link"}, link=True)
                if req is not None:
                    yield req
        finally:
            self.flush_counts()

    def page(self, response: Response) -> Page:
        ctype = response.headers.get(b"Content-Type")
        return Page(
            url=response.url,
            status=response.status,
            body=response.body,
            content_type=ctype.decode("latin-1") if ctype else None,
            fetched_at=response.meta.get("fetched_at") or datetime.now(UTC),
            warc=response.meta.get("warc"),
            request_url=response.request.url if response.request else None,
            meta={k: response.meta.get(k) for k in (
                "discovery", "lastmod", DATE_HINTS, "depth", "crawler_unchanged",
                "crawler_capture")},
        )
