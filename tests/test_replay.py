"""Replay: a crawl's WARCs give back the crawl's own articles, offline."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.warc.reader import Archive, find_archives, iter_pages
from tests.conftest import FAST, ROOT, run_cli, run_crawler
from tests.corpuswarcs import response_record

NO_NETWORK = """
import socket, sys
def refuse(*a, **k):
    raise OSError("network access during replay")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from crawler.cli import main
main(sys.argv[1:])
"""


def offline_crawler(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", NO_NETWORK, *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def crawled(mockserver, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("replay")
    result = run_crawler("crawl", mockserver.url("/"), "-o", str(out), "--job", "j",
                         "--max-depth", "3", *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    return out / "j"


def test_replay_offline_gives_the_crawls_articles(crawled: Path) -> None:
    out = crawled / "replayed.jsonl"
    result = offline_crawler("replay", str(crawled / "warc"), "-o", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "network access" not in result.stderr
    crawl = {r["url"]: r for f in crawled.glob("articles-*.jsonl") for r in lines(f)}
    replayed = {r["url"]: r for r in lines(out)}
    assert len(crawl) == 14
    assert set(replayed) == set(crawl)
    for url, record in crawl.items():
        again = replayed[url]
        assert again["text"] == record["text"], url
        assert again["title"] == record["title"]
        assert again["warc"] == record["warc"]  # relative to the output's folder, like the crawl's
        assert again["fetched_at"] == record["fetched_at"]
        assert again["extractor"] == record["extractor"]
    assert "articles from" in result.stderr  # progress and summary on stderr


def test_replay_to_stdout_pipes(crawled: Path) -> None:
    result = offline_crawler("replay", "-q", "-o", "-", str(crawled))
    assert result.returncode == 0, result.stderr
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(records) == 14 and result.stderr == ""


def test_replay_reads_wacz(crawled: Path, tmp_path: Path) -> None:
    wacz = tmp_path / "crawl.wacz"
    with zipfile.ZipFile(wacz, "w", compression=zipfile.ZIP_STORED) as z:
        for warc in sorted((crawled / "warc").glob("*.warc.gz")):
            z.write(warc, f"archive/{warc.name}")
    result = offline_crawler("replay", "-q", str(wacz))
    assert result.returncode == 0, result.stderr
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(records) == 14
    assert all("crawl.wacz#archive/" in r["warc"]["filename"] for r in records)


def test_replay_errors_are_one_line(tmp_path: Path) -> None:
    result = run_cli("replay", str(tmp_path / "missing.warc.gz"))
    assert result.returncode == 2 and "no such file or folder" in result.stderr
    (tmp_path / "notes.txt").write_text("x")
    result = run_cli("replay", str(tmp_path / "notes.txt"))
    assert "not a WARC, ARC or WACZ file" in result.stderr and "Traceback" not in result.stderr


HTML = [("Content-Type", "text/html")]


def test_revisits_resolve_to_their_original(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True, warc_version="1.1")
        original = response_record(writer, "http://x.example/a", b"<html>the original</html>",
                                   HTML)
        writer.write_record(original)
        http = StatusAndHeaders("304 Not Modified", [], protocol="HTTP/1.1")
        revisit = writer.create_revisit_record(
            "http://x.example/a", original.rec_headers.get_header("WARC-Payload-Digest"),
            "http://x.example/a", original.rec_headers.get_header("WARC-Date"),
            http_headers=http)
        revisit.rec_headers.add_header("WARC-Refers-To",
                                       original.rec_headers.get_header("WARC-Record-ID"))
        writer.write_record(revisit)
    pages = list(iter_pages(Archive(path), "a.warc.gz"))
    assert [p.meta["record_type"] for p in pages] == ["response", "revisit"]
    assert pages[1].body == b"<html>the original</html>"


def test_truncated_warc_yields_what_it_has(tmp_path: Path) -> None:
    path = tmp_path / "t.warc.gz"
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True, warc_version="1.1")
        for i in range(3):
            writer.write_record(response_record(writer, f"http://x.example/{i}",
                                                b"<html>%d</html>" % i, HTML))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])
    pages = list(iter_pages(Archive(path), "t.warc.gz"))
    assert [p.url for p in pages] == ["http://x.example/0", "http://x.example/1"]
    assert find_archives([tmp_path]) == [Archive(path)]
    assert pages[0].fetched_at <= datetime.now(UTC)
