"""Fuzzing, fast subset: the targets of ``benchmarks/fuzz_targets.py`` (their
contracts are written there) with a few dozen generated inputs each,
derandomized so CI sees the same inputs every run, plus every input the full
run (``python -m benchmarks.fuzz``) found failing, as ``@example``."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, example, given, settings
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from benchmarks.fuzz_targets import (
    TARGETS,
    WarcCase,
    check_extraction,
    check_urls,
    check_warc_check,
    check_warc_replay,
)

FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
WHEN = datetime(2024, 5, 1, tzinfo=UTC)
TEXT = " ".join(f"Sentence {i} of the story tells what happened in the town that day." for i in
                range(30))


def article_page(head: str = "") -> bytes:
    ld = json.dumps({"@type": "NewsArticle", "datePublished": "2024-04-30"})
    return (f'<html><head><title>Story</title><script type="application/ld+json">{ld}</script>'
            f'{head}</head><body><article><p>{TEXT}</p></article></body></html>').encode()


def warc(*records: tuple[str, list[tuple[str, str]], bytes, dict[str, str]],
         gz: bool = True, status: str = "200 OK") -> bytes:
    """WARC bytes of (uri, http headers, body, extra WARC headers) responses."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz, warc_version="1.1")
    for uri, headers, body, extra in records:
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                           length=len(body), http_headers=http,
                                           warc_headers_dict={"WARC-Date": "2024-05-01T00:00:00Z",
                                                              **extra})
        writer.write_record(record)
    return buf.getvalue()


HTML = [("Content-Type", "text/html; charset=utf-8")]
URI = "https://news.example/a.html"
#: A response record without WARC-Target-URI: warcio fails with AttributeError.
NO_URI = warc((URI, HTML, b"<p>x</p>", {}), gz=False).replace(
    b"WARC-Target-URI: https://news.example/a.html\r\n", b"")
#: brotli 1.2 breaks warcio's own br decoding (AttributeError in content_stream).
BROTLI = warc((URI, [*HTML, ("Content-Encoding", "br")],
               __import__("brotli").compress(article_page()), {}))


@FAST
@given(TARGETS["extraction"].strategy)
# a canonical URL with a port out of range: article_keys raised ValueError
@example(((article_page('<link rel="canonical" href="https://news.example:99999/a">'),
           "text/html"), URI, WHEN))
# a host invalid under NFKC normalization: urlsplit raised in markup rules and signals
@example(((article_page(), None), "http://\u2100.com/", WHEN))
@example(((article_page('<link rel="canonical" href="http://[::1/a">'), None), URI, WHEN))
# Python's "undefined" codec, declared: decoding raised UnicodeError
@example(((b'<html><head><?xml version="1.0" encoding="undefined"?></head></html>', None), URI,
          WHEN))
@example(((article_page(), "text/html; charset=undefined"), URI, WHEN))
def test_extraction(case) -> None:
    check_extraction(case)


@FAST
@given(TARGETS["urls"].strategy)
@example(("http://[::1", "", []))
@example(("http://a:99999/", "http://a:x/", ["http://\u2100.com/"]))
@example(("http://a/\udc80", "", []))
# U+0085 ending the path before a fragment: the second clean stripped it (another key)
@example(("https://news.example/a\x85#x", "", []))
# an unparsable <base href> and hostile links on the page
@example(("", "http://[x/", ["http://[::1/", "//[zz]/", "https://www.example.com:65536/"]))
# a feed link to file://<in-scope host>/etc/passwd: was requested (read the local file)
@example(("", "", ["file://www.example.com/etc/passwd", "mailto://example.com/"]))
def test_urls(case) -> None:
    check_urls(case)


@FAST
@given(TARGETS["warc_replay"].strategy)
@example(WarcCase(NO_URI, ".warc"))
@example(WarcCase(BROTLI, ".warc.gz"))
# WARC-Date out of datetime's range once in UTC: OverflowError
@example(WarcCase(warc((URI, HTML, article_page(),
                        {"WARC-Date": "9999-12-31T23:59:59-12:00"})), ".warc.gz"))
# a status line with no number: int() raised ValueError
@example(WarcCase(warc((URI, HTML, article_page(), {}), status="Moved"), ".warc.gz"))
# a gzip bomb as Content-Encoding: bounded by DOWNLOAD_MAXSIZE, the record skipped
@example(WarcCase(warc((URI, [*HTML, ("Content-Encoding", "gzip")],
                        gzip.compress(bytes(40 << 20), mtime=0), {})), ".warc.gz"))
@example(WarcCase(warc((URI, HTML, article_page(), {})), ".warc.gz", wacz=True, zip_cut=100))
# a bit flip in WARC-Record-ID: the article's pointer failed the schema
@example(WarcCase(warc((URI, HTML, article_page(), {}), gz=False).replace(
    b"<urn:uuid:", b"<urn:uu id:"), ".warc"))
@example(WarcCase(warc((URI, HTML, article_page(), {}), gz=False).replace(
    b"WARC-Record-ID: <urn:uuid:", b"WARC-Record-ID: <urn:uuid:\xb0"), ".warc"))
def test_warc_replay(case: WarcCase) -> None:
    check_warc_replay(case)


@FAST
@given(TARGETS["warc_check"].strategy)
@example(WarcCase(NO_URI, ".warc"))
@example(WarcCase(BROTLI, ".warc.gz"))
def test_warc_check(case: WarcCase) -> None:
    check_warc_check(case)


def test_replay_decodes_brotli_and_bounds_gzip() -> None:
    """What the examples above fixed, spelled out: a br body replays as the
    crawl saw it, a bomb is skipped (logged), the file goes on."""
    import tempfile
    from pathlib import Path

    from crawler.warc.reader import Archive, iter_pages

    bomb = gzip.compress(bytes(40 << 20), mtime=0)
    data = BROTLI + warc(
        ("https://news.example/bomb", [*HTML, ("Content-Encoding", "gzip")], bomb, {}),
        ("https://news.example/c", [*HTML, ("Content-Encoding", "gzip")],
         gzip.compress(b"<p>c</p>", mtime=0), {}))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.warc.gz"
        path.write_bytes(data)
        pages = list(iter_pages(Archive(path), "x.warc.gz"))
    assert [p.url for p in pages] == [URI, "https://news.example/c"]
    assert pages[0].body == article_page() and pages[1].body == b"<p>c</p>"


def test_feed_links_that_cannot_be_parsed_are_skipped() -> None:
    from crawler.discovery import parse_feed

    feed = (b'<rss><channel><item><link>http://[::1/x</link></item>'
            b'<item><link>/ok.html</link></item></channel></rss>')
    entries = parse_feed(feed, "https://news.example/")
    assert [e.url for e in entries] == ["https://news.example/ok.html"]
