from __future__ import annotations

from urllib.parse import urljoin

from crawler.discovery import html_links, looks_like_feed, news_publication_dates, parse_feed
from crawler.frontier.urls import UrlJoiner, netloc_of

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
<item><title>A</title><link>https://x.org/a.html</link>
<pubDate>Tue, 03 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>B</title><guid>https://x.org/b.html</guid></item>
<item><title>C</title><guid isPermaLink="false">tag:x.org,2026:c</guid></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><title>A</title><link rel="alternate" href="/atom/a.html"/>
<updated>2026-11-01T10:00:00Z</updated></entry>
<entry><title>B</title><link rel="enclosure" href="/b.mp3"/><link href="https://x.org/atom/b.html"/></entry>
</feed>"""


def test_rss_items() -> None:
    entries = parse_feed(RSS, "https://x.org/feed.xml")
    assert [e.url for e in entries] == ["https://x.org/a.html", "https://x.org/b.html"]
    assert entries[0].updated == "Tue, 03 Nov 2026 08:00:00 GMT"
    assert entries[0].date_hints() == [
        {"kind": "published", "value": "Tue, 03 Nov 2026 08:00:00 GMT", "source": "feed"}]
    assert entries[1].date_hints() == []


def test_atom_entries_resolve_relative_links() -> None:
    entries = parse_feed(ATOM, "https://x.org/atom.xml")
    assert [e.url for e in entries] == ["https://x.org/atom/a.html", "https://x.org/atom/b.html"]
    assert entries[0].updated == "2026-11-01T10:00:00Z"
    # Atom's updated is a modification, not a publication
    assert entries[0].date_hints() == [
        {"kind": "modified", "value": "2026-11-01T10:00:00Z", "source": "feed"}]


def test_atom_published_and_updated_are_kept_apart() -> None:
    atom = ATOM.replace(b"<updated>", b"<published>2026-10-30T09:00:00+02:00</published>"
                        b"<updated>", 1)
    entry = parse_feed(atom, "https://x.org/atom.xml")[0]
    assert entry.updated == "2026-11-01T10:00:00Z"  # the newest, for incremental crawls
    assert [(h["kind"], h["value"]) for h in entry.date_hints()] == [
        ("published", "2026-10-30T09:00:00+02:00"), ("modified", "2026-11-01T10:00:00Z")]


NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>https://x.org/a.html</loc><lastmod>2026-11-02</lastmod>
  <news:news><news:publication><news:name>X</news:name><news:language>en</news:language>
  </news:publication><news:publication_date>2026-11-01T08:30:00+01:00</news:publication_date>
  <news:title>A</news:title></news:news></url>
 <url><loc> https://x.org/b.html </loc></url>
</urlset>"""


def test_news_sitemap_publication_dates() -> None:
    assert news_publication_dates(NEWS_SITEMAP) == {
        "https://x.org/a.html": "2026-11-01T08:30:00+01:00"}
    assert news_publication_dates(b"<urlset><url><loc>x</loc></url></urlset>") == {}
    assert news_publication_dates(b"\x00 publication_date broken") == {}


def test_broken_feed_gives_nothing() -> None:
    assert parse_feed(b"\x00\xff not xml", "https://x.org/") == []
    assert parse_feed(b"", "https://x.org/") == []
    assert looks_like_feed(RSS) and looks_like_feed(ATOM)
    assert not looks_like_feed(b"<html><body>rss</body></html>")


def test_advertised_feeds_and_links() -> None:
    page = """<html><head>
      <link rel="alternate" type="application/rss+xml" href="/feed.xml">
      <link rel="alternate" type="application/atom+xml" href="https://x.org/atom.xml">
      <link rel="alternate" hreflang="de" href="/de/"><base href="https://x.org/news/">
      </head><body><a href="a.html">a</a><a href="#top">t</a><a href="mailto:x@y">m</a>
      <a href="javascript:void(0)">j</a><a href=" /b.html ">b</a><a href="a.html">again</a>
      <map><area href="//x.org/c.html"></map><a href="ftp://x.org/f">f</a></body></html>"""
    found = html_links(page, "https://x.org/")
    assert found.base == "https://x.org/news/"
    assert found.feeds == ["https://x.org/feed.xml", "https://x.org/atom.xml"]
    assert found.links == ["https://x.org/news/a.html", "https://x.org/b.html",
                           "https://x.org/c.html"]
    based = html_links('<html><head><base href="https://y.org/news/"><link rel="alternate" '
                       'type="application/rss+xml" href="feed.xml"></head><body></body></html>',
                       "https://x.org/")
    assert based.feeds == ["https://y.org/news/feed.xml"]


def test_links_of_broken_markup() -> None:
    assert html_links("", "https://x.org/").links == []
    assert html_links(b"\xff\xfe\x00 <a href='/q'>", "https://x.org/").links == [
        "https://x.org/q"]
    deep = "<div>" * 5000 + '<a href="/deep">d</a>' + "</div>" * 5000
    assert html_links(deep, "https://x.org/").links == ["https://x.org/deep"]


def test_joiner_agrees_with_urljoin() -> None:
    hrefs = ["http://a/b/../c", "HTTP://A/b", "//", "///x", "//h/p?q#f", "/", "/x?", "/x#",
             "?q", "#f", "a b", "/ü/ä", "http://[::1]:80/x", "//user@h/x", "/\\x", "../up",
             "https://o.org/p", "/a/./b", "x.html"]
    for base in ("https://www.x.org/news/a.html?x=1", "http://h:8080/dir/", "https://x.org"):
        joiner = UrlJoiner(base)
        for href in hrefs:
            assert joiner.join(href) == urljoin(base, href), (base, href)
    assert netloc_of("https://u:p@Host.x:81/p") == "Host.x:81"
    assert netloc_of("not a url") == ""
