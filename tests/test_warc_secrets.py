"""Secrets the user configured never reach the WARC request records (a real
crawl of the mock site, read back with warcio), and output file names built
from job names, hosts and prefixes stay inside the output folder."""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.jobs import job_dir, job_name_for, safe_name
from crawler.warc import HttpRequestData, HttpResponseData, RollingWarcWriter, warc_filename
from tests.conftest import ROOT, run_crawler
from tests.mockserver import SESSION_COOKIE

USER, PASSWORD = "archivist", "pw-9d41e7"
API_KEY, TOKEN, PROXY = "apikey-5c2b88", "token-a71f03", "proxy-cred-e4d5"
SECRETS = [PASSWORD, base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode(), API_KEY, TOKEN,
           PROXY]
HEADERS = {"X-Api-Key": API_KEY, "X-Auth-Token": TOKEN, "Proxy-Authorization": f"Basic {PROXY}",
           "Accept": "text/html"}


def crawl(mockserver, out: Path, *settings: str) -> Path:
    """``scrapy crawl article`` (plain Scrapy: spider arguments set http_user and
    http_pass) of /session.html (sets a cookie) and the home page, cookies on."""
    seeds = f"{mockserver.url('/session.html')},{mockserver.url('/')}"
    args = [sys.executable, "-m", "scrapy", "crawl", "article", "-a", f"start={seeds}",
            "-a", f"http_user={USER}", "-a", f"http_pass={PASSWORD}",
            "-s", f"CRAWLER_OUTPUT_DIR={out}", "-s", "CRAWLER_JOB=secrets",
            "-s", "COOKIES_ENABLED=True", "-s", f"DEFAULT_REQUEST_HEADERS={json.dumps(HEADERS)}",
            "-s", "CLOSESPIDER_PAGECOUNT=6", "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
            "-s", "CRAWLER_EXTRACT_PROCESSES=0", "-s", "LOG_LEVEL=WARNING", *settings]
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300,
                            check=False,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert result.returncode == 0, result.stderr[-3000:]
    return out / "secrets" / "warc"


def records(warc_dir: Path) -> list:
    found = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                found.append((rec.rec_type, rec.rec_headers, rec.http_headers,
                              rec.content_stream().read()))
    return found


def warc_text(warc_dir: Path) -> str:
    return "".join(gzip.decompress(p.read_bytes()).decode("latin-1")
                   for p in warc_dir.glob("*.warc.gz"))


def test_request_secrets_are_redacted(mockserver, tmp_path: Path) -> None:
    mockserver.reset_log()
    warc_dir = crawl(mockserver, tmp_path)
    sent = mockserver.requests()
    # the secrets were sent on the wire: the crawl really used them
    auth = [r["headers"].get("Authorization") for r in sent]
    assert f"Basic {SECRETS[1]}" in auth
    assert any(r["headers"].get("X-Api-Key") == API_KEY for r in sent)
    assert any(r["headers"].get("Cookie") == f"session={SESSION_COOKIE}" for r in sent)
    found = records(warc_dir)
    requests = [http for rtype, _, http, _ in found if rtype == "request"]
    assert len(requests) >= 3
    for http in requests:
        # (Scrapy drops Proxy-Authorization itself when no proxy is used)
        for name in ("Authorization", "Proxy-Authorization", "X-Api-Key", "X-Auth-Token",
                     "Cookie"):
            assert http.get_header(name) in (None, "[redacted]"), (name, http)
        assert http.get_header("Accept") == "text/html"  # other headers as sent
    for name in ("Authorization", "X-Api-Key", "X-Auth-Token", "Cookie"):
        assert any(http.get_header(name) == "[redacted]" for http in requests), name
    text = warc_text(warc_dir)
    for secret in SECRETS:
        assert secret not in text  # nowhere in the WARC: no record, no warcinfo
    # Set-Cookie is part of the archived response: kept, as the server sent it
    session = [http for rtype, rec, http, _ in found if rtype == "response"
               and rec.get_header("WARC-Target-URI").endswith("/session.html")]
    assert session and session[0].get_header("Set-Cookie") == f"session={SESSION_COOKIE}; HttpOnly"


def test_secrets_kept_when_asked(mockserver, tmp_path: Path) -> None:
    warc_dir = crawl(mockserver, tmp_path, "-s", "CRAWLER_WARC_SECRETS_ENABLED=True")
    requests = [http for rtype, _, http, _ in records(warc_dir) if rtype == "request"]
    assert any(http.get_header("Authorization") == f"Basic {SECRETS[1]}" for http in requests)
    assert all(http.get_header("X-Api-Key") == API_KEY for http in requests)
    assert any(http.get_header("Cookie") == f"session={SESSION_COOKIE}" for http in requests)


def test_userinfo_never_in_the_host_header(tmp_path: Path) -> None:
    writer = RollingWarcWriter(tmp_path)
    writer.write_exchange(
        HttpRequestData(method="GET", url="http://user:pw-secret@news.example:8080/a",
                        headers=[("Accept", "*/*")]),
        HttpResponseData(status=200, headers=[("Content-Type", "text/plain")], body=b"x"))
    writer.close()
    (request,) = [http for rtype, _, http, _ in records(tmp_path) if rtype == "request"]
    assert request.get_header("Host") == "news.example:8080"


HOSTILE = ["../x", "../../etc/evil", "/abs/path", "a\x00b", "x" * 5000, "..", ".", "",
           "a/../../b", "..\\..\\win", "~root", "$HOME", "C:\\x", "\u202e.gz.exe", "CON"]


@pytest.mark.parametrize("value", HOSTILE)
def test_names_from_hostile_values_stay_inside(tmp_path: Path, value: str) -> None:
    out = tmp_path / "out"
    root = out.resolve()
    job = job_dir(_Settings(CRAWLER_OUTPUT_DIR=str(out), CRAWLER_JOB=value)).resolve()
    assert job.parent == root and job.name not in ("", ".", "..") and len(job.name) <= 100
    assert "\x00" not in job.name and "/" not in safe_name(value)
    assert job_name_for([f"http://{value}/"]) == safe_name(job_name_for([f"http://{value}/"]))
    name = warc_filename(value, 0, host=value, pid=1)
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith(".") and name.endswith(".warc.gz") and len(name) < 255
    warcs = out / "warc"
    writer = RollingWarcWriter(warcs, prefix=value)
    pointer = writer.write_exchange(
        HttpRequestData(method="GET", url="https://news.example/"),
        HttpResponseData(status=200, headers=[("Content-Type", "text/plain")], body=b"x"))
    writer.close()
    assert pointer.path.resolve().parent == warcs.resolve()
    assert [p.parent for p in warcs.iterdir()] == [warcs]
    assert {p.resolve() for p in tmp_path.rglob("*") if p.is_file()} <= \
        {p.resolve() for p in warcs.iterdir()}


class _Settings(dict):
    def get(self, key: str, default: object = None) -> object:  # Scrapy's Settings.get
        return super().get(key, default)


def test_crawl_with_hostile_job_name(mockserver, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_crawler("crawl", mockserver.url("/session.html"), "-o", str(out),
                         "--job", "../../escaped", "--max-pages", "2", "-q",
                         "-s", "CRAWLER_WARC_PREFIX=../../evil", "-s", "DOWNLOAD_DELAY=0",
                         "-s", "CRAWLER_EXTRACT_PROCESSES=0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    made = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert made and all(out.resolve() in p.resolve().parents for p in made), made
    assert [p.name for p in out.iterdir()] == ["escaped"]
    assert all(p.name.startswith("evil-") for p in (out / "escaped" / "warc").glob("*.warc.gz"))
