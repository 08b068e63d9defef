"""The demo news site (``crawler/demo/site``) served the way a dynamic site
serves it, for making the foreign archives, on a loopback address: HTML pages in chunked transfer
coding to HTTP/1.1 clients and gzip-coded when the client accepts gzip (as
nginx with ``gzip on`` does), everything else with a Content-Length, ``/latest``
a 301 with an HTML body, and an HTML 404 page.

    python tests/data/foreign/make/site.py [HOST]   # prints http://HOST:PORT, serves until killed

HOST is a loopback address, 127.0.0.2 by default: warcprox refuses to proxy to
127.0.0.1 ("localhost access is not permitted") and has no option to allow it.
"""

from __future__ import annotations

import gzip
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

from crawler.demo.server import CONTENT_TYPES, NOT_FOUND_PAGE, PLACEHOLDER, SITE_ROOT  # noqa: E402

REDIRECTS = {"/latest": "/2026/11/harbour-bridge-reopens.html"}
MOVED_PAGE = ('<!DOCTYPE html>\n<html><head><title>301 Moved Permanently</title></head>\n'
              '<body><h1>Moved Permanently</h1><p>The document has moved '
              '<a href="{0}">here</a>.</p></body></html>\n')
CHUNK = 4096


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx/1.22.1"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path in REDIRECTS:
            target = REDIRECTS[path]
            self.send_page(301, MOVED_PAGE.format(target).encode(), "text/html; charset=utf-8",
                           [("Location", target)])
            return
        file = (SITE_ROOT / path.lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if SITE_ROOT.resolve() not in file.parents or not file.is_file():
            self.send_page(404, NOT_FOUND_PAGE.encode(), "text/html; charset=utf-8")
            return
        ctype, textual = CONTENT_TYPES.get(file.suffix, ("application/octet-stream", False))
        body = file.read_bytes()
        if textual:
            body = body.replace(PLACEHOLDER.encode(), f"http://{self.headers['Host']}".encode())
        self.send_page(200, body, ctype)

    def send_page(self, status: int, body: bytes, ctype: str,
                  extra: list[tuple[str, str]] | None = None) -> None:
        html = ctype.startswith("text/html")
        coded = html and "gzip" in (self.headers.get("Accept-Encoding") or "")
        chunked = html and self.request_version == "HTTP/1.1"
        if coded:
            body = gzip.compress(body, mtime=0)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in extra or []:
            self.send_header(name, value)
        if coded:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not chunked:
            self.wfile.write(body)
            return
        for start in range(0, len(body), CHUNK):
            piece = body[start:start + CHUNK]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")


def main() -> None:
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.2"
    server = ThreadingHTTPServer((host, 0), Handler)
    print(f"http://{host}:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
