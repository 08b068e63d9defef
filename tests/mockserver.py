"""A local mock news site with crawl traps, for end-to-end crawler tests.

Modelled on Scrapy's own ``tests/mockserver``: the site runs in a subprocess
(``python -m tests.mockserver --port 0 --log FILE [--state FILE]``), prints its
base URL as the single line ``http://127.0.0.1:PORT`` on stdout and serves until
killed.  Every request is appended to the log file as one JSON line.

Tests use the :class:`MockServer` context manager and compare what the crawler
did against :data:`MANIFEST`.  Article data lives in ``tests/mocksite/``; the
optional state file (``{"articles": {path: {field: value}}}``) is re-read on
every request, so article text can be changed between crawls without a restart.
Pages under ``/hostile/`` (tests/mockhostile.py) are broken on purpose, and
pages under ``/walls/`` (tests/mockwalls.py) are consent walls, paywalls and
block pages; nothing of the regular site links to either. Each logged request carries its ``time``.
"""
from __future__ import annotations

import argparse
import calendar
import gzip
import hashlib
import html
import json
import os
import re
import select
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from types import TracebackType
from typing import IO, Any
from urllib.parse import urlsplit

from tests import mockwalls
from tests.mockhostile import PREFIX as HOSTILE_PREFIX
from tests.mockhostile import Hostile

SITE_DIR = Path(__file__).resolve().parent / "mocksite"
REPO_ROOT = Path(__file__).resolve().parent.parent
ARTICLES: list[dict[str, Any]] = json.loads((SITE_DIR / "articles.json").read_text("utf-8"))
ARTICLES_BY_PATH: dict[str, dict[str, Any]] = {a["path"]: a for a in ARTICLES}
LAYOUT = Template((SITE_DIR / "layout.html").read_text("utf-8"))
ARTICLE = Template((SITE_DIR / "article.html").read_text("utf-8"))
ARTICLE_HEAD = Template((SITE_DIR / "article_head.html").read_text("utf-8"))
PAGES: dict[str, Any] = json.loads((SITE_DIR / "pages.json").read_text("utf-8"))
PDF_BYTES = (SITE_DIR / "annual-report.pdf").read_bytes()  # minimal valid one-page PDF
#: Value of the cookie ``/session.html`` sets (Set-Cookie is archived with the response).
SESSION_COOKIE = "server-set-7f3a9c"

#: ``(status, headers, body)``; a body may be a function that writes to the
#: socket itself (the hostile pages that stall or close early), and then the
#: headers carry their own Content-Length.
Response = tuple[int, dict[str, str], Any]
#: The ad in every article; a state override of ``ad_copy`` changes the page, not its text.
DEFAULT_AD_COPY = ("Sponsored: Harbour View Dental is welcoming new patients this autumn. "
                   "Book online today.")

REDIRECTS: dict[str, tuple[int, str]] = {
    "/redirect/start": (301, "/redirect/middle"),
    "/redirect/middle": (302, "/articles/redirected-target.html"),
}
CALENDAR_RE = re.compile(r"/calendar/(0|-?[1-9][0-9]*)/(0[1-9]|1[0-2])/")
AMP_COPIES: dict[str, str] = {"/amp/harbour.html": "/articles/harbour.html"}
#: Home-page links to harbour.html decorated with tracking parameters or a fragment.
TRACKING_DUPLICATES: list[str] = [h for h, _ in PAGES["home_links"]
                                  if h.startswith("/articles/harbour.html")
                                  and h != "/articles/harbour.html"]
#: Page furniture present on every article page but never part of the story text.
FURNITURE: list[str] = [
    "Advertisement", "Sponsored: Harbour View Dental", "Subscribe to the Courier morning briefing",
    "Related stories", "Most read this week", "Share this story", "Comments are moderated",
    "We use cookies to improve your experience", "All rights reserved",
]
HTML_PAGES = ["/", "/news/", "/sport/"]
FEEDS = ["/feed.xml", "/atom.xml"]
SITEMAPS = ["/sitemap_index.xml", "/sitemaps/articles.xml", "/sitemaps/more.xml.gz"]

MANIFEST: dict[str, Any] = {
    "articles": {
        a["path"]: {
            "title": a["title"], "must_have": a["must_have"], "encoding": a["encoding"],
            "author": a["author"], "lang": a["lang"],
            "published": a["published"],  # the true (visible) date, always 2026
            "meta_published": a.get("published_meta", a["published"]),  # what metadata claims
            "found_via": a["found_via"],  # pages/feeds/sitemaps/redirects that lead to it
            "must_not_have": [c["text"] for c in a["comments"]],  # its reader comments
        } for a in ARTICLES
    },
    "not_articles": ["/robots.txt", *SITEMAPS, *HTML_PAGES, *FEEDS, "/missing.html",
                     "/broken.html", "/files/annual-report.pdf", "/calendar/2026/11/"],
    "disallowed": ["/private/secret.html"],
    "redirect_chain": ["/redirect/start", "/redirect/middle", "/articles/redirected-target.html"],
    "redirect_statuses": [301, 302],
    "tracking_duplicates": TRACKING_DUPLICATES,
    "canonical_duplicates": dict(AMP_COPIES),
    "calendar_prefix": "/calendar/",
    "calendar_start": "/calendar/2026/11/",
    "status": {"/missing.html": 404, "/broken.html": 500},
    "binary": {"/files/annual-report.pdf": "application/pdf"},
    "feeds": FEEDS,
    "sitemaps": SITEMAPS,
    "must_not_have": FURNITURE,
}


def esc(text: str) -> str:
    """Escape text for HTML/XML element content and attribute values."""
    return html.escape(text, quote=True)


def ok(body: str | bytes, content_type: str) -> Response:
    """A 200 response; text bodies are encoded as UTF-8."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return 200, {"Content-Type": content_type}, data


def calendar_path(year: int, month: int) -> str:
    """Canonical calendar URL path, e.g. ``/calendar/2026/11/``."""
    return f"/calendar/{year:d}/{month:02d}/"


def parse_date(value: str) -> datetime:
    """Parse an ISO 8601 timestamp from the site data."""
    return datetime.fromisoformat(value)


class Site:
    """Renders every page of the mock site for a given base URL and state file."""

    def __init__(self, base: str, state_path: str | None = None) -> None:
        self.base = base
        self.state_path = state_path
        self.hostile = Hostile(base)

    # -- data -------------------------------------------------------------
    def _overrides(self) -> tuple[dict[str, dict[str, Any]], float]:
        """Return ``(article overrides, state file mtime)``; empty if no state."""
        if not self.state_path:
            return {}, 0.0
        try:
            mtime = os.stat(self.state_path).st_mtime
            data = json.loads(Path(self.state_path).read_text("utf-8") or "{}")
        except (OSError, ValueError):
            return {}, 0.0
        return data.get("articles", {}), mtime

    def articles(self) -> dict[str, dict[str, Any]]:
        """All articles with state overrides applied.

        An override that does not set ``modified`` gets the later of the original
        date and the state file's mtime, so Last-Modified moves forward.
        """
        overrides, mtime = self._overrides()
        result = {}
        for path, base in ARTICLES_BY_PATH.items():
            art = dict(base)
            if path in overrides:
                art.update(overrides[path])
                if "modified" not in overrides[path]:
                    stamp = datetime.fromtimestamp(mtime, UTC).replace(microsecond=0)
                    art["modified"] = max(parse_date(base["modified"]), stamp).isoformat()
            result[path] = art
        return result

    def url(self, path: str) -> str:
        """Absolute URL on this site."""
        return self.base + path

    # -- dispatch ---------------------------------------------------------
    def respond(self, raw_path: str, headers: Message) -> Response:
        """Route one GET/HEAD request to its page."""
        path = urlsplit(raw_path).path
        if path.startswith(HOSTILE_PREFIX):
            return self.hostile.respond(raw_path)
        if path.startswith(mockwalls.PREFIX):
            return mockwalls.respond(path)
        articles = self.articles()
        if path in REDIRECTS:
            return self.redirect(*REDIRECTS[path])
        if path in articles or path in AMP_COPIES:
            return self.article(articles[AMP_COPIES.get(path, path)], path, headers)
        xml = "application/xml; charset=utf-8"
        routes: dict[str, Callable[[], Response]] = {
            "/": self.home, "/news/": self.section_news, "/sport/": self.section_sport,
            "/robots.txt": lambda: ok(self.template("robots.txt"), "text/plain; charset=utf-8"),
            "/sitemap_index.xml": lambda: ok(self.template("sitemap_index.xml"), xml),
            "/sitemaps/articles.xml": lambda: ok(self.urlset("/sitemaps/articles.xml"), xml),
            "/sitemaps/more.xml.gz": lambda: ok(gzip.compress(
                self.urlset("/sitemaps/more.xml.gz").encode(), mtime=0), "application/x-gzip"),
            "/feed.xml": lambda: ok(self.rss(), "application/rss+xml; charset=utf-8"),
            "/atom.xml": lambda: ok(self.atom(), "application/atom+xml; charset=utf-8"),
            "/files/annual-report.pdf": lambda: ok(PDF_BYTES, "application/pdf"),
            "/private/secret.html": lambda: self.static(
                "private", path, head='<meta name="robots" content="noindex, nofollow">'),
            "/broken.html": lambda: self.static("broken", path, status=500),
            # linked from nowhere: tests/test_security.py seeds it (a session cookie)
            "/session.html": lambda: (200, {"Content-Type": "text/html; charset=utf-8",
                                            "Set-Cookie": f"session={SESSION_COOKIE}; HttpOnly"},
                                      b"<html><body><a href='/'>home</a></body></html>"),
        }
        if path in routes:
            return routes[path]()
        match = CALENDAR_RE.fullmatch(path)  # any canonical /calendar/YEAR/MM/, even year 0 or -5
        if match:
            return self.calendar(int(match[1]), int(match[2]))
        return self.static("not_found", None, status=404)

    # -- helpers ----------------------------------------------------------
    def template(self, name: str, **values: Any) -> str:
        """Fill ``tests/mocksite/<name>``; ``${base}`` is always this site's base URL."""
        return Template((SITE_DIR / name).read_text("utf-8")).substitute(base=self.base, **values)

    def page(self, title: str, content: str, *, path: str | None, head: str = "",
             status: int = 200, body_class: str = "page") -> Response:
        """A non-article HTML page (og:type website) in the site layout."""
        if path is not None:
            head = f'<link rel="canonical" href="{self.url(path)}">\n{head}'
        head = f'<meta property="og:type" content="website">\n{head}'
        doc = LAYOUT.substitute(lang="en", charset_meta='<meta charset="utf-8">\n',
                                title=esc(title), head=head, body_class=body_class,
                                content=content)
        return status, {"Content-Type": "text/html; charset=utf-8"}, doc.encode("utf-8")

    def teasers(self, source: str, title: str) -> str:
        """Teaser list of articles discovered via ``source``; alternates relative/absolute links."""
        items = []
        for i, a in enumerate(a for a in self.articles().values() if source in a["found_via"]):
            href = self.url(a["path"]) if i % 2 else a["path"]
            items.append(f'<div class="teaser"><h3><a href="{esc(href)}">{esc(a["title"])}</a></h3>'
                         f'<p>{esc(a["description"])}</p></div>')
        return (f'<section class="teasers"><h2>{esc(title)}</h2>\n' + "\n".join(items)
                + "\n</section>")

    # -- HTML pages -------------------------------------------------------
    def home(self) -> Response:
        links = "\n".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>'
                          for h, t in PAGES["home_links"])
        content = (self.teasers("/", "Top stories")
                   + '\n<section class="more"><h2>More from the Courier</h2><ul>\n'
                   + f'{links}\n</ul></section>\n'
                   + '<p class="sections"><a href="/news/">All news</a> | '
                   + f'<a href="{self.url("/sport/")}">All sport</a></p>')
        head = ('<link rel="alternate" type="application/rss+xml" title="Courier RSS" '
                'href="/feed.xml">')
        return self.page("Home", content, path="/", head=head, body_class="home")

    def section_news(self) -> Response:
        head = ('<link rel="alternate" type="application/atom+xml" title="Courier news" '
                'href="/atom.xml">')
        return self.page("News", self.teasers("/news/", "Latest news"), path="/news/", head=head,
                         body_class="section")

    def section_sport(self) -> Response:
        return self.page("Sport", self.teasers("/sport/", "Latest sport"), path="/sport/",
                         body_class="section")

    def calendar(self, year: int, month: int) -> Response:
        """Events calendar; always links one month back (an infinite crawl trap)."""
        prev_year, prev_month = (year, month - 1) if month > 1 else (year - 1, 12)
        name = f"{calendar.month_name[month]} {year}"
        content = Template(PAGES["calendar"]).substitute(
            name=name, prev_path=calendar_path(prev_year, prev_month),
            prev_name=f"{calendar.month_name[prev_month]} {prev_year}")
        return self.page(f"What's on: {name}", content, path=calendar_path(year, month),
                         body_class="calendar")

    def static(self, key: str, path: str | None, status: int = 200, head: str = "") -> Response:
        """One of the simple pages in ``pages.json`` (private, 404, 500)."""
        title, content = PAGES[key]
        return self.page(title, content, path=path, status=status, head=head)

    def redirect(self, status: int, target: str) -> Response:
        """301 with an absolute Location, 302 with a relative one, as real sites mix both."""
        location = self.url(target) if status == 301 else target
        body = f'<html><body>Moved to <a href="{location}">{location}</a></body></html>'
        headers = {"Location": location, "Content-Type": "text/html; charset=utf-8"}
        return status, headers, body.encode()

    # -- articles ---------------------------------------------------------
    def render_article(self, art: dict[str, Any], path: str) -> bytes:
        """Full article HTML, encoded in the article's own encoding."""
        canonical = art["path"] if path in AMP_COPIES else self.url(art["path"])
        published_meta = art.get("published_meta", art["published"])
        date = parse_date(art["published"])
        paragraphs = [f"    <p>{html.escape(p, quote=False)}</p>" for p in art["paragraphs"]]
        jsonld = json.dumps({
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": art["title"],
            "datePublished": published_meta, "dateModified": art["modified"],
            "author": {"@type": "Person", "name": art["author"]},
            "publisher": {"@type": "Organization", "name": "The Alder Bay Courier"},
            "mainEntityOfPage": self.url(art["path"]), "inLanguage": art["lang"],
            "articleSection": art["section"], "description": art["description"],
        }, ensure_ascii=False).replace("</", "<\\/")
        head = ARTICLE_HEAD.substitute(
            description=esc(art["description"]), author=esc(art["author"]), title=esc(art["title"]),
            url=esc(self.url(art["path"])), published=published_meta, modified=art["modified"],
            section=esc(art["section"]), canonical=esc(canonical), jsonld=jsonld)
        titles = {p: a["title"] for p, a in self.articles().items()}
        related = "\n".join(f'    <li><a href="{p}">{esc(titles[p])}</a></li>'
                            for p in art["related"])
        comments = "\n".join(
            f'    <li class="comment"><p class="comment-author">{esc(c["author"])}</p>'
            f'<p class="comment-text">{esc(c["text"])}</p></li>' for c in art["comments"])
        content = ARTICLE.substitute(
            section=esc(art["section"]), section_path=art["section"].lower(),
            title=esc(art["title"]),
            author=esc(art["author"]), date_iso=art["published"],
            date_human=f"{date.day} {date:%B %Y}", body_top="\n".join(paragraphs[:2]),
            body_bottom="\n".join(paragraphs[2:]), related=related, comments=comments,
            ad_copy=esc(art.get("ad_copy", DEFAULT_AD_COPY)),
            comment_count=len(art["comments"]))
        meta = f'<meta charset="{art["encoding"]}">\n' if art["charset"] == "header+meta" else ""
        doc = LAYOUT.substitute(lang=art["lang"], charset_meta=meta, title=esc(art["title"]),
                                head=head, body_class="amp" if path in AMP_COPIES else "article",
                                content=content)
        return doc.encode(art["encoding"])

    def article(self, art: dict[str, Any], path: str, headers: Message) -> Response:
        """Article response with ETag/Last-Modified and conditional-GET (304) support."""
        body = self.render_article(art, path)
        ctype = "text/html" if art["charset"] == "none" else f'text/html; charset={art["encoding"]}'
        etag = f'"{hashlib.sha1(body).hexdigest()[:20]}"'
        modified = parse_date(art["modified"]).astimezone(UTC)
        validators = {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True)}
        inm, ims = headers.get("If-None-Match"), headers.get("If-Modified-Since")
        if inm is not None:
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            if etag in tags or "*" in tags:
                return 304, validators, b""
        elif ims is not None:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                since = None
            if since is not None and since.tzinfo is not None and modified <= since:
                return 304, validators, b""
        if art.get("gzip") and "gzip" in (headers.get("Accept-Encoding") or ""):
            return 200, {"Content-Type": ctype, "Content-Encoding": "gzip", **validators}, \
                gzip.compress(body, mtime=0)
        return 200, {"Content-Type": ctype, **validators}, body

    # -- robots, sitemaps, feeds ----------------------------------------
    def sources(self, source: str) -> list[dict[str, Any]]:
        """Articles listed in the page/feed/sitemap ``source``."""
        return [a for a in self.articles().values() if source in a["found_via"]]

    def urlset(self, source: str) -> str:
        """Sitemap ``urlset`` XML for articles listed in ``source``."""
        entries = "".join(f"  <url><loc>{self.url(a['path'])}</loc>"
                          f"<lastmod>{a['modified']}</lastmod></url>\n"
                          for a in self.sources(source))
        return self.template("urlset.xml", entries=entries)

    def rss(self) -> str:
        return self.template("rss.xml", entries="".join(
            f"  <item><title>{esc(a['title'])}</title><link>{self.url(a['path'])}</link>"
            f'<guid isPermaLink="true">{self.url(a["path"])}</guid>'
            f"<pubDate>{format_datetime(parse_date(a['published']))}</pubDate>"
            f"<description>{esc(a['description'])}</description></item>\n"
            for a in self.sources("/feed.xml")))

    def atom(self) -> str:
        return self.template("atom.xml", entries="".join(
            f'  <entry><title>{esc(a["title"])}</title><link href="{self.url(a["path"])}"/>'
            f"<id>{self.url(a['path'])}</id><published>{a['published']}</published>"
            f"<updated>{a['modified']}</updated><author><name>{esc(a['author'])}</name></author>"
            f"<summary>{esc(a['description'])}</summary></entry>\n"
            for a in self.sources("/atom.xml")))


class MockHTTPServer(ThreadingHTTPServer):
    """Threading HTTP server carrying the site and the JSON-lines request log."""

    daemon_threads = True
    site: Site
    log_file: IO[str] | None = None
    log_lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a killed crawl) is no error of the site."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def log_request_json(self, method: str, path: str, headers: dict[str, str],
                         status: int) -> None:
        """Append one request to the log and flush it immediately."""
        if self.log_file is None:
            return
        line = json.dumps({"method": method, "path": path, "headers": headers, "status": status,
                           "time": time.time()})
        with self.log_lock:
            self.log_file.write(line + "\n")
            self.log_file.flush()


class Handler(BaseHTTPRequestHandler):
    """Serves GET/HEAD from :class:`Site`; logs each request before replying."""

    server: MockHTTPServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # http.server's naming
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, send_body: bool) -> None:
        try:
            status, headers, body = self.server.site.respond(self.path, self.headers)
        except Exception:  # pragma: no cover - a bug in the mock site itself
            traceback.print_exc()
            status, headers, body = 500, {"Content-Type": "text/plain"}, b"mockserver error"
        self.server.log_request_json(self.command, self.path, dict(self.headers.items()), status)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304 and "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if callable(body):  # writes (part of) the body itself, then the connection is closed
            self.close_connection = True
            if send_body:
                body(self.wfile)
        elif send_body and status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request stderr logging."""


class MockServer:
    """Run the mock site in a subprocess for the duration of a ``with`` block."""

    def __init__(self, state: dict[str, Any] | None = None, timeout: float = 15.0) -> None:
        self._initial_state = state or {}
        self._timeout = timeout
        self.base = ""
        self.proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> MockServer:
        self._tmp = tempfile.TemporaryDirectory(prefix="mockserver-")
        self.log_path = Path(self._tmp.name) / "requests.jsonl"
        self.log_path.touch()
        self.state_path = Path(self._tmp.name) / "state.json"
        self.set_state(self._initial_state)
        cmd = [sys.executable, "-m", "tests.mockserver", "--port", "0",
               "--log", str(self.log_path), "--state", str(self.state_path)]
        self.proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], self._timeout)
        line = self.proc.stdout.readline().strip() if ready else ""
        if not line.startswith("http://127.0.0.1:"):
            self._stop()
            raise RuntimeError(f"mock server did not start (got {line!r})")
        self.base = line
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop()

    def _stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stdout:
                self.proc.stdout.close()
            self.proc = None
        self._tmp.cleanup()

    def url(self, path: str = "/") -> str:
        """Absolute URL for ``path`` on the running server."""
        return self.base + (path if path.startswith("/") else "/" + path)

    def requests(self) -> list[dict[str, Any]]:
        """All logged requests, oldest first."""
        lines = self.log_path.read_text("utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def paths(self) -> list[str]:
        """Requested paths (with query string) in request order."""
        return [r["path"] for r in self.requests()]

    def reset_log(self) -> None:
        """Forget all logged requests (the server appends with O_APPEND)."""
        self.log_path.write_text("", "utf-8")

    def set_state(self, state: dict[str, Any]) -> None:
        """Atomically replace the state, e.g. ``{"articles": {path: {"paragraphs": [...]}}}``."""
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=False), "utf-8")
        os.replace(tmp, self.state_path)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point: ``python -m tests.mockserver --port 0 --log FILE``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--log", help="append one JSON line per request to this file")
    parser.add_argument("--state", help="optional JSON file overriding article fields")
    args = parser.parse_args(argv)
    server = MockHTTPServer(("127.0.0.1", args.port), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    server.site = Site(base, args.state)
    if args.log:
        server.log_file = open(args.log, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the server
    print(base, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
