"""Security of ``crawler serve`` (real pywb 2.10 from the tools venv, started
by the real command): no URL reads a file outside the archive, and archived
pages run sandboxed, unable to read the server's pages or script the replay
frame. What is and is not enforced is written down in docs/robustness.md,
"Security". Loopback binding is tested in tests/test_serve.py."""

from __future__ import annotations

import http.client
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest.mock import ANY

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.replay.pywb import SANDBOX_CSP, build_collection, collection_name
from tests import browser
from tests.conftest import ROOT
from tests.test_serve import children, free_port, listening

TS = "20240501000000"
SENTINEL = "sentinel-3b1f0c-not-in-any-archive"
EVIL = """<html><head><title>Evil</title></head><body><p>An archived page.</p><script>
function report(what) { new Image().src = '/__report__/' + encodeURIComponent(what); }
try { report('parent-read:' + parent.document.title); } catch (e) { report('parent-blocked'); }
try { report('cookie-read:' + document.cookie); } catch (e) { report('cookie-blocked'); }
fetch('ORIGIN/demo/').then(function (r) { return r.text(); }).then(
  function (t) { report('fetch-read:' + t.length); }, function (e) { report('fetch-blocked'); });
</script></body></html>"""
PAGE = "<html><head><title>Plain</title></head><body><p>A plain archived page.</p></body></html>"


def write_warc(path: Path, pages: dict[str, str]) -> None:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, html in pages.items():
        body = html.encode()
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict={"WARC-Date": "2024-05-01T00:00:00Z"}))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


class Served:
    """``crawler serve JOB --port N [--no-sandbox]`` with its output (pywb's
    request log included) in a file."""

    def __init__(self, job: Path, port: int, *extra: str) -> None:
        self.port, self.log = port, job.parent / f"serve-{port}.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "crawler.cli", "serve", str(job), "--port", str(port),
                 *extra], cwd=ROOT, env={**os.environ, "PYTHONWARNINGS": "ignore"},
                stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
        deadline = time.monotonic() + 120
        while "Press Ctrl-C" not in self.log.read_text(errors="replace"):
            assert self.proc.poll() is None, self.log.read_text()[-2000:]
            assert time.monotonic() < deadline, "crawler serve did not start"
            time.sleep(0.2)
        (wayback,) = children(self.proc.pid)
        argv = Path(f"/proc/{wayback}/cmdline").read_bytes().split(b"\0")
        self.root = Path(argv[argv.index(b"--directory") + 1].decode())

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """GET ``path`` sent exactly as given (no client-side normalization)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest("GET", path, skip_accept_encoding=True)
            conn.endheaders()
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            self.proc.wait(20)



@pytest.fixture(scope="module")
def served(tools_venv, tmp_path_factory):
    """A job whose WARC holds a hostile page, served sandboxed (the default);
    a sentinel file beside the job folder, in it and in pywb's own folder."""
    base = tmp_path_factory.mktemp("serve-security")
    port = free_port()
    job = base / "demo"
    write_warc(job / "warc" / "a.warc.gz", {
        "https://evil.example/": EVIL.replace("ORIGIN", f"http://127.0.0.1:{port}"),
        "https://news.example/plain.html": PAGE})
    (base / "secret.txt").write_text(SENTINEL)
    (job / "secret.txt").write_text(SENTINEL)
    server = Served(job, port)
    (server.root / "secret.txt").write_text(SENTINEL)
    (server.root / "collections" / "secret.txt").write_text(SENTINEL)
    try:
        yield server
    finally:
        server.stop()


TRAVERSALS = [
    "/../../../../../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/../../../../../../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%252e%252e/%252e%252e/%252e%252e/%252e%252e/etc/passwd",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/_/demo//etc/passwd",
    "/static/....//....//....//etc/passwd",
    "/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/..%2fsecret.txt",
    "/static/..%5csecret.txt", "/static/..\\secret.txt", "/static/_/demo/../../secret.txt",
    "/static/_/demo/..%2f..%2fsecret.txt", "/static/_/..%2f..%2fsecret.txt",
    "/static/_/../secret.txt", "/static/_/%2e%2e/collections/secret.txt",
    "/demo/../secret.txt", "/demo/%2e%2e/secret.txt", "/demo/..%2fsecret.txt",
    "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/%2e%2e%5csecret.txt",
    "/demo/..%2f..%2fdemo%2fsecret.txt", "/..%2f..%2fdemo%2fsecret.txt",
    "/..%2fcollections%2fdemo%2farchive%2fa.warc.gz", "/collections/demo/archive/a.warc.gz",
    "/demo/archive/a.warc.gz", "/demo/indexes/index.cdxj", "/config.yaml",
    "/static/../config.yaml", "/static/%2e%2e/config.yaml",
    f"/demo/{TS}id_/file:///etc/passwd", f"/demo/{TS}id_/file://localhost/etc/passwd",
    f"/demo/{TS}mp_/file:///etc/passwd", "/demo/*/file:///*",
    f"/%2e%2e/{TS}/https://news.example/plain.html",
    f"/..%2fdemo/{TS}id_/https://news.example/plain.html",
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_url_reads_outside_the_archive(served: Served, path: str) -> None:
    status, _, body = served.get(path)
    text = body.decode("latin-1")
    assert SENTINEL not in text, (path, status)
    assert "root:x:0:0" not in text, (path, status)
    assert "collections_root" not in text, (path, status)  # pywb's config.yaml
    assert not body.startswith(b"\x1f\x8b") and b"WARC/1." not in body, (path, status)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_served_pages_and_headers(served: Served) -> None:
    assert listening(served.port) == {"0100007F"}  # 127.0.0.1 only (the default)
    # the traversal test can see a file when one is served: pywb's static folder
    (served.root / "static").mkdir(exist_ok=True)
    (served.root / "static" / "ok.txt").write_text(SENTINEL)
    assert served.get("/static/ok.txt") == (200, ANY, SENTINEL.encode())
    status, _, body = served.get(f"/demo/{TS}id_/https://news.example/plain.html")
    assert status == 200 and body == PAGE.encode()  # the archive itself is served
    # the framed replay's content: archived bytes, sandboxed by its CSP header
    status, headers, body = served.get(f"/demo/{TS}mp_/https://news.example/plain.html")
    assert status == 200 and b"A plain archived page." in body
    csp = headers["Content-Security-Policy"]
    assert csp == SANDBOX_CSP
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert "allow-same-origin" not in directives["sandbox"]
    assert "allow-top-navigation" not in directives["sandbox"]
    assert directives["default-src"][-5:] == ["data:", "blob:", "mediastream:", "ws:", "wss:"]
    # the frame around it is pywb's own page: not sandboxed
    status, headers, body = served.get(f"/demo/{TS}/https://news.example/plain.html")
    assert status == 200 and b"wb_frame.js" in body and "Content-Security-Policy" not in headers
    # raw captures (id_) carry no CSP: pywb serves them as captured (documented)
    _, headers, _ = served.get(f"/demo/{TS}id_/https://evil.example/")
    assert "Content-Security-Policy" not in headers


def reports(server: Served, timeout: float = 10) -> set[str]:
    """What the hostile page's script reported (its requests in pywb's log)."""
    deadline = time.monotonic() + timeout
    found: set[str] = set()
    while time.monotonic() < deadline and len(found) < 3:
        for line in server.log.read_text(errors="replace").splitlines():
            if "/__report__/" in line:
                what = line.split("/__report__/", 1)[1].split(" ", 1)[0]
                found.add(what.replace("%3A", ":").split(":", 1)[0])
        time.sleep(0.2)
    return found


def test_archived_script_cannot_read_the_servers_pages(served: Served, tmp_path: Path,
                                                       chromium) -> None:
    page = browser.load(f"http://127.0.0.1:{served.port}/demo/{TS}/https://evil.example/",
                        settle=1.0)
    assert page.requests  # the replay frame loaded
    assert reports(served) == {"parent-blocked", "cookie-blocked", "fetch-blocked"}
    # the same page with pywb's default (--no-sandbox): the script reads both
    job = tmp_path / "demo"
    port = free_port()
    write_warc(job / "warc" / "a.warc.gz",
               {"https://evil.example/": EVIL.replace("ORIGIN", f"http://127.0.0.1:{port}")})
    open_server = Served(job, port, "--no-sandbox")
    try:
        assert "--no-sandbox" in open_server.log.read_text()
        browser.load(f"http://127.0.0.1:{port}/demo/{TS}/https://evil.example/", settle=1.0)
        assert reports(open_server) == {"parent-read", "cookie-read", "fetch-read"}
    finally:
        open_server.stop()


def test_collection_names_stay_inside_the_root(tools_venv, tmp_path: Path) -> None:
    warc = tmp_path / "x" / "warc" / "a.warc.gz"
    write_warc(warc, {"https://news.example/plain.html": PAGE})
    for bad in ("..", "../x", "/etc", "a/b", ".hidden", "", "a\x00b", "-x"):
        with pytest.raises(ValueError, match="bad collection name"):
            build_collection([warc], tmp_path / "root", bad)
    assert not (tmp_path / "x" / "collections").exists() and not (tmp_path / "etc").exists()
    for folder, expected in (("..", None), ("a..b", "a-b"), ("../..", None), ("x y/", "x-y"),
                             ("é-job", "é-job"), ("...", "crawl")):
        name = collection_name([tmp_path / "jobs" / folder])
        assert name == expected or expected is None
        assert name and "/" not in name and ".." not in name and not name.startswith(".")
