from __future__ import annotations

import pytest

from crawler.frontier.urls import UrlCleaner, clean_url, is_http_url, site_of, url_key


@pytest.mark.parametrize(("url", "expected"), [
    ("http://example.com/a.html?utm_source=x&utm_medium=y", "http://example.com/a.html"),
    ("http://example.com/a.html?id=3&fbclid=abc", "http://example.com/a.html?id=3"),
    ("http://example.com/a.html?gclid=1#comments", "http://example.com/a.html"),
    ("HTTP://Example.COM:80/a", "http://example.com/a"),
    ("https://example.com:443/a?b=1", "https://example.com/a?b=1"),
    ("http://example.com:8080", "http://example.com:8080/"),
    ("http://example.com/p?page=2&mc_cid=x&utm_campaign=z", "http://example.com/p?page=2"),
])
def test_clean_url(url: str, expected: str) -> None:
    assert clean_url(url) == expected


def test_query_order_and_encoding_share_a_key() -> None:
    assert url_key("http://x.org/p?b=2&a=1") == url_key("http://x.org/p?a=1&b=2&utm_x=3#f")
    assert url_key("http://x.org/caf%C3%A9") == url_key("http://x.org/café")


def test_different_pages_keep_different_keys() -> None:
    assert url_key("http://x.org/p?id=1") != url_key("http://x.org/p?id=2")
    assert url_key("http://x.org/a") != url_key("https://x.org/a/")


def test_custom_tracking_lists() -> None:
    cleaner = UrlCleaner(params=["ref"], prefixes=["trk_"])
    assert cleaner.clean("http://x.org/?ref=a&trk_1=b&utm_source=c") == "http://x.org/?utm_source=c"


def test_helpers() -> None:
    assert is_http_url("https://x.org/a")
    assert not is_http_url("ftp://x.org/a")
    assert not is_http_url("http:///nohost")
    assert not is_http_url("x.org")
    assert site_of("https://WWW.Example.com/a") == "example.com"


def test_idn_hosts_are_in_ascii() -> None:
    from crawler.frontier.urls import ascii_host

    assert ascii_host("Bücher.Example") == "xn--bcher-kva.example"
    assert ascii_host("news.example") == "news.example"
    # a link written in Unicode and one in punycode belong to the same site
    assert site_of("http://www.bücher.example/a") == site_of("http://xn--bcher-kva.example/b") \
        == "xn--bcher-kva.example"
