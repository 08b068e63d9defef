"""Request fingerprints that agree with our URL canonicalization."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from crawler.frontier.urls import UrlCleaner

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings


class CanonicalRequestFingerprinter:
    """Like Scrapy's default fingerprinter, but keyed on :func:`crawler.frontier.urls.url_key`,
    so tracking parameters and fragments never cause a second fetch."""

    def __init__(self, cleaner: UrlCleaner) -> None:
        self.cleaner = cleaner
        self._cache: dict[int, bytes] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalRequestFingerprinter:
        return cls(cleaner_from_settings(crawler.settings))

    def fingerprint(self, request: Request) -> bytes:
        cached = request.meta.get("url_key")  # (url, key) computed by the spider
        key = cached[1] if cached and cached[0] == request.url else self.cleaner.key(request.url)
        return key_fingerprint(key, request.method, request.body)


def key_fingerprint(key: str, method: str = "GET", body: bytes = b"") -> bytes:
    """The fingerprint of a request for the URL key ``key`` (see :mod:`crawler.frontier.urls`):
    what the spider records before it builds a request, equal to what the
    fingerprinter gives for the request it builds."""
    h = hashlib.sha1()
    h.update(method.encode())
    h.update(b"\0")
    h.update(key.encode())
    h.update(b"\0")
    h.update(body or b"")
    return h.digest()


def cleaner_from_settings(settings: BaseSettings) -> UrlCleaner:
    return UrlCleaner(
        settings.getlist("CRAWLER_TRACKING_PARAMS"),
        settings.getlist("CRAWLER_TRACKING_PREFIXES"),
    )
