from __future__ import annotations

import lxml.html

from crawler.discovery import feed_links, looks_like_feed, page_links, parse_feed

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
<item><title>A</title><link>https://x.org/a.html</link><pubDate>Tue, 03 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>B</title><guid>https://x.org/b.html</guid></item>
<item><title>C</title><guid isPermaLink="false">tag:x.org,2026:c</guid></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><title>A</title><link rel="alternate" href="/atom/a.html"/><updated>2026-11-01T10:00:00Z</updated></entry>
<entry><title>B</title><link rel="enclosure" href="/b.mp3"/><link href="https://x.org/atom/b.html"/></entry>
</feed>"""


def test_rss_items() -> None:
    entries = parse_feed(RSS, "https://x.org/feed.xml")
    assert [e.url for e in entries] == ["https://x.org/a.html", "https://x.org/b.html"]
    assert entries[0].updated == "Tue, 03 Nov 2026 08:00:00 GMT"


def test_atom_entries_resolve_relative_links() -> None:
    entries = parse_feed(ATOM, "https://x.org/atom.xml")
    assert [e.url for e in entries] == ["https://x.org/atom/a.html", "https://x.org/atom/b.html"]
    assert entries[0].updated == "2026-11-01T10:00:00Z"


def test_broken_feed_gives_nothing() -> None:
    assert parse_feed(b"\x00\xff not xml", "https://x.org/") == []
    assert parse_feed(b"", "https://x.org/") == []
    assert looks_like_feed(RSS) and looks_like_feed(ATOM)
    assert not looks_like_feed(b"<html><body>rss</body></html>")


def test_advertised_feeds_and_links() -> None:
    tree = lxml.html.document_fromstring("""<html><head>
      <link rel="alternate" type="application/rss+xml" href="/feed.xml">
      <link rel="alternate" type="application/atom+xml" href="https://x.org/atom.xml">
      <link rel="alternate" hreflang="de" href="/de/"><base href="https://x.org/news/">
      </head><body><a href="a.html">a</a><a href="#top">t</a><a href="mailto:x@y">m</a>
      <a href="javascript:void(0)">j</a><a href=" /b.html ">b</a></body></html>""")
    assert feed_links(tree, "https://x.org/") == ["https://x.org/feed.xml", "https://x.org/atom.xml"]
    based = lxml.html.document_fromstring(
        '<html><head><base href="https://y.org/news/"><link rel="alternate" '
        'type="application/rss+xml" href="feed.xml"></head><body></body></html>')
    assert feed_links(based, "https://x.org/") == ["https://y.org/news/feed.xml"]
    assert list(page_links(tree, "https://x.org/")) == ["https://x.org/news/a.html",
                                                        "https://x.org/b.html"]
