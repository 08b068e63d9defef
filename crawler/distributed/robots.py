"""robots.txt once per site for all workers: the first worker to need a site's
robots.txt fetches it (Scrapy's own middleware) and publishes the body in
Redis; the others wait for it and parse the same body. Off (plain Scrapy
behaviour) when the crawl is not distributed."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

from crawler.distributed.config import worker_id
from crawler.distributed.keys import JobKeys

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser

UNAVAILABLE = b"\x00unavailable"
WAIT_SECONDS = 30.0


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.server = None
        if crawler.settings.getbool("CRAWLER_REDIS_ENABLED"):
            from scrapy_redis.connection import get_redis_from_settings

            self.server = get_redis_from_settings(crawler.settings)
            self.keys = JobKeys(crawler.settings.get("CRAWLER_JOB"))

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        if self.server is None or netloc in self._parsers:
            return await super().robot_parser(request)
        key = self.keys.robots(netloc)
        if self.server.set(key + ":lock", worker_id(), nx=True, ex=int(WAIT_SECONDS)):
            parser = await super().robot_parser(request)
            if self.server.get(key) is None:  # the fetch failed: say so to the others
                self.server.set(key, UNAVAILABLE)
            return parser
        waited = 0.0
        body = self.server.get(key)
        while body is None and waited < WAIT_SECONDS:
            await asyncio.sleep(0.1)
            waited += 0.1
            body = self.server.get(key)
            if netloc in self._parsers:  # fetched meanwhile by this worker
                return await super().robot_parser(request)
        if body is None:  # the fetching worker died: fetch it ourselves
            return await super().robot_parser(request)
        parser = None if body == UNAVAILABLE else build_from_crawler(
            self._parserimpl, self.crawler, body)
        self._parsers[netloc] = parser
        self.crawler.stats.inc_value("robotstxt/shared")
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if self.server is not None:
            self.server.set(self.keys.robots(netloc), response.body)
        await super()._parse_robots(response, netloc, request)
