"""Retries that wait: a server's ``Retry-After`` is honoured, and retries
without one back off exponentially.

Scrapy's ``RetryMiddleware`` (which this one replaces) retries at once and
ignores ``Retry-After``. Here the retry request is handed back only after a
wait: the ``Retry-After`` of the response (seconds or an HTTP date) when it
has one, else ``CRAWLER_RETRY_BACKOFF_SECONDS * 2 ** (n - 1)`` seconds before the n-th
retry (timeouts and connection errors included); never longer than
``CRAWLER_RETRY_MAX_DELAY_SECONDS``. The wait is an asynchronous sleep: the reactor
and the other downloads go on, and the crawl does not end while a retry waits
(the request keeps one of ``CONCURRENT_REQUESTS``, not its site's slot).

A response cut short (fewer bytes than its ``Content-Length``; Scrapy flags it
``dataloss`` because ``DOWNLOAD_FAIL_ON_DATALOSS`` is off, so that the WARC
capture keeps what was received) is retried like Scrapy's
``ResponseDataLossError``, and fails with that error once retries are spent:
a truncated page never becomes an article.

Stats: Scrapy's ``retry/count``, ``retry/reason_count/<reason>``,
``retry/max_reached``; ours ``retry/delayed``, ``retry/retry_after`` (waits a
server asked for) and ``retry/delay_seconds`` (their total).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import ResponseDataLossError
from scrapy.utils.asyncio import sleep
from scrapy.utils.python import global_object_name

if TYPE_CHECKING:
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait for a ``Retry-After`` value (delay-seconds or an HTTP
    date, RFC 9110 10.2.3) at time ``now``; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def status_message(status: int) -> str:
    """``"429 Too Many Requests"`` (Scrapy's own message lacks some phrases)."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def retry_delay(retry_times: int, retry_after: float | None, *, backoff: float,
                max_delay: float) -> float:
    """Seconds to wait before retry number ``retry_times`` (1 for the first)."""
    if retry_after is not None:
        wait = retry_after
    elif backoff > 0:
        wait = backoff * 2 ** max(retry_times - 1, 0)
    else:
        wait = 0.0
    return min(wait, max_delay) if max_delay > 0 else wait


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("CRAWLER_RETRY_BACKOFF_SECONDS")
        self.max_delay = settings.getfloat("CRAWLER_RETRY_MAX_DELAY_SECONDS")

    # Async, and without the deprecated ``spider`` argument that Scrapy's
    # signatures keep (passing it warns): Scrapy's middleware manager takes both.
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if "dataloss" in response.flags:  # fails even with dont_retry, as Scrapy would
            length = response.headers.get(b"Content-Length")
            declared = length.decode("latin-1") if length is not None else "?"
            error = ResponseDataLossError(
                f"connection closed after {len(response.body)} of {declared} bytes")
            retry = None if request.meta.get("dont_retry") else self.retry_request(request, error)
            if retry is None:
                raise error
            return await self.wait(retry, "data loss", response)
        if request.meta.get("dont_retry", False):
            return response
        if response.status in self.retry_http_codes:
            reason = status_message(response.status)
            retry = self.retry_request(request, reason)
            return response if retry is None else await self.wait(retry, reason, response)
        return response

    def retry_request(self, request: Request, reason: str | Exception) -> Request | None:
        """The next try of ``request`` (Scrapy's public ``get_retry_request``, with
        this middleware's settings and the request's own meta), or None."""
        meta = request.meta
        assert self.crawler.spider is not None
        return get_retry_request(
            request, reason=reason, spider=self.crawler.spider,
            max_retry_times=meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=meta.get("give_up_log_level", self.give_up_log_level))

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            return await self.wait(result, global_object_name(exception.__class__), None)
        return result

    async def wait(self, retry: Request, reason: str, response: Response | None) -> Request:
        """Sleep as long as the server asked, or the backoff says; then ``retry``."""
        header = response.headers.get(b"Retry-After") if response is not None else None
        value = header.decode("latin-1") if header else None
        asked = parse_retry_after(value, time.time())
        delay = retry_delay(retry.meta.get("retry_times", 1), asked, backoff=self.backoff,
                            max_delay=self.max_delay)
        if delay <= 0:
            return retry
        stats = self.crawler.stats
        stats.inc_value("retry/delayed")
        # Scrapy types counts as int; a sum of floats is kept as well
        stats.inc_value("retry/delay_seconds", round(delay, 3))  # type: ignore[arg-type]
        if asked is not None:
            stats.inc_value("retry/retry_after")
            why = f"Retry-After: {value}" + (" (capped)" if delay < asked else "")
        else:
            why = "backoff"
        logger.info("Retrying %s in %.1f s (%s; %s)", retry.url, delay, reason, why)
        await sleep(delay)
        return retry
