"""Tests for the mock news site used by the end-to-end crawler tests."""
from __future__ import annotations

import gzip
import http.client
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from html.parser import HTMLParser
from itertools import pairwise
from urllib.parse import urljoin, urlsplit

import pytest

from tests.mockserver import MANIFEST, MockServer

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
#: Any in-document charset declaration: <meta charset>, http-equiv content, XML prolog.
DECLARATION = re.compile(rb"(?i)charset\s*=|http-equiv|<\?xml|encoding\s*=")


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as srv:
        yield srv


def fetch(srv: MockServer, path: str, headers: dict[str, str] | None = None,
          method: str = "GET") -> tuple[int, http.client.HTTPMessage, bytes]:
    """One raw request: no redirects followed, no decoding."""
    parts = urlsplit(srv.base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


class _Links(HTMLParser):
    """Collects ``<a href>`` and ``<link>`` tags."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.links: list[dict[str, str | None]] = []
        self.meta: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        elif tag == "link":
            self.links.append(a)
        elif tag == "meta" and a.get("property"):
            self.meta[a["property"] or ""] = a.get("content")


def parse(body: str) -> _Links:
    parser = _Links()
    parser.feed(body)
    return parser


def local_paths(srv: MockServer, page: str, hrefs: list[str]) -> set[str]:
    """Resolve hrefs against ``page`` and keep path+query of same-site links."""
    out = set()
    for href in hrefs:
        url = urljoin(srv.url(page), href)
        if url.startswith(srv.base + "/"):
            parts = urlsplit(url)
            out.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def test_robots_txt(server: MockServer) -> None:
    status, headers, body = fetch(server, "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    lines = body.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /private/" in lines
    assert f"Sitemap: {server.base}/sitemap_index.xml" in lines


def test_redirect_chain(server: MockServer) -> None:
    chain = MANIFEST["redirect_chain"]
    for (path, nxt), code in zip(pairwise(chain), MANIFEST["redirect_statuses"], strict=True):
        status, headers, _ = fetch(server, path)
        assert status == code
        assert urljoin(server.url(path), headers["Location"]) == server.url(nxt)
    status, _, _ = fetch(server, chain[-1])
    assert status == 200


def test_error_pages(server: MockServer) -> None:
    for path, code in MANIFEST["status"].items():
        status, headers, body = fetch(server, path)
        assert status == code
        assert headers["Content-Type"] == "text/html; charset=utf-8" and b"<html" in body
    assert fetch(server, "/no/such/page.html")[0] == 404
    assert fetch(server, "/broken.html")[0] == 500  # always, not just once


def test_private_page_is_served_anyway(server: MockServer) -> None:
    status, _, body = fetch(server, "/private/secret.html")
    assert status == 200 and b"staff area" in body.lower()


def test_pdf(server: MockServer) -> None:
    status, headers, body = fetch(server, "/files/annual-report.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF-1.") and body.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\s+(\d+)", body)[1])
    assert body[startxref:].startswith(b"xref")
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n", body)]
    for number, offset in enumerate(offsets, 1):
        assert body[offset:].startswith(b"%d 0 obj" % number)


def test_cp1252_article(server: MockServer) -> None:
    path = "/articles/cp1252.html"
    status, headers, body = fetch(server, path)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=windows-1252"
    text = body.decode("cp1252")
    for sentence in MANIFEST["articles"][path]["must_have"]:
        assert sentence in text
    for char in "“”’–€é":
        assert char in text
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    latin1 = body.decode("latin-1")
    assert not any(s in latin1 for s in MANIFEST["articles"][path]["must_have"])


def test_shift_jis_article_has_no_charset(server: MockServer) -> None:
    path = "/articles/shift-jis.html"
    status, headers, body = fetch(server, path)
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert not DECLARATION.search(body)
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("shift_jis")
    for sentence in MANIFEST["articles"][path]["must_have"]:
        assert sentence in text
    assert MANIFEST["articles"][path]["encoding"] == "shift_jis"


def test_no_charset_utf8_article(server: MockServer) -> None:
    path = "/articles/no-charset.html"
    status, headers, body = fetch(server, path)
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert not DECLARATION.search(body)
    text = body.decode("utf-8")
    assert all(s in text for s in MANIFEST["articles"][path]["must_have"])
    assert "Zoë Ångström" in text


def test_sitemaps(server: MockServer) -> None:
    status, _, body = fetch(server, "/sitemap_index.xml")
    assert status == 200
    locs = [e.text for e in ET.fromstring(body).iter(f"{SM}loc")]
    assert locs == [server.url("/sitemaps/articles.xml"), server.url("/sitemaps/more.xml.gz")]

    status, _, body = fetch(server, "/sitemaps/articles.xml")
    urls = ET.fromstring(body).findall(f"{SM}url")
    assert server.url("/sitemap-only/hidden-gem.html") in [u.findtext(f"{SM}loc") for u in urls]
    assert all(u.findtext(f"{SM}lastmod", "").startswith("2026-") for u in urls)

    status, headers, body = fetch(server, "/sitemaps/more.xml.gz")
    assert status == 200
    assert headers["Content-Type"] in ("application/x-gzip", "application/gzip")
    assert "Content-Encoding" not in headers and body[:2] == b"\x1f\x8b"
    root = ET.fromstring(gzip.decompress(body))
    assert root.tag == f"{SM}urlset"
    assert [e.text for e in root.iter(f"{SM}loc")] == [server.url("/sitemap-only/gz-article.html")]


def test_feeds(server: MockServer) -> None:
    home = parse(fetch(server, "/")[2].decode())
    assert {"rel": "alternate", "type": "application/rss+xml"}.items() <= next(
        link for link in home.links if link.get("type") == "application/rss+xml").items()
    status, headers, body = fetch(server, "/feed.xml")
    assert status == 200 and "rss" in headers["Content-Type"]
    links = [e.text for e in ET.fromstring(body).iter("link")]
    assert server.url("/feed-only/night-market.html") in links
    assert server.url("/articles/harbour.html") in links

    news = parse(fetch(server, "/news/")[2].decode())
    atom_links = [link for link in news.links if link.get("type") == "application/atom+xml"]
    assert atom_links and atom_links[0]["href"] == "/atom.xml"
    status, _, body = fetch(server, "/atom.xml")
    hrefs = [e.get("href") for e in ET.fromstring(body).iter(f"{ATOM}link")]
    assert server.url("/feed-only/atom-exclusive.html") in hrefs


def test_home_links(server: MockServer) -> None:
    page = parse(fetch(server, "/")[2].decode())
    hrefs = set(page.hrefs)
    for dup in MANIFEST["tracking_duplicates"]:
        assert dup in hrefs
    for path in ["/news/", "/private/secret.html", "/redirect/start", "/missing.html",
                 "/broken.html", "/files/annual-report.pdf", "/calendar/2026/11/",
                 "/amp/harbour.html", "/articles/cp1252.html", "/articles/shift-jis.html",
                 "/articles/no-charset.html"]:
        assert path in local_paths(server, "/", page.hrefs), path
    assert page.meta["og:type"] == "website"


def test_calendar_trap(server: MockServer) -> None:
    cases = {"/calendar/2026/11/": "/calendar/2026/10/", "/calendar/2026/01/": "/calendar/2025/12/",
             "/calendar/1/01/": "/calendar/0/12/", "/calendar/0/01/": "/calendar/-1/12/"}
    for page, prev in cases.items():
        status, _, body = fetch(server, page)
        assert status == 200
        links = local_paths(server, page, parse(body.decode()).hrefs)
        calendar_links = {p for p in links if p.startswith(MANIFEST["calendar_prefix"])}
        assert prev in links and calendar_links <= {prev, MANIFEST["calendar_start"]}  # + nav link
    assert fetch(server, "/calendar/2026/13/")[0] == 404


def test_articles(server: MockServer) -> None:
    assert len(MANIFEST["articles"]) >= 10
    for path, info in MANIFEST["articles"].items():
        status, _headers, body = fetch(server, path)
        assert status == 200, path
        text = body.decode(info["encoding"])
        page = parse(text)
        assert page.meta["og:type"] == "article"
        assert page.meta["article:published_time"] == info["meta_published"]
        canonical = [link["href"] for link in page.links if link.get("rel") == "canonical"]
        assert canonical == [server.url(path)]
        ld = json.loads(
            re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)[1])
        assert ld["@type"] == "NewsArticle" and ld["headline"] == info["title"]
        assert f'<meta name="author" content="{info["author"]}">' in text
        assert all(s in text for s in info["must_have"]), path
        assert "Advertisement" in text and text.count('class="comment"') == 2
        paragraphs = re.findall(r"<p>(.*?)</p>", text)
        assert 4 <= len(paragraphs) <= 8
        assert info["published"].startswith("2026-")
    future = MANIFEST["articles"]["/articles/observatory.html"]
    assert future["meta_published"].startswith("2031-")
    body = fetch(server, "/articles/observatory.html")[2].decode()
    assert '"datePublished": "2031-' in body and "9 May 2026" in body


def test_amp_duplicate(server: MockServer) -> None:
    for dup, canonical in MANIFEST["canonical_duplicates"].items():
        page = parse(fetch(server, dup)[2].decode())
        canonicals = [link["href"] for link in page.links if link.get("rel") == "canonical"]
        assert canonicals == [canonical]


def test_not_articles(server: MockServer) -> None:
    for path in MANIFEST["not_articles"]:
        _status, _headers, body = fetch(server, path)
        assert b'content="article"' not in body, path
    assert MANIFEST["disallowed"] == ["/private/secret.html"]


def test_discovery_paths(server: MockServer) -> None:
    """Sitemap-only, feed-only and redirect-only articles are not linked from any HTML page."""
    seen: set[str] = set()
    queue = ["/"]
    while queue:
        page = queue.pop()
        if page in seen or page.startswith(("/calendar/", "/redirect/", "/files/")):
            continue
        seen.add(page)
        status, _, body = fetch(server, page)
        if status == 200:
            hrefs = parse(body.decode("utf-8", "replace")).hrefs
            queue += [p.split("?")[0] for p in local_paths(server, page, hrefs)]
    for path, info in MANIFEST["articles"].items():
        html_sources = [s for s in info["found_via"] if s.endswith("/") or s.endswith(".html")]
        assert (path in seen) == bool(html_sources), path


def test_conditional_get(server: MockServer) -> None:
    path = "/articles/harbour.html"
    status, headers, _ = fetch(server, path)
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag and last_modified
    assert fetch(server, path, {"If-None-Match": etag})[0] == 304
    assert fetch(server, path, {"If-None-Match": '"stale"'})[0] == 200
    assert fetch(server, path, {"If-Modified-Since": last_modified})[0] == 304
    old = format_datetime(datetime(2020, 1, 1, tzinfo=UTC), usegmt=True)
    assert fetch(server, path, {"If-Modified-Since": old})[0] == 200
    status, headers, body = fetch(server, path, {"If-None-Match": etag}, method="HEAD")
    assert status == 304 and body == b""


def test_state_override_changes_article() -> None:
    path = "/articles/library.html"
    with MockServer() as srv:
        status, headers, body = fetch(srv, path)
        etag = headers["ETag"]
        paragraphs = ["Updated: the library will now close at ten.",
                      *MANIFEST["articles"][path]["must_have"]]
        srv.set_state({"articles": {path: {"paragraphs": paragraphs,
                                           "modified": "2026-11-01T09:00:00+00:00"}}})
        status, headers, new_body = fetch(srv, path, {"If-None-Match": etag})
        assert status == 200 and headers["ETag"] != etag
        assert b"close at ten" in new_body and b"close at ten" not in body
        assert headers["Last-Modified"] == "Sun, 01 Nov 2026 09:00:00 GMT"


def test_request_log(server: MockServer) -> None:
    server.reset_log()
    assert server.requests() == []
    paths = ["/robots.txt", "/articles/harbour.html?utm_source=twitter&utm_medium=social",
             "/missing.html"]
    for path in paths:
        fetch(server, path, {"X-Test": "yes"})
    fetch(server, "/", method="HEAD")
    assert server.paths() == [*paths, "/"]
    records = server.requests()
    assert [r["method"] for r in records] == ["GET", "GET", "GET", "HEAD"]
    assert records[0]["headers"]["X-Test"] == "yes"
    assert [r["status"] for r in records] == [200, 200, 404, 200]
    server.reset_log()
    fetch(server, "/sport/")
    assert server.paths() == ["/sport/"]


def test_command_line_prints_single_url_line(server: MockServer) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.base)
    assert server.url("/x") == server.base + "/x" and server.url("x") == server.base + "/x"


# -- the hostile corner (tests/mockhostile.py) ---------------------------------------

def test_nothing_regular_links_to_the_hostile_corner(server: MockServer) -> None:
    for path in ["/", "/news/", "/sport/", "/robots.txt", *MANIFEST["sitemaps"],
                 *MANIFEST["feeds"]]:
        assert b"/hostile" not in fetch(server, path)[2], path
    status, _, body = fetch(server, "/hostile/")
    assert status == 200 and b"/hostile/stall.html" in body


def test_hostile_rate_limit_is_enforced(server: MockServer) -> None:
    first = fetch(server, "/hostile/rate-limited.html")
    again = fetch(server, "/hostile/rate-limited.html")
    assert first[0] == again[0] == 429
    assert first[1]["Retry-After"] == "2" and again[1]["Retry-After"] in ("1", "2")
    status, headers, _ = fetch(server, "/hostile/rate-limited-date.html")
    assert status == 429 and headers["Retry-After"].endswith(" GMT")


def test_hostile_truncated_and_stalling_bodies(server: MockServer) -> None:
    parts = urlsplit(server.base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", "/hostile/truncated.html")
    resp = conn.getresponse()
    with pytest.raises(http.client.IncompleteRead):
        resp.read()
    conn.close()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=1)
    conn.request("GET", "/hostile/stall.html")
    resp = conn.getresponse()  # the headers come at once ...
    assert resp.status == 200 and int(resp.headers["Content-Length"]) > 512
    with pytest.raises(TimeoutError):
        resp.read()  # ... the rest of the body never does
    conn.close()


def test_hostile_gzip_bomb_expands_to_gigabytes(server: MockServer) -> None:
    import zlib

    from tests.mockhostile import BOMB_MEMBER_SIZE, BOMB_MEMBERS

    status, headers, body = fetch(server, "/hostile/gzip-bomb.html", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    member = len(body) // BOMB_MEMBERS
    assert body == body[:member] * BOMB_MEMBERS
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = 0
    chunk = inflate.decompress(body[:member], 1 << 20)
    while chunk:
        assert chunk.count(0) == len(chunk)
        out += len(chunk)
        chunk = inflate.decompress(inflate.unconsumed_tail, 1 << 20)
    assert inflate.eof and out == BOMB_MEMBER_SIZE
    assert BOMB_MEMBER_SIZE * BOMB_MEMBERS >= 4 * 1024 ** 3


def test_hostile_odd_urls_answer_at_their_escaped_paths(server: MockServer) -> None:
    from tests.mockhostile import ODD_LINKS

    for path in set(ODD_LINKS.values()):
        assert fetch(server, path)[0] == 200, path
    assert fetch(server, "/hostile/odd%2520path/a%2520b.html")[0] == 404  # escaped twice
