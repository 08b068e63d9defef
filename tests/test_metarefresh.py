"""The meta refresh middleware skips decoding pages that cannot hold a meta
refresh and otherwise does what Scrapy's does."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.metarefresh import LeanMetaRefreshMiddleware, may_refresh

REFRESH = '<meta http-equiv="Refresh" content="0; url=/moved.html">'
FILLER = "<p>Caf\u00e9 text, nothing to see.</p>" * 200


def page(head: str, encoding: str = "utf-8", tail: str = FILLER) -> bytes:
    return (f"<html><head><meta charset={encoding}>{head}</head>"
            f"<body>{tail}</body></html>").encode(encoding)


BODIES = {
    "plain": page(""),
    "refresh": page(REFRESH),
    "refresh upper case": page(REFRESH.upper().replace("/MOVED.HTML", "/moved.html")),
    "refresh in latin-1": page(REFRESH, "latin-1"),
    "refresh in utf-16": page(REFRESH, "utf-16"),
    "refresh in utf-16-le, no BOM": page(REFRESH, "utf-16-le"),
    "refresh in a script": page(f"<script>var s = '{REFRESH}';</script>"),
    "refresh after 4096 characters": page("", tail=FILLER * 3 + REFRESH),
    "the word in text only": page("<title>Refresh your browser</title>"),
}


def test_may_refresh() -> None:
    assert not may_refresh(BODIES["plain"])
    assert not may_refresh(BODIES["refresh after 4096 characters"])
    for name in ("refresh", "refresh upper case", "refresh in latin-1", "refresh in utf-16",
                 "refresh in utf-16-le, no BOM", "the word in text only"):
        assert may_refresh(BODIES[name]), name


@pytest.mark.parametrize("name", sorted(BODIES))
def test_same_outcome_as_scrapy(name: str) -> None:
    crawler = get_crawler()
    ours = LeanMetaRefreshMiddleware.from_crawler(crawler)
    scrapys = MetaRefreshMiddleware.from_crawler(crawler)
    request = Request("https://news.example/a/page.html")
    response = HtmlResponse(request.url, body=BODIES[name], request=request)
    got = ours.process_response(request, response)
    expected = scrapys.process_response(
        request, HtmlResponse(request.url, body=BODIES[name], request=request))
    if isinstance(expected, Request):
        assert isinstance(got, Request) and got.url == expected.url
        assert got.url == "https://news.example/moved.html"
    else:
        assert got is response


def test_pages_without_refresh_are_not_decoded() -> None:
    crawler = get_crawler()
    mw = LeanMetaRefreshMiddleware.from_crawler(crawler)
    request = Request("https://news.example/a/page.html")
    response = HtmlResponse(request.url, body=BODIES["plain"], request=request)
    assert mw.process_response(request, response) is response
    assert getattr(response, "_cached_ubody", None) is None  # never decoded
