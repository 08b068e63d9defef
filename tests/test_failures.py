"""Failed fetches: the reason each failure is counted under (crawler/spiders/failures.py)."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet.error import ConnectionLost
from twisted.python.failure import Failure

from crawler.spiders.failures import failure_reason, fetch_failed, request_dropped
from tests.test_components import crawler_with


@pytest.mark.parametrize(("exc", "reason"), [
    (DownloadTimeoutError("Getting x took longer than 3.0 seconds."), "timeout"),
    (ResponseDataLossError("connection closed after 5 of 9 bytes"), "data_loss"),
    (CannotResolveHostError("no such host"), "dns"),
    (ConnectionLost(), "connection_lost"),
    (DownloadCancelledError("Received 99 bytes which is larger than download max size (9)"),
     "too_large"),
    (IgnoreRequest("max redirections reached"), "too_many_redirects"),
    (IgnoreRequest("Ignored response <200 x> because its body (1 B compressed, 99 B "
                   "decompressed so far) exceeded DOWNLOAD_MAXSIZE (9 B) during decompression."),
     "too_large_decompressed"),
    (ValueError("odd"), "ValueError"),
    # refused on purpose: counted elsewhere, silent here
    (IgnoreRequest("Forbidden by robots.txt"), None),
    (IgnoreRequest("site budget of 5 pages spent for x"), None),
])
def test_failure_reasons(exc: BaseException, reason: str | None) -> None:
    assert failure_reason(exc) == reason


def test_one_stat_and_one_line_per_failure(caplog: pytest.LogCaptureFixture) -> None:
    crawler = crawler_with()
    failure = Failure(IgnoreRequest("max redirections reached"))
    failure.request = Request("http://h.example/loop/11",
                              meta={"redirect_urls": ["http://h.example/loop/1"]})
    fetch_failed(crawler, failure)
    quiet = Failure(IgnoreRequest("Forbidden by robots.txt"))
    quiet.request = Request("http://h.example/private")
    fetch_failed(crawler, quiet)
    assert crawler.stats.get_value("fetch/failed/too_many_redirects") == 1
    assert [r.getMessage() for r in caplog.records] == [
        ("Fetch failed (too_many_redirects): http://h.example/loop/1: max redirections reached "
         "(last hop http://h.example/loop/11)")]


def test_a_redirect_back_into_its_chain_is_a_loop() -> None:
    crawler = crawler_with()
    chain = ["http://h.example/a", "http://h.example/b"]
    request_dropped(crawler, Request("http://h.example/a", meta={"redirect_urls": chain}))
    request_dropped(crawler, Request("http://h.example/seen", meta={"redirect_urls": chain}))
    request_dropped(crawler, Request("http://h.example/a"))
    assert crawler.stats.get_value("fetch/failed/redirect_loop") == 1
