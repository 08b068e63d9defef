"""The hostile corner of the mock site: pages under ``/hostile/`` broken or
malicious in the ways real sites are (mislabelled charsets, a 10 MB page, a
gzip bomb, binary bytes served as HTML, a body shorter than its
Content-Length, an endless redirect loop, a stalling server, 429 and 503 with
and without ``Retry-After``, HTML nested 5,000 levels deep, an empty body,
odd URLs and an IDN host).

Only ``/hostile/`` links to them and no page of the regular site links to
``/hostile/``: crawls of the regular site never see them, and
``tests/test_hostile.py`` crawls from ``/hostile/``. :class:`Hostile` keeps
per-path state (how often a rate-limited page was asked for, and when it may
be asked again) in the server process, and enforces ``Retry-After``: a retry
that comes too early gets another 429.
"""

from __future__ import annotations

import gzip
import html
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import IO, Any
from urllib.parse import urlsplit

PREFIX = "/hostile/"
#: Seconds a 429 asks for, as delay-seconds and as an HTTP date (whole seconds).
RETRY_AFTER_SECONDS = 2
RETRY_AFTER_DATE_SECONDS = 3
#: 503 answers before the page is served.
UNAVAILABLE_TIMES = 2
#: The stalling page sends its headers and this many bytes, then nothing.
STALL_SENT = 512
STALL_SECONDS = 60
#: The truncated page declares its full length and sends this share of it.
TRUNCATED_SHARE = 0.4
#: The gzip bomb: this many gzip members of 16 MiB of zeros each (4 GiB).
BOMB_MEMBER_SIZE = 16 * 1024 * 1024
BOMB_MEMBERS = 256
BIG_SIZE = 10 * 1024 * 1024
DEEP_LEVELS = 5000
IDN_HOST = "bücher.localhost"
#: The sentence every charset page carries: it has a character of each kind.
CHARSET_SENTENCE = "The café on the quay – “Zoë’s” – charges €4 for a crème brûlée."

_SUBJECTS = ["The harbour master", "A ferry captain", "The town council", "Local fishermen",
             "The museum curator", "Residents of the old quay", "The lifeboat crew",
             "A spokeswoman for the port", "The head teacher", "Market traders"]
_VERBS = ["said on Tuesday that", "warned that", "confirmed that", "argued that",
          "told the Courier that", "announced that", "insisted that", "admitted that"]
_CLAUSES = ["the new terminal would open in spring", "the storm had damaged three piers",
            "the budget for the bridge had doubled", "night ferries would return in May",
            "the fish market would move to the east bank", "tide tables were being revised",
            "the old warehouse would become a library", "parking fees would rise next year",
            "the sea wall needed urgent repairs", "a second lifeboat station was planned"]

Response = tuple[int, dict[str, str], Any]  # body: bytes, or a writer of the socket


def story(key: str, paragraphs: int = 5) -> list[str]:
    """Paragraphs unique to ``key`` (site-template learning must keep them)."""
    rnd = random.Random(key)
    return [" ".join(f"{rnd.choice(_SUBJECTS)} {rnd.choice(_VERBS)} {rnd.choice(_CLAUSES)}."
                     for _ in range(3)) + f" ({key}, part {i + 1}.)" for i in range(paragraphs)]


def first_sentence(key: str) -> str:
    """A snippet the article of ``key`` must contain."""
    return story(key)[0].split(".")[0] + "."


def article_html(title: str, paragraphs: list[str], *, head: str = "", before: str = "",
                 after: str = "", close: str = "") -> str:
    """An article page; ``before``/``close`` wrap the article, ``after`` follows it."""
    body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html>\n<html lang="en"><head>{head}<title>{html.escape(title)}</title>\n'
            '<meta property="og:type" content="article">\n'
            '<meta name="author" content="Hostile Desk">\n</head>\n<body>\n'
            f'<nav><a href="{PREFIX}">Hostile index</a></nav>\n{before}'
            f"<article><h1>{html.escape(title)}</h1>\n{body}\n</article>{close}\n{after}"
            "<footer>The Alder Bay Courier</footer>\n</body></html>\n")


def page(key: str, title: str, **kwargs: str) -> str:
    return article_html(title, story(key), **kwargs)


def _charset_page(key: str, title: str, head: str = "") -> str:
    paragraphs = story(key)
    paragraphs[1] = CHARSET_SENTENCE + " " + paragraphs[1]
    return article_html(title, paragraphs, head=head)


#: Odd URLs: the href on the index -> the path the crawler must request.
ODD_LINKS: dict[str, str] = {
    "odd path/a b.html": "/hostile/odd%20path/a%20b.html",
    "straße/ünïcødé.html": "/hostile/stra%C3%9Fe/%C3%BCn%C3%AFc%C3%B8d%C3%A9.html",
    "café.html": "/hostile/caf%C3%A9.html",
    "caf%C3%A9.html": "/hostile/caf%C3%A9.html",  # the same page, escaped already
    "100%.html": "/hostile/100%.html",  # a lone "%" stays as it is (WHATWG URL)
}

#: What tests/test_hostile.py checks, per page (paths as requested).
MANIFEST: dict[str, Any] = {
    "index": PREFIX,
    # pages that must become articles, with a snippet each
    "articles": {
        "/hostile/control.html": first_sentence("control"),
        "/hostile/charset/header-utf8-bytes-cp1252.html": CHARSET_SENTENCE,
        "/hostile/charset/header-latin1-meta-utf8.html": CHARSET_SENTENCE,
        "/hostile/charset/header-utf8-meta-cp1252.html": CHARSET_SENTENCE,
        "/hostile/charset/undeclared-cp1252.html": CHARSET_SENTENCE,
        "/hostile/big-inline.html": first_sentence("big-inline"),
        "/hostile/rate-limited.html": first_sentence("rate-limited"),
        "/hostile/rate-limited-date.html": first_sentence("rate-limited-date"),
        "/hostile/unavailable.html": first_sentence("unavailable"),
        "/hostile/deep.html": first_sentence("deep"),
        **{path: first_sentence(path) for path in set(ODD_LINKS.values())},
    },
    "idn_article": "/hostile/idn.html",
    "mislabelled": ["/hostile/charset/header-utf8-bytes-cp1252.html",
                    "/hostile/charset/header-latin1-meta-utf8.html",
                    "/hostile/charset/header-utf8-meta-cp1252.html"],
    "undeclared": ["/hostile/charset/undeclared-cp1252.html"],
    "big": ["/hostile/big-inline.html", "/hostile/big-markup.html"],
    "too_large": "/hostile/big-markup.html",
    "gzip_bomb": "/hostile/gzip-bomb.html",
    "binary": "/hostile/binary.html",
    "truncated": "/hostile/truncated.html",
    "loop_start": "/hostile/loop/1",
    "cycle": ["/hostile/cycle/a", "/hostile/cycle/b"],
    "stall": "/hostile/stall.html",
    "rate_limited": {"/hostile/rate-limited.html": RETRY_AFTER_SECONDS,
                     "/hostile/rate-limited-date.html": RETRY_AFTER_DATE_SECONDS},
    "unavailable": "/hostile/unavailable.html",
    "deep": "/hostile/deep.html",
    "empty": "/hostile/empty.html",
    "odd_links": ODD_LINKS,
}


class Hostile:
    """Serves ``/hostile/...``; ``base`` is the server's ``http://127.0.0.1:PORT``."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.port = urlsplit(base).port
        self.lock = threading.Lock()
        self.cache_lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.not_before: dict[str, float] = {}
        self._cache: dict[str, bytes] = {}

    def cached(self, name: str, build: Callable[[], bytes]) -> bytes:
        with self.cache_lock:
            if name not in self._cache:
                self._cache[name] = build()
            return self._cache[name]

    def respond(self, raw_path: str) -> Response:
        path = urlsplit(raw_path).path
        with self.lock:
            self.counts[path] += 1
            count = self.counts[path]
        utf8 = "text/html; charset=utf-8"
        if path in ODD_LINKS.values():
            return 200, {"Content-Type": utf8}, page(path, f"Odd URL {path}").encode()
        if path.startswith("/hostile/loop/"):
            n = int(path.rsplit("/", 1)[1])
            return 302, {"Location": f"/hostile/loop/{n + 1}"}, b""
        if path in MANIFEST["cycle"]:
            other = next(p for p in MANIFEST["cycle"] if p != path)
            return 302, {"Location": other}, b""
        if path in MANIFEST["rate_limited"]:
            return self.rate_limited(path)
        routes: dict[str, Callable[[], Response]] = {
            PREFIX: self.index,
            "/hostile/control.html": lambda: (200, {"Content-Type": utf8},
                                              page("control", "Control article").encode()),
            "/hostile/idn.html": lambda: (200, {"Content-Type": utf8},
                                          page("idn", "An IDN host").encode()),
            "/hostile/charset/header-utf8-bytes-cp1252.html": lambda: (
                200, {"Content-Type": utf8},
                _charset_page("cs1", "Header says UTF-8, bytes are windows-1252").encode("cp1252")),
            "/hostile/charset/header-latin1-meta-utf8.html": lambda: (
                200, {"Content-Type": "text/html; charset=iso-8859-1"},
                _charset_page("cs2", "Header says Latin-1, meta and bytes UTF-8",
                              head='<meta charset="utf-8">\n').encode("utf-8")),
            "/hostile/charset/header-utf8-meta-cp1252.html": lambda: (
                200, {"Content-Type": utf8},
                _charset_page("cs3", "Header says UTF-8, meta and bytes windows-1252",
                              head='<meta charset="windows-1252">\n').encode("cp1252")),
            "/hostile/charset/undeclared-cp1252.html": lambda: (
                200, {"Content-Type": "text/html"},
                _charset_page("cs4", "No charset anywhere, bytes windows-1252").encode("cp1252")),
            "/hostile/big-inline.html": lambda: (200, {"Content-Type": utf8},
                                                 self.cached("big-inline", big_inline)),
            "/hostile/big-markup.html": lambda: (200, {"Content-Type": utf8},
                                                 self.cached("big-markup", big_markup)),
            "/hostile/gzip-bomb.html": lambda: (
                200, {"Content-Type": utf8, "Content-Encoding": "gzip"},
                self.cached("bomb", gzip_bomb)),
            "/hostile/binary.html": lambda: (200, {"Content-Type": utf8}, binary_bytes()),
            "/hostile/truncated.html": self.truncated,
            "/hostile/stall.html": self.stall,
            "/hostile/unavailable.html": lambda: (
                (503, {"Content-Type": utf8}, b"<html><body>Busy</body></html>")
                if count <= UNAVAILABLE_TIMES else
                (200, {"Content-Type": utf8}, page("unavailable", "Back after a 503").encode())),
            "/hostile/deep.html": lambda: (200, {"Content-Type": utf8}, deep_page().encode()),
            "/hostile/empty.html": lambda: (200, {"Content-Type": utf8}, b""),
        }
        if path in routes:
            return routes[path]()
        return 404, {"Content-Type": utf8}, b"<html><body>Not found</body></html>"

    def warm_up(self) -> None:
        """Build the large bodies now, in the background (the index is asked for
        first), so that serving them later is only sending bytes."""
        def build() -> None:
            for name, make in (("big-inline", big_inline), ("big-markup", big_markup),
                               ("bomb", gzip_bomb)):
                self.cached(name, make)
        threading.Thread(target=build, daemon=True).start()

    def index(self) -> Response:
        self.warm_up()
        paths = [p for p in MANIFEST["articles"] if p.startswith("/hostile/")
                 and p not in ODD_LINKS.values()]
        paths += [MANIFEST[k] for k in ("too_large", "gzip_bomb", "binary", "truncated",
                                        "loop_start", "stall", "empty")]
        paths += [MANIFEST["cycle"][0]]
        links = [f'<li><a href="{html.escape(p)}">{html.escape(p)}</a></li>' for p in paths]
        links += [f'<li><a href="{html.escape(h)}">{html.escape(h)}</a></li>' for h in ODD_LINKS]
        idn = f"http://{IDN_HOST}:{self.port}{MANIFEST['idn_article']}"
        links.append(f'<li><a href="{idn}">An IDN host</a></li>')
        doc = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<title>Hostile input</title>\n"
               '<meta property="og:type" content="website"></head>\n'
               "<body><h1>Hostile input</h1><ul>\n" + "\n".join(links) + "\n</ul></body></html>\n")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, doc.encode()

    def rate_limited(self, path: str) -> Response:
        """429 until the Retry-After it gave has passed; a retry too early gets another."""
        now = time.time()
        with self.lock:
            deadline = self.not_before.get(path)
            if deadline is None or now < deadline:
                if deadline is None:
                    if path.endswith("-date.html"):
                        deadline = float(int(now + RETRY_AFTER_DATE_SECONDS))
                    else:
                        deadline = now + RETRY_AFTER_SECONDS
                    self.not_before[path] = deadline
                if path.endswith("-date.html"):
                    when = datetime.fromtimestamp(deadline, UTC)
                    value = format_datetime(when, usegmt=True)
                else:
                    value = str(max(1, int(deadline - now + 0.999)))
                return 429, {"Content-Type": "text/html; charset=utf-8", "Retry-After": value}, \
                    b"<html><body>Slow down</body></html>"
        key = path.rsplit("/", 1)[1].removesuffix(".html")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, \
            page(key, f"Served after a 429 ({key})").encode()

    def truncated(self) -> Response:
        body = page("truncated", "Cut short").encode()
        sent = int(len(body) * TRUNCATED_SHARE)

        def write(wfile: IO[bytes]) -> None:
            wfile.write(body[:sent])
            wfile.flush()

        return 200, {"Content-Type": "text/html; charset=utf-8",
                     "Content-Length": str(len(body))}, write

    def stall(self) -> Response:
        body = page("stall", "Never finishes").encode()

        def write(wfile: IO[bytes]) -> None:
            wfile.write(body[:STALL_SENT])
            wfile.flush()
            time.sleep(STALL_SECONDS)

        return 200, {"Content-Type": "text/html; charset=utf-8",
                     "Content-Length": str(len(body))}, write


def big_inline() -> bytes:
    """An article followed by 10 MB of inline JSON in scripts, as app-rendered
    news sites ship their state."""
    head = page("big-inline", "A 10 MB page of inline data").encode()
    chunk = ('<script type="application/json">{"items": ['
             + ",".join(f'{{"id": {i}, "teaser": "Read more from the harbour desk"}}'
                        for i in range(18000)) + "]}</script>\n").encode()
    scripts = chunk * ((BIG_SIZE - len(head)) // len(chunk))
    body = head.replace(b"<footer>", scripts + b"<footer>")
    return body + b" " * (BIG_SIZE - len(body))


def big_markup() -> bytes:
    """An article followed by 10 MB of comment markup: 100,000s of elements."""
    head = page("big-markup", "A 10 MB page of markup").encode()
    rows = []
    size = len(head)
    i = 0
    while size < BIG_SIZE - 100:
        row = (f'<li class="comment"><p class="who">Reader {i}</p>'
               f"<p>Comment number {i} on the harbour.</p></li>\n")
        rows.append(row)
        size += len(row)
        i += 1
    body = head.replace(b"<footer>", ('<ol class="comments">' + "".join(rows) + "</ol>")
                        .encode() + b"<footer>")
    return body[:BIG_SIZE] if len(body) > BIG_SIZE else body + b" " * (BIG_SIZE - len(body))


def gzip_bomb() -> bytes:
    """4 MiB on the wire, 4 GiB decompressed: identical gzip members of zeros
    (a gzip stream may hold several members; decompressors read them all)."""
    member = gzip.compress(b"\0" * BOMB_MEMBER_SIZE, compresslevel=9, mtime=0)
    return member * BOMB_MEMBERS


def binary_bytes() -> bytes:
    """A PNG signature and 64 KiB of noise, served as ``text/html; charset=utf-8``."""
    return b"\x89PNG\r\n\x1a\n" + random.Random(8).randbytes(65536)


def deep_page() -> str:
    """The article inside 5,000 nested ``<div>`` elements."""
    return page("deep", "Nested 5,000 levels deep", before="<div>" * DEEP_LEVELS,
                close="</div>" * DEEP_LEVELS)
