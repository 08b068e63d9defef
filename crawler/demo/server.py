"""Stdlib-only static server for the bundled demo news site.

The site lives in ``site/`` next to this module.  Text files (HTML, XML, plain
text, CSS, JS) may contain the placeholder ``__BASE_URL__``; it is replaced at
serve time with the server's base URL (e.g. ``http://127.0.0.1:54321``) so that
canonical links, sitemaps and feeds point back at the running server.

Usage from Python::

    with DemoServer() as server:
        print(server.base_url)

or from the command line::

    python -m crawler.demo.server --port 8000
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import logging
import posixpath
import sys
import threading
from datetime import UTC
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

__all__ = ["MANIFEST", "PLACEHOLDER", "SITE_ROOT", "DemoServer", "main"]

logger = logging.getLogger(__name__)

#: Directory holding the static demo site.
SITE_ROOT: Path = Path(__file__).resolve().parent / "site"
#: What the site holds (its articles, the pages that are none), written beside it
#: by ``build_site.py``.
MANIFEST: Path = SITE_ROOT.parent / "manifest.json"

#: Placeholder replaced by the base URL in text responses.
PLACEHOLDER = "__BASE_URL__"

#: Suffix -> Content-Type.  Suffixes flagged ``True`` get placeholder substitution.
CONTENT_TYPES: dict[str, tuple[str, bool]] = {
    ".html": ("text/html; charset=utf-8", True),
    ".htm": ("text/html; charset=utf-8", True),
    ".xml": ("application/xml; charset=utf-8", True),
    ".txt": ("text/plain; charset=utf-8", True),
    ".css": ("text/css; charset=utf-8", True),
    ".js": ("text/javascript; charset=utf-8", True),
    ".json": ("application/json", True),
    ".png": ("image/png", False),
    ".jpg": ("image/jpeg", False),
    ".jpeg": ("image/jpeg", False),
    ".svg": ("image/svg+xml", False),
    ".ico": ("image/x-icon", False),
}

#: Specific files whose type differs from their suffix default.
SPECIAL_TYPES: dict[str, str] = {
    "feed.xml": "application/rss+xml; charset=utf-8",
}

NOT_FOUND_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Page not found | The Harbour Gazette</title>
<meta name="robots" content="noindex"></head>
<body><h1>Page not found</h1>
<p>Sorry, we couldn't find that page. It may have been moved or deleted.</p>
<p><a href="/">Return to the front page</a></p></body>
</html>
"""


def _resolve_request_path(raw_target: str, root: Path) -> tuple[Path | None, bool]:
    """Map a request target to a file below ``root``.

    Returns ``(path, redirect_to_slash)``.  ``path`` is ``None`` when the target
    is invalid, escapes ``root`` or does not exist.  ``redirect_to_slash`` is
    true when the target names a directory without a trailing slash.
    """
    url_path = urlsplit(raw_target).path
    if not url_path.startswith("/") or url_path.startswith("//"):
        return None, False
    decoded = unquote(url_path, errors="strict") if "%" in url_path else url_path
    if "\x00" in decoded or "\\" in decoded or decoded.startswith("//"):
        return None, False
    segments = decoded.split("/")[1:]
    # Reject dot segments (raw or percent-encoded) and empty inner segments.
    for i, seg in enumerate(segments):
        if seg in (".", ".."):
            return None, False
        if seg == "" and i != len(segments) - 1:
            return None, False
        if ":" in seg and i == 0:  # e.g. "/C:/..." on Windows
            return None, False
    rel = posixpath.join(*segments) if segments and segments != [""] else ""
    root = root.resolve()
    candidate = (root / rel).resolve() if rel else root
    if candidate != root and root not in candidate.parents:
        return None, False
    if candidate.is_dir():
        if not decoded.endswith("/"):
            return candidate, True
        candidate = candidate / "index.html"
    if not candidate.is_file():
        return None, False
    return candidate, False


class DemoRequestHandler(BaseHTTPRequestHandler):
    """Serves files from :data:`SITE_ROOT` with conditional-GET support."""

    server_version = "HarbourGazetteDemo/1.0"
    protocol_version = "HTTP/1.1"
    server: _DemoHTTPServer

    # -- logging: stay quiet -------------------------------------------------
    def log_message(self, format: str, *args: object) -> None:
        """Route access logs to ``logging`` at DEBUG level instead of stderr."""
        logger.debug("%s - %s", self.address_string(), format % args)

    # -- verbs ---------------------------------------------------------------
    def do_GET(self) -> None:
        """Handle GET."""
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        """Handle HEAD (same headers as GET, no body)."""
        self._serve(send_body=False)

    # -- implementation ------------------------------------------------------
    def _serve(self, send_body: bool) -> None:
        try:
            path, redirect = _resolve_request_path(self.path, self.server.site_root)
        except (UnicodeDecodeError, ValueError, OSError):
            path, redirect = None, False
        if path is None:
            self._send_not_found(send_body)
            return
        if redirect:
            location = urlsplit(self.path).path + "/"
            self._send_simple(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain; charset=utf-8",
                              send_body, extra={"Location": location})
            return

        content_type, substitute = CONTENT_TYPES.get(
            path.suffix.lower(), ("application/octet-stream", False)
        )
        content_type = SPECIAL_TYPES.get(path.name, content_type)
        body = path.read_bytes()
        if substitute:
            body = body.replace(PLACEHOLDER.encode(), self.server.base_url.encode())
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        mtime = int(path.stat().st_mtime)
        last_modified = email.utils.formatdate(mtime, usegmt=True)

        if self._not_modified(etag, mtime):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            self.send_header("Cache-Control", "max-age=60")
            self.end_headers()
            return

        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", last_modified)
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", "max-age=60")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        """Evaluate If-None-Match (preferred) or If-Modified-Since."""
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = [t.strip() for t in inm.split(",")]
            weak = [t[2:] if t.startswith("W/") else t for t in tags]
            return "*" in tags or etag in weak
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                since = email.utils.parsedate_to_datetime(ims)
            except (TypeError, ValueError, IndexError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return mtime <= int(since.timestamp())
        return False

    def _send_not_found(self, send_body: bool) -> None:
        self._send_simple(HTTPStatus.NOT_FOUND, NOT_FOUND_PAGE.encode("utf-8"),
                          "text/html; charset=utf-8", send_body)

    def _send_simple(self, status: HTTPStatus, body: bytes, content_type: str,
                     send_body: bool, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


class _DemoHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its site root and public base URL."""

    daemon_threads = True
    allow_reuse_address = True
    site_root: Path
    base_url: str

    def handle_error(self, request: object, client_address: object) -> None:
        """Log handler errors (e.g. client disconnects) quietly."""
        logger.debug("error while handling request from %s", client_address, exc_info=True)


class DemoServer:
    """Run the demo site on a local port, optionally in a background thread.

    ``port=0`` picks a free port; the actual one is available via :attr:`port`
    and :attr:`base_url` right after construction.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 site_root: Path | None = None) -> None:
        self.site_root = (site_root or SITE_ROOT).resolve()
        if not (self.site_root / "index.html").is_file():
            raise FileNotFoundError(f"demo site not found at {self.site_root}")
        self._httpd = _DemoHTTPServer((host, port), DemoRequestHandler)
        self._httpd.site_root = self.site_root
        self._httpd.base_url = self.base_url
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        """Host used in :attr:`base_url` (wildcard binds map to 127.0.0.1)."""
        host = str(self._httpd.server_address[0])
        return "127.0.0.1" if host in ("", "0.0.0.0") else host

    @property
    def port(self) -> int:
        """The bound TCP port."""
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """Base URL without trailing slash, e.g. ``http://127.0.0.1:54321``."""
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        """Absolute URL for a site path such as ``/world/``."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def start(self) -> DemoServer:
        """Serve in a daemon thread; returns ``self``."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                name=f"DemoServer:{self.port}", daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`stop` or KeyboardInterrupt."""
        self._httpd.serve_forever(poll_interval=0.25)

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None,
                 exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: serve the demo site in the foreground."""
    parser = argparse.ArgumentParser(description="Serve the Harbour Gazette demo site.")
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000, 0 = any)")
    args = parser.parse_args(argv)
    server = DemoServer(args.host, args.port)
    print(f"Serving The Harbour Gazette demo site at {server.base_url}/ (Ctrl-C to stop)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopping.", file=sys.stderr)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
