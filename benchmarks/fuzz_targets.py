"""Fuzz targets: hypothesis strategies for hostile input and the contract each
entry point must keep. Run by ``benchmarks/fuzz.py`` (10,000 inputs per target)
and by ``tests/test_fuzz.py`` (a fast, derandomized subset).

Contracts (documented in docs/robustness.md, "Fuzzing"):

- ``extraction``: :func:`crawler.articles.page_to_article` on any bytes, any
  Content-Type, any URL never raises; an article has text, serializes to UTF-8
  JSON and validates against the schema; :func:`crawler.articles.article_keys`
  on it never raises.
- ``urls``: :class:`crawler.frontier.urls.UrlCleaner` ``clean``/``key``/``clean_and_key``
  return a string or raise :class:`crawler.frontier.urls.InvalidUrl` (a ``ValueError``
  naming the URL); ``site_of``/``is_http_url`` never raise; the spider's link
  handling (``parse_links``: ``<base href>``, scope, canonicalization, the
  Request) and the request fingerprinter never raise on any link.
- ``warc_replay``: :func:`crawler.warc.reader.find_archives` raises only
  :class:`~crawler.warc.reader.ArchiveError`; reading the pages
  (``iter_pages``) and replaying them (``replay``) never raise on any bytes.
- ``warc_check``: :func:`crawler.warc.check.check_warc` reports problems as
  lines and never raises; ``resolve_pointer`` at any offset never raises.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from crawler.articles import article_keys, page_to_article
from crawler.extraction import ExtractionOptions
from crawler.frontier.urls import InvalidUrl, UrlCleaner, is_http_url, site_of
from crawler.items import Page


def rarely(draw: st.DrawFn, n: int) -> bool:
    """True once in ``n`` draws, False as the simple case (hypothesis favours
    the first choice: the usual path is drawn as often as the broken one)."""
    return draw(st.sampled_from([False] * (n - 1) + [True]))


# -- URLs ----------------------------------------------------------------------
HOSTS = ["example.com", "www.example.com", "news.example.com", "EXAMPLE.com.", "example.com..",
         "xn--nxasmq6b.example", "ουτοπία.δπθ.gr", "bücher.example", "exa mple.com", "[::1]",
         "[::1", "::1]", "[zz]", "[fe80::1%25eth0]", "127.0.0.1", "0x7f.1", "256.256.256.256",
         "%65xample.com", "ex%00ample.com", "\u2100.com", "a\uff03b.com", "", "@", "xn--",
         "a" * 64 + ".com", ("b" * 60 + ".") * 5 + "com", "-a-.example", "例え.テスト"]
TRACKING = ["utm_source", "UTM_Medium", "fbclid", "gclid", "pk_campaign", "_ga", "mc_eid"]
ODD = ["", ".", "..", "%2e%2e", "%2E.", "a b", "%", "%zz", "%e2%82", "ä", "\\", "//", ";x=1",
       "\udc80", "\x00", "\t", "\n", "%00", "?", "#", "&", "=", "+", "~", "\u202e", "%ff"]
_text = st.text(max_size=12)
_odd = st.one_of(st.sampled_from(ODD), _text)
_TEXT_HOST = st.from_regex(r"[a-z0-9-]{1,8}(\.[a-z0-9-]{1,8}){0,2}", fullmatch=True)


@st.composite
def urls(draw: st.DrawFn) -> str:
    """URL-like strings: parts from lists of known trouble, or random text."""
    if rarely(draw, 10):
        return draw(st.text(max_size=40))
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "HtTpS", "ftp", "file",
                                   "javascript", "data", "mailto", ""]))
    sep = draw(st.sampled_from(["://", "://", "://", ":", ":/", ":///", "", "//", ":\\\\"]))
    user = draw(st.sampled_from(["", "", "", "user@", "user:pass@", ":@", "a@b@", "%40@"]))
    host = draw(st.one_of(st.sampled_from(HOSTS), _TEXT_HOST, _text))
    port = draw(st.sampled_from(["", "", "", ":80", ":443", ":8080", ":0", ":65535", ":65536",
                                 ":99999999999999999999", ":x", ":", ":-1", ": 80",
                                 "\u0663"]))
    path = "/".join(draw(st.lists(_odd, max_size=5)))
    query = ""
    if draw(st.booleans()):
        pairs = draw(st.lists(st.tuples(st.one_of(st.sampled_from(TRACKING), _odd),
                                        st.sampled_from(["=", "", "=="]), _odd), max_size=5))
        joiner = draw(st.sampled_from(["&", ";", "&&", "&amp;"]))
        query = "?" + joiner.join(k + eq + v for k, eq, v in pairs)
    fragment = "#" + draw(_odd) if draw(st.booleans()) else ""
    return f"{scheme}{sep}{user}{host}{port}/{path}{query}{fragment}"


CLEANER = UrlCleaner()


@cache
def _settings_cleaner() -> UrlCleaner:
    import crawler.settings as project

    return UrlCleaner(project.CRAWLER_TRACKING_PARAMS, project.CRAWLER_TRACKING_PREFIXES)


def _clean_or_invalid(fn: Callable[[str], Any], url: str) -> Any:
    """``fn(url)``; None when it raises the documented InvalidUrl."""
    try:
        return fn(url)
    except InvalidUrl as exc:
        assert str(exc), "InvalidUrl without a message"
        return None


@cache
def _spider():
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    import crawler.settings as project
    from crawler.frontier.fingerprint import CanonicalRequestFingerprinter
    from crawler.spiders.article import ArticleSpider

    base = {k: getattr(project, k) for k in dir(project) if k.isupper()}
    crawler = get_crawler(Spider, settings_dict={**base, "CRAWLER_JOB": "fuzz"})
    crawler.stats.open_spider()
    spider = ArticleSpider.from_crawler(crawler, start="https://www.example.com/")
    return spider, CanonicalRequestFingerprinter.from_crawler(crawler)


def check_urls(case: tuple[str, str, list[str]]) -> None:
    url, base, links = case
    for cleaner in (CLEANER, _settings_cleaner()):
        clean = _clean_or_invalid(cleaner.clean, url)
        key = _clean_or_invalid(cleaner.key, url)
        both = _clean_or_invalid(cleaner.clean_and_key, url)
        assert both == (None if key is None else (clean, key)), (clean, key, both)
        assert clean is not None or key is None, "a key for a URL that cannot be cleaned"
        if clean is not None:
            assert isinstance(clean, str) and "#" not in clean
        if key is not None:
            assert isinstance(key, str)
            again = _clean_or_invalid(cleaner.key, clean)
            assert again == key, f"key of the cleaned URL differs: {again!r} != {key!r}"
    assert isinstance(site_of(url), str)
    assert isinstance(is_http_url(url), bool)
    from scrapy import Request
    from scrapy.http import HtmlResponse

    spider, fingerprinter = _spider()
    html = f'<base href="{_attr(base)}">' + "".join(
        f'<a href="{_attr(link)}">x</a><link rel="alternate" type="application/rss+xml" '
        f'href="{_attr(link)}">' for link in links)
    response = HtmlResponse("https://www.example.com/", body=html.encode("utf-8", "replace"),
                            encoding="utf-8",
                            request=Request("https://www.example.com/", meta={"depth": 0}))
    for request in spider.parse_links(response):
        assert isinstance(request, Request) and is_http_url(request.url), request
        assert isinstance(fingerprinter.fingerprint(request), bytes)


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;")


url_cases = st.tuples(urls(), urls(), st.lists(urls(), max_size=4))

# -- HTML pages ------------------------------------------------------------------
TAGS = ["div", "p", "span", "a", "article", "main", "section", "header", "footer", "nav",
        "aside", "h1", "h2", "h3", "ul", "li", "table", "tr", "td", "img", "br", "script",
        "style", "noscript", "iframe", "ins", "figure", "blockquote", "pre", "time", "meta",
        "link", "title", "template", "svg", "math", "form", "b", "font", "frameset", "object",
        "base", "select", "textarea", "xmp", "plaintext", "body", "head", "html", "!--"]
ATTR_NAMES = ["class", "id", "href", "src", "style", "hidden", "aria-hidden", "itemprop",
              "itemtype", "property", "name", "content", "rel", "lang", "datetime",
              "data-ad-slot", "type", "charset", "http-equiv", "xml:lang", "srcset"]
ATTR_VALUES = ["display:none", "visibility: hidden", "ad", "advert sidebar", "canonical",
               "og:url", "og:type", "article", "website", "NewsArticle", "datePublished",
               "article:published_time", "2024-02-30", "9999-12-31T00:00:00Z", "-1",
               "content-language", "en-US", "zz_ZZ", "Content-Type",
               "text/html; charset=utf-16", "application/ld+json", "true", "http://[::1",
               "javascript:alert(1)", "//cdn.example/x", "#top"]
_WORDS = ("the of and to in a is that for it as was with be by on not he this are or his "
          "from at which but have an they you were her she there been one all we their "
          "Zürich Ελλάδα 東京 مرحبا Привет emoji 🎉 naïve café")
WORDS = _WORDS.split(" ")

_attr_value = st.one_of(st.sampled_from(ATTR_VALUES), urls(), _text)
_prose = st.lists(st.sampled_from(WORDS), min_size=5, max_size=80).map(" ".join)
_raw_text = st.one_of(_prose, _text, st.sampled_from(
    ["&#0;", "&#xD800;", "&#x110000;", "&amp", "&nbsp;", "<![CDATA[x]]>", "<!--", "-->",
     "<?xml ?>", "</", "<", ">", "\x00", "\x0c", "\r", "&#13;", "<!DOCTYPE x>"]))


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def render(tag: str, attrs: list[tuple[str, str]], inner: list[str], close: bool) -> str:
        if tag == "!--":
            return "<!--" + "".join(inner) + ("-->" if close else "")
        attr = "".join(f' {k}="{_attr(v)}"' for k, v in attrs)
        return f"<{tag}{attr}>" + "".join(inner) + (f"</{tag}>" if close else "")

    return st.builds(render, st.sampled_from(TAGS),
                     st.lists(st.tuples(st.sampled_from(ATTR_NAMES), _attr_value), max_size=3),
                     st.lists(children, max_size=5), st.integers(0, 9).map(bool))


_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(ATTR_VALUES), _text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["@type", "@graph", "mainEntity", "datePublished",
                                         "author", "headline", "name"]), inner, max_size=4)),
    max_leaves=10)
_html_body = st.recursive(_raw_text, _element, max_leaves=30)
ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252",
             "iso-8859-2", "iso-8859-7", "koi8-r", "shift_jis", "euc-jp", "iso-2022-jp",
             "gb18030", "big5", "euc-kr", "utf-7", "ascii", "cp437", "mac-roman", "utf-8-sig"]
DECLARED = [*ENCODINGS, "", "foo", "utf8", "UTF-8 ", "unicode", "x-sjis", "csUnicode",
            "replacement", "utf-16;", "\x00", "x-user-defined", "utf-8\"", "'utf-8'",
            "ISO-8859-1, utf-8"]


@st.composite
def html_bytes(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """(body, Content-Type header): generated HTML in a random encoding that
    may disagree with the declared ones, random bytes, or HTML with bytes spliced in."""
    declared = draw(st.one_of(st.sampled_from(DECLARED), _text))
    ctype = draw(st.one_of(
        st.none(), st.sampled_from(["text/html", "application/xhtml+xml", "text/plain",
                                    "TEXT/HTML;;charset=", "text/html; charset"]),
        st.just(f"text/html; charset={declared}"), st.just(f'text/html;charset="{declared}"'),
        _text))
    if rarely(draw, 8):
        return draw(st.binary(max_size=2000)), ctype
    head = ""
    if draw(st.booleans()):
        head += draw(st.sampled_from([
            f'<meta charset="{declared}">',
            f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">',
            f'<?xml version="1.0" encoding="{declared}"?>']))
    if draw(st.booleans()):
        ld = json.dumps(draw(_json), ensure_ascii=draw(st.booleans()))
        head += f'<script type="application/ld+json">{ld}</script>'
    doctype = draw(st.sampled_from(["<!DOCTYPE html>", "", "<!doctype html public x>"]))
    lang = draw(st.sampled_from(["", ' lang="en"', ' lang="de-AT"', ' lang="x"', ' lang=""']))
    text = (f"{doctype}<html{lang}><head>{head}<title>{draw(_text)}</title></head><body>"
            + "".join(draw(st.lists(_html_body, min_size=1, max_size=6))) + "</body></html>")
    encoding = draw(st.sampled_from(ENCODINGS))
    body = text.encode(encoding, errors="replace")
    if rarely(draw, 5):
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.binary(max_size=30)) + body[at:]
    if rarely(draw, 6):
        boms = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"]
        body = draw(st.sampled_from(boms)) + body
    return body, ctype


_fetched_at = st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2100, 1, 1),
                           timezones=st.sampled_from([UTC, timezone(timedelta(hours=14)),
                                                      timezone(timedelta(hours=-12))]))
#: A page's URL is never empty and never holds a lone surrogate (Scrapy's are
#: ASCII; warcio decodes WARC-Target-URI as UTF-8 or Latin-1; replay skips an empty one).
_page_urls = urls().map(
    lambda u: u.encode("utf-8", "surrogatepass").decode("utf-8", "replace")).filter(bool)
page_cases = st.tuples(html_bytes(), st.one_of(_page_urls, st.sampled_from(
    ["https://news.example/2024/05/a.html", "https://news.example/about"])), _fetched_at)
OPTIONS = ExtractionOptions()


@cache
def _validator():
    from crawler.schema import validator

    return validator()


def check_article(article: Any, min_chars: int) -> None:
    """What every article record must be, however hostile its page."""
    record = article.to_dict()
    (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    if article.reason is None:
        assert article.text and len(article.text) >= min_chars
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}"
                  for e in _validator().iter_errors(record)]
        assert not errors, errors
    article_keys(article, CLEANER)


def check_extraction(case: tuple[tuple[bytes, str | None], str, datetime]) -> None:
    (body, ctype), url, when = case
    page = Page(url=url, status=200, body=body, content_type=ctype, fetched_at=when)
    article, removed, _ = page_to_article(page, OPTIONS)
    assert all(isinstance(v, int) for v in removed.values())
    check_article(article, OPTIONS.min_chars)


# -- WARC files --------------------------------------------------------------------
WARC_DATES = ["2024-05-01T10:00:00Z", "2024-05-01T10:00:00.123456Z", "garbage", "",
              "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2024-13-45T99:00:00Z",
              "20240501100000"]
STATUS_LINES = ["200 OK", "200", "304 Not Modified", "301 Moved", "404 Not Found", "abc",
                "", "99999999999999999999 X", "-1 X", "200 \udc80"]
GOOD_URIS = ["https://news.example/a.html", "https://news.example/b.html",
             "http://news.example/2024/05/story.html", "https://other.example/x"]
HTTP_HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Type", "text/html"),
                ("Content-Type", "application/pdf"), ("Content-Encoding", "gzip"),
                ("Content-Encoding", "br"), ("Transfer-Encoding", "chunked"),
                ("Content-Length", "5"), ("Content-Length", "-1"), ("Location", "/x"),
                ("Set-Cookie", "a=b")]


def _zstd(data: bytes) -> bytes:
    try:
        from compression import zstd  # Python 3.14
    except ImportError:
        from backports import zstd
    return zstd.compress(data)


def _brotli(data: bytes) -> bytes:
    import brotli

    return brotli.compress(data)


#: Content codings a WARC response body may carry (Scrapy asks for all four).
CODINGS: dict[str, Callable[[bytes], bytes]] = {
    "": lambda b: b, "gzip": lambda b: gzip.compress(b, mtime=0), "deflate": zlib.compress,
    "br": _brotli, "zstd": _zstd}


@cache
def _bomb() -> bytes:
    """A gzip body expanding to 48 MiB: more than DOWNLOAD_MAXSIZE (32 MiB)."""
    return gzip.compress(bytes(48 << 20), compresslevel=9, mtime=0)


@cache
def _sample_pages() -> list[bytes]:
    """Article pages (JSON-LD NewsArticle, enough text) so that replay makes articles."""
    words = WORDS * 3
    pages = []
    for n in range(3):
        paras = "".join(f"<p>{' '.join(words[i:] + words[:i])}.</p>" for i in range(n, 12 + n))
        ld = json.dumps({"@type": "NewsArticle", "datePublished": f"2024-05-0{n + 1}"})
        pages.append((
            f'<!DOCTYPE html><html lang="en"><head><title>Story {n}</title><script '
            f'type="application/ld+json">{ld}</script><link rel="canonical" href="/story-{n}">'
            f'</head><body><article><h1>Story {n}</h1>{paras}</article></body></html>'
        ).encode())
    return pages


@st.composite
def warc_record(draw: st.DrawFn, ids: list[str]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False, warc_version=draw(st.sampled_from(["1.0", "1.1"])))
    rtype = draw(st.sampled_from(["response", "response", "response", "revisit", "request",
                                  "warcinfo", "resource", "metadata"]))
    # mostly well-formed, so that reading gets past the first record
    uri = draw(urls()) if rarely(draw, 4) else draw(st.sampled_from(GOOD_URIS))
    headers = {"WARC-Date": draw(st.sampled_from(WARC_DATES))}
    body = draw(st.one_of(st.sampled_from(_sample_pages()), st.binary(max_size=300)))
    coding = draw(st.sampled_from(list(CODINGS)))
    body = CODINGS[coding](body)
    if rarely(draw, 30):
        body, coding = _bomb(), "gzip"
    declared = draw(st.sampled_from(list(CODINGS))) if rarely(draw, 4) else coding
    extra = [("Content-Encoding", declared)] if declared else []
    http = StatusAndHeaders(
        draw(st.sampled_from(STATUS_LINES)) if rarely(draw, 3) else "200 OK",
        [("Content-Type", "text/html; charset=utf-8"), *extra, *draw(st.lists(
            st.one_of(st.sampled_from(HTTP_HEADERS), st.tuples(_text, _text)), max_size=3))],
        protocol=draw(st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2", "", "XYZ"])))
    try:
        if rtype == "warcinfo":
            record = writer.create_warcinfo_record("x.warc.gz", {"software": draw(_text)})
        elif rtype == "revisit":
            record = writer.create_revisit_record(
                uri, draw(st.sampled_from(["sha1:AAAA", "md5:x", "x"])), uri,
                draw(st.sampled_from(WARC_DATES)), http_headers=http, warc_headers_dict=headers)
            refers = draw(st.one_of(st.sampled_from(ids), _text)) if ids else draw(_text)
            record.rec_headers.replace_header("WARC-Refers-To", refers)
        else:
            record = writer.create_warc_record(
                uri, rtype, payload=io.BytesIO(body), length=len(body),
                http_headers=None if rtype in ("resource", "metadata") else http,
                warc_headers_dict=headers)
        # deterministic bytes (hypothesis replays draws): no random id, no clock
        rid = f"<urn:uuid:{uuid.UUID(int=len(ids) + draw(st.integers(0, 3)))}>"
        record.rec_headers.replace_header("WARC-Record-ID", rid)
        record.rec_headers.replace_header("WARC-Date", headers["WARC-Date"])
        writer.write_record(record)
    except Exception:  # warcio cannot write this one: not our input
        assume(False)
    ids.append(record.rec_headers.get_header("WARC-Record-ID"))
    data = buf.getvalue()
    if rarely(draw, 7):  # a structural edit before compression
        data = draw(st.sampled_from([
            lambda d: re.sub(rb"Content-Length: \d+", b"Content-Length: 99999", d, count=1),
            lambda d: re.sub(rb"Content-Length: \d+", b"Content-Length: -3", d, count=1),
            lambda d: re.sub(rb"Content-Length: \d+", b"Content-Length: x", d, count=1),
            lambda d: d.replace(b"\r\n", b"\n"),
            lambda d: d.replace(b"WARC/1.", b"WARC/9.", 1),
            lambda d: re.sub(rb"WARC-Type: \w+", b"WARC-Type: ", d, count=1),
            lambda d: re.sub(rb"WARC-Target-URI: [^\r]*\r\n", b"", d, count=1),
            lambda d: d.replace(b"\r\n\r\n", b"\r\n", 1),
        ]))(data)
    return data


@dataclass
class WarcCase:
    data: bytes
    suffix: str
    #: Wrapped in a WACZ (zip) as ``archive/data.warc.gz``, the zip cut to this length.
    wacz: bool = False
    zip_cut: int | None = None


@st.composite
def warc_files(draw: st.DrawFn) -> WarcCase:
    """Valid records built by warcio (gzip per record or not), then mutated:
    truncated, bits flipped, bytes inserted or deleted, random gzip members."""
    ids: list[str] = []
    records = draw(st.lists(warc_record(ids), min_size=1, max_size=6))
    gz = draw(st.booleans())  # gzip per record (as we write them) or none; rarely mixed
    members = [gzip.compress(r, mtime=0) if gz != rarely(draw, 10) else r
               for r in records]
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        at = draw(st.integers(0, len(members)))
        members.insert(at, gzip.compress(draw(st.binary(max_size=200)), mtime=0))
    data = b"".join(members)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):  # none in half the files
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "overwrite"]))
        at = draw(st.integers(0, len(data)))
        if kind == "truncate":
            data = data[:at]
        elif kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=20)) + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 20)):]
        else:
            chunk = draw(st.binary(min_size=1, max_size=20))
            data = data[:at] + chunk + data[at + len(chunk):]
    suffix = draw(st.sampled_from([".warc.gz", ".warc", ".warc.gz.open"]))
    wacz = rarely(draw, 10)
    cut = draw(st.one_of(st.none(), st.integers(0, 400))) if wacz else None
    return WarcCase(data, suffix, wacz, cut)


def _write(case: WarcCase, folder: Path) -> Path:
    path = folder / f"fuzz{'.wacz' if case.wacz else case.suffix}"
    if case.wacz:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("archive/data.warc.gz", case.data)
        data = buf.getvalue()
        path.write_bytes(data if case.zip_cut is None else data[:case.zip_cut])
    else:
        path.write_bytes(case.data)
    return path


def check_warc_replay(case: WarcCase) -> None:
    from crawler.replay.reextract import ReplayOptions, replay
    from crawler.warc.reader import ArchiveError, find_archives, iter_pages

    with tempfile.TemporaryDirectory(prefix="crawler-fuzz-") as tmp:
        path = _write(case, Path(tmp))
        try:
            archives = find_archives([path])
        except ArchiveError as exc:
            assert str(exc)
            return
        for archive in archives:
            for page in iter_pages(archive, archive.name):
                assert isinstance(page.url, str) and isinstance(page.status, int)
                assert isinstance(page.body, bytes)
                assert page.fetched_at.tzinfo is not None
        options = ReplayOptions(extraction=OPTIONS)
        for article in replay(archives, options):
            check_article(article, OPTIONS.min_chars)


def check_warc_check(case: WarcCase) -> None:
    from crawler.warc.check import check_warc, incomplete_gzip_member, resolve_pointer

    with tempfile.TemporaryDirectory(prefix="crawler-fuzz-") as tmp:
        path = Path(tmp) / f"fuzz{case.suffix}"
        path.write_bytes(case.data)
        problems = [str(p) for p in check_warc(path)]
        assert all(isinstance(p, str) and "\n" not in p for p in problems), problems
        cut = incomplete_gzip_member(path)
        assert cut is None or 0 <= cut < len(case.data)
        for offset in sorted({0, len(case.data) // 2, max(len(case.data) - 1, 0)}):
            pointer = {"filename": path.name, "offset": offset, "length": len(case.data),
                       "record_id": "<urn:uuid:x>"}
            problem = resolve_pointer(Path(tmp), pointer, "https://news.example/a.html")
            assert problem is None or isinstance(problem, str)


@dataclass(frozen=True)
class Target:
    name: str
    strategy: st.SearchStrategy
    check: Callable[[Any], object]


TARGETS = {t.name: t for t in (
    Target("extraction", page_cases, check_extraction),
    Target("urls", url_cases, check_urls),
    Target("warc_replay", warc_files(), check_warc_replay),
    Target("warc_check", warc_files(), check_warc_check),
)}
