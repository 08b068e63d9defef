"""Requests that got no page: one log line and a stat ``fetch/failed/<reason>``
each, instead of Scrapy's traceback (or, for a redirect loop or a gzip bomb,
nothing above DEBUG).

The spider's requests carry :func:`fetch_failed` as their errback. Requests
refused on purpose (robots.txt, the site budget, the job state) arrive as
``IgnoreRequest`` too; those are counted by their own component and pass
silently here. A redirect back to a URL of its own chain is dropped by the
dupefilter, which says nothing; :func:`request_dropped` reports it as a
``redirect_loop`` (an endless chain of new URLs ends at ``REDIRECT_MAX_TIMES``
as ``too_many_redirects``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet.error import ConnectError, ConnectionDone, ConnectionLost

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (DownloadTimeoutError, "timeout"),
    (ResponseDataLossError, "data_loss"),
    (CannotResolveHostError, "dns"),
    (DownloadConnectionRefusedError, "connection_refused"),
    (DownloadFailedError, "connection_lost"),
    (ConnectionLost, "connection_lost"),
    (ConnectionDone, "connection_lost"),
    (ConnectError, "connection_error"),
)


def failure_reason(exc: BaseException) -> str | None:
    """The ``fetch/failed/<reason>`` of a download failure; None for requests
    refused on purpose."""
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if text == "max redirections reached":  # RedirectMiddleware
            return "too_many_redirects"
        if "during decompression" in text:  # HttpCompressionMiddleware: DOWNLOAD_MAXSIZE
            return "too_large_decompressed"
        return None
    if isinstance(exc, DownloadCancelledError) and "max size" in str(exc):
        return "too_large"
    for kind, reason in _REASONS:
        if isinstance(exc, kind):
            return reason
    return type(exc).__name__


def fetch_failed(crawler: Crawler, failure: Failure) -> None:
    """Errback of the spider's requests: count and log the failure, once."""
    reason = failure_reason(failure.value)
    if reason is None:
        return
    request = getattr(failure, "request", None)
    url = request.url if request is not None else "?"
    first = (request.meta.get("redirect_urls") or [url])[0] if request is not None else url
    crawler.stats.inc_value(f"fetch/failed/{reason}")
    detail = (str(failure.value) or type(failure.value).__name__).splitlines()[0][:300]
    if first != url:
        detail += f" (last hop {url})"
    logger.warning("Fetch failed (%s): %s: %s", reason, first, detail)


def request_dropped(crawler: Crawler, request: Request) -> None:
    """``request_dropped`` handler: a redirect to a URL already in its chain is
    a loop (one that leads elsewhere, to a page fetched before, is not)."""
    chain = request.meta.get("redirect_urls") or []
    if request.url in chain:
        crawler.stats.inc_value("fetch/failed/redirect_loop")
        logger.warning("Fetch failed (redirect_loop): %s: redirected back to %s", chain[0],
                       request.url)
