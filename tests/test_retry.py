"""The retry middleware: Retry-After and backoff delays (pure functions), and its
hooks driven directly without a network. Waits longer than zero are tested end
to end against the mock site (tests/test_hostile.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import DownloadTimeoutError, ResponseDataLossError
from scrapy.http import HtmlResponse

from crawler.downloadermiddlewares.retry import (
    BackoffRetryMiddleware,
    parse_retry_after,
    retry_delay,
    status_message,
)
from tests.test_components import crawler_with

NOW = 1_800_000_000.0


def test_retry_after_seconds_and_dates() -> None:
    assert parse_retry_after("120", NOW) == 120.0
    assert parse_retry_after(" 0 ", NOW) == 0.0
    date = format_datetime(datetime.fromtimestamp(NOW + 30, UTC), usegmt=True)
    assert parse_retry_after(date, NOW) == pytest.approx(30.0)
    past = format_datetime(datetime.fromtimestamp(NOW - 30, UTC), usegmt=True)
    assert parse_retry_after(past, NOW) == 0.0
    for junk in (None, "", "soon", "-5", "1.5", "Mon, 99 Foo 2026"):
        assert parse_retry_after(junk, NOW) is None, junk


def test_delays_back_off_exponentially_and_are_capped() -> None:
    assert [retry_delay(n, None, backoff=1.0, max_delay=120) for n in (1, 2, 3, 4)] == \
        [1.0, 2.0, 4.0, 8.0]
    assert retry_delay(10, None, backoff=1.0, max_delay=120) == 120
    assert retry_delay(1, None, backoff=0, max_delay=120) == 0.0
    # a server's Retry-After wins over the backoff, also when shorter; the cap holds
    assert retry_delay(3, 1.0, backoff=1.0, max_delay=120) == 1.0
    assert retry_delay(1, 3600.0, backoff=1.0, max_delay=120) == 120


def test_status_messages_name_429() -> None:
    assert status_message(429) == "429 Too Many Requests"
    assert status_message(503) == "503 Service Unavailable"
    assert status_message(799) == "799"


def middleware(**settings) -> tuple[BackoffRetryMiddleware, object]:
    crawler = crawler_with(CRAWLER_RETRY_BACKOFF_SECONDS=0, RETRY_TIMES=2, **settings)
    crawler.spider = Spider.from_crawler(crawler, name="test")
    return BackoffRetryMiddleware.from_crawler(crawler), crawler


def test_truncated_response_is_retried_then_fails() -> None:
    mw, crawler = middleware()
    request = Request("http://a.example/cut.html")
    cut = HtmlResponse(request.url, body=b"<html><body>half", flags=["dataloss"],
                       headers={"Content-Length": "999"}, request=request)
    for attempt in (1, 2):
        retry = asyncio.run(mw.process_response(request, cut))
        assert isinstance(retry, Request) and retry.meta["retry_times"] == attempt
        request = retry
    with pytest.raises(ResponseDataLossError, match="after 16 of 999 bytes"):
        asyncio.run(mw.process_response(request, cut))
    stats = crawler.stats
    assert stats.get_value("retry/reason_count/scrapy.exceptions.ResponseDataLossError") == 2
    assert stats.get_value("retry/max_reached") == 1
    with pytest.raises(ResponseDataLossError):  # never passed on as a page
        asyncio.run(mw.process_response(Request(cut.url, meta={"dont_retry": True}), cut))


def test_status_codes_and_exceptions_are_retried_as_scrapy_does() -> None:
    mw, crawler = middleware()
    request = Request("http://a.example/busy.html")
    busy = HtmlResponse(request.url, status=429, body=b"", request=request,
                        headers={"Retry-After": "0"})
    retry = asyncio.run(mw.process_response(request, busy))
    assert isinstance(retry, Request) and retry.dont_filter
    assert crawler.stats.get_value("retry/reason_count/429 Too Many Requests") == 1
    ok = HtmlResponse(request.url, status=200, body=b"<p>ok</p>", request=request)
    assert asyncio.run(mw.process_response(request, ok)) is ok
    again = asyncio.run(mw.process_exception(request, DownloadTimeoutError("slow")))
    assert isinstance(again, Request)
    assert asyncio.run(mw.process_response(
        Request(request.url, meta={"dont_retry": True}), busy)) is busy
