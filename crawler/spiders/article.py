"""The article spider: discovers pages from seeds, robots.txt sitemaps, feeds
and in-scope links, and hands every fetched page to the pipelines.

Run it with ``crawler crawl URL`` or ``scrapy crawl article -a start=URL``
(several seeds comma-separated, or ``-a seeds=FILE``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider, signals
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.discovery import feed_links, looks_like_feed, page_links, parse_feed
from crawler.fingerprint import cleaner_from_settings
from crawler.items import Page
from crawler.jobs import job_name_for
from crawler.urls import is_http_url, site_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def read_seeds(path: str | Path) -> list[str]:
    """URLs of a seeds file: one per line; blank lines and ``#`` comments skipped."""
    lines = Path(path).read_text("utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def shared_scope(settings, sites: set[str]) -> set[str]:  # noqa: ANN001 - scrapy Settings
    """In a distributed crawl the seeding process publishes the scope in Redis
    and every worker reads it."""
    from scrapy_redis.connection import get_redis_from_settings

    from crawler.distributed.config import keys

    server = get_redis_from_settings(settings)
    key = keys(settings.get("CRAWLER_JOB"))["stats"] + ":scope"
    if sites:
        server.sadd(key, *sites)
    return {m.decode() if isinstance(m, bytes) else m for m in server.smembers(key)}


def _split(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


class ArticleSpider(Spider):
    name = "article"

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

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArticleSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if not settings.get("CRAWLER_JOB"):
            settings.set("CRAWLER_JOB", job_name_for(spider.start_urls), priority="spider")
        spider.cleaner = cleaner_from_settings(settings)
        spider.follow_links = settings.getbool("CRAWLER_FOLLOW_LINKS")
        spider.max_depth = settings.getint("DEPTH_LIMIT")
        spider.seen_links: set[str] = set()
        spider.seen_raw: set[str] = set()
        sites = {site_of(u) for u in spider.start_urls}
        sites.update(d.lower().lstrip(".") for d in settings.getlist("CRAWLER_ALLOWED_DOMAINS"))
        sites.update(d.lower().lstrip(".") for d in spider.extra_domains)
        spider.distributed = settings.getbool("CRAWLER_REDIS_ENABLED")
        spider.scope_checked = 0.0
        if spider.distributed:
            sites = shared_scope(settings, sites)
        spider.allowed_domains = sorted(sites)
        crawler.signals.connect(spider._robots_downloaded, signal=signals.response_downloaded)
        return spider

    # -- scope -----------------------------------------------------------------
    def in_scope(self, url: str) -> bool:
        host = site_of(url)
        if any(host == s or host.endswith("." + s) for s in self.allowed_domains):
            return True
        if self.distributed and time.monotonic() - self.scope_checked > 1.0:
            # a worker that started before the crawl was seeded learns its scope late
            self.scope_checked = time.monotonic()
            self.allowed_domains = sorted(shared_scope(self.crawler.settings, set()))
            return any(host == s or host.endswith("." + s) for s in self.allowed_domains)
        return False

    def follow(self, url: str, *, meta: dict[str, Any], link: bool = False) -> Request | None:
        """A request for ``url`` if in scope. Links found on pages (``link``) are
        also dropped here when this process has already asked for them, before a
        Request is built: most links of a site point at pages already seen."""
        if link:
            # cheap tests on the link as found, before any canonicalization
            if url in self.seen_raw:
                self.crawler.stats.inc_value("discovery/seen_before")
                return None
            self.seen_raw.add(url)
        if not self.in_scope(url):
            self.crawler.stats.inc_value("discovery/out_of_scope")
            return None
        url, key = self.cleaner.clean_and_key(url)
        if link:
            if key in self.seen_links:
                self.crawler.stats.inc_value("discovery/seen_before")
                return None
            self.seen_links.add(key)
        return Request(url, callback=self.parse, meta={**meta, "url_key": (url, key)})

    # -- discovery ---------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls:
            yield Request(self.cleaner.clean(url), callback=self.parse,
                          meta={"discovery": "seed"})

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
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            meta = {"discovery": "sitemap", "lastmod": entry.get("lastmod")}
            req = self.follow(response.urljoin(loc), meta=meta)
            if req is not None:
                yield req

    def parse_feed(self, response: Response, body: bytes) -> Iterator[Request]:
        self.crawler.stats.inc_value("pages/feed")
        for entry in parse_feed(body, response.url):
            req = self.follow(entry.url, meta={"discovery": "feed", "lastmod": entry.updated})
            if req is not None:
                yield req

    def parse_links(self, response: TextResponse) -> Iterator[Request]:
        try:
            root = response.selector.root
        except Exception:  # a body lxml cannot parse has no links to follow
            return
        if root is None or not hasattr(root, "xpath"):
            return
        if self.max_depth and response.meta.get("depth", 0) >= self.max_depth:
            return  # its links would be deeper than DEPTH_LIMIT: not even built
        for url in feed_links(root, response.url):
            req = self.follow(url, meta={"discovery": "feed"}, link=True)
            if req is not None:
                yield req
        if not self.follow_links:
            return
        for url in page_links(root, response.url):
            req = self.follow(url, meta={"discovery": "link"}, link=True)
            if req is not None:
                yield req

    def page(self, response: Response) -> Page:
        ctype = response.headers.get(b"Content-Type")
        return Page(
            url=response.url,
            status=response.status,
            body=response.body,
            content_type=ctype.decode("latin-1") if ctype else None,
            fetched_at=response.meta.get("fetched_at") or datetime.now(timezone.utc),
            warc=response.meta.get("warc"),
            request_url=response.request.url if response.request else None,
            meta={k: response.meta.get(k) for k in (
                "discovery", "lastmod", "depth", "crawler_unchanged", "crawler_capture")},
        )
