"""Tests for the bundled demo news site server (crawler.demo.server)."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from crawler.demo.server import MANIFEST as MANIFEST_FILE
from crawler.demo.server import DemoServer

MANIFEST = json.loads(MANIFEST_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as srv:
        yield srv


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None
          ) -> tuple[int, dict[str, str], bytes]:
    """Return (status, headers, body) without raising on HTTP errors."""
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def raw_status(server: DemoServer, target: str) -> int:
    """Send a request line verbatim (no client-side path normalisation)."""
    with socket.create_connection((server.host, server.port), timeout=5) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1])


def test_base_url(server: DemoServer) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}"
    assert server.port > 0


def test_home_page(server: DemoServer) -> None:
    status, headers, body = fetch(server.base_url + "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body)
    assert headers["ETag"] and headers["Last-Modified"]
    text = body.decode("utf-8")
    assert "The Harbour Gazette" in text
    assert "__BASE_URL__" not in text
    assert f'href="{server.base_url}/feed.xml"' in text


def test_article_page(server: DemoServer) -> None:
    art = MANIFEST["articles"][0]
    status, _, body = fetch(server.base_url + art["path"])
    assert status == 200
    text = body.decode("utf-8")
    assert f'<link rel="canonical" href="{server.base_url}{art["path"]}">' in text
    for sentence in art["must_have"]:
        assert sentence.replace("&", "&amp;") in text


def test_section_directory_and_redirect(server: DemoServer) -> None:
    status, _, body = fetch(server.base_url + "/world/")
    assert status == 200 and b"<h1>World</h1>" in body
    # Directory without trailing slash redirects (urllib follows it).
    status, _, body = fetch(server.base_url + "/tech")
    assert status == 200 and b"<h1>Tech</h1>" in body


def test_robots_txt_placeholder_substituted(server: DemoServer) -> None:
    status, headers, body = fetch(server.base_url + "/robots.txt")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    assert "__BASE_URL__" not in text
    assert "Disallow: /admin/" in text
    assert f"Sitemap: {server.base_url}/sitemap_index.xml" in text


def test_feed_and_sitemap_types(server: DemoServer) -> None:
    status, headers, body = fetch(server.base_url + "/feed.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    assert body.count(b"<item>") == 10 and b"__BASE_URL__" not in body
    status, headers, _ = fetch(server.base_url + "/sitemap_index.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")


def test_head_request(server: DemoServer) -> None:
    status, headers, body = fetch(server.base_url + "/about.html", method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) > 0


def test_404(server: DemoServer) -> None:
    status, headers, body = fetch(server.base_url + "/no/such/page.html")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"Page not found" in body


@pytest.mark.parametrize("target", [
    "/../pyproject.toml",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E/server.py",
    "/world/../../server.py",
    "/..%2fserver.py",
    "//etc/passwd",
    "/%2Fetc%2Fpasswd",
    "/..\\server.py",
])
def test_path_traversal_rejected(server: DemoServer, target: str) -> None:
    assert raw_status(server, target) == 404
    status, _, body = fetch(server.base_url + target)
    assert status == 404 and b"root:" not in body


def test_conditional_get(server: DemoServer) -> None:
    url = server.base_url + "/robots.txt"
    status, headers, _ = fetch(url)
    assert status == 200
    status, _, body = fetch(url, headers={"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""
    status, _, _ = fetch(url, headers={"If-Modified-Since": headers["Last-Modified"]})
    assert status == 304
    status, _, _ = fetch(url, headers={"If-None-Match": '"stale"'})
    assert status == 200
