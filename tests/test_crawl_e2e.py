"""One end-to-end crawl of the local mock site, through the ``crawler`` CLI,
checked request by request, article by article, record by record."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.jsonl import iter_records, jsonl_files
from crawler.schema import validator
from crawler.state.store import read_runs
from tests.conftest import FAST as CRAWL_FAST
from tests.conftest import POOL, run_crawler
from tests.mockserver import MANIFEST

FAST = [*CRAWL_FAST, *POOL, "-s", "RETRY_TIMES=2"]
MAX_DEPTH = 3
CALENDAR = ["/calendar/2026/11/", "/calendar/2026/10/", "/calendar/2026/09/"]


@pytest.fixture(scope="module")
def crawl(mockserver, tmp_path_factory):
    out = tmp_path_factory.mktemp("archive")
    mockserver.reset_log()
    summary = out / "summary.json"
    result = run_crawler("crawl", mockserver.url("/"), "-o", str(out), "--job", "mock",
                         "--max-depth", str(MAX_DEPTH), "--summary-json", str(summary), *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    job = out / "mock"
    records = [json.loads(line) for f in sorted(job.glob("articles-*.jsonl"))
               for line in f.read_text("utf-8").splitlines()]
    return {"result": result, "job": job, "records": records,
            "requests": mockserver.requests(), "summary": json.loads(summary.read_text())}


def article_path(record: dict) -> str:
    """The article a record stands for: its path (the canonical page's record
    is written, never its AMP copy's, whichever was fetched first)."""
    return urlsplit(record["url"]).path


def test_requested_exactly_the_expected_urls(crawl) -> None:
    paths = [r["path"] for r in crawl["requests"]]
    counts = Counter(paths)
    expected = (set(MANIFEST["articles"]) | set(MANIFEST["not_articles"]) | set(CALENDAR)
                | set(MANIFEST["redirect_chain"]) | set(MANIFEST["canonical_duplicates"]))
    assert set(paths) == expected
    # the 500 page is retried twice; nothing else is fetched twice
    assert counts.pop("/broken.html") == 3
    assert {p: n for p, n in counts.items() if n > 1} == {}
    for path in MANIFEST["disallowed"]:
        assert path not in counts
    assert not [p for p in paths if "utm_" in p or "fbclid" in p or "gclid" in p]
    assert paths[0] == "/robots.txt"


def test_requests_identify_the_tool(crawl) -> None:
    agents = {r["headers"].get("User-Agent") for r in crawl["requests"]}
    assert len(agents) == 1
    assert agents.pop().startswith("crawler/")


def test_articles_are_exactly_the_expected_ones(crawl) -> None:
    by_path = Counter(article_path(r) for r in crawl["records"])
    assert dict(by_path) == {p: 1 for p in MANIFEST["articles"]}


def test_article_texts(crawl) -> None:
    for record in crawl["records"]:
        expected = MANIFEST["articles"][article_path(record)]
        assert record["title"] == expected["title"]
        for snippet in expected["must_have"]:
            assert snippet in record["text"], (record["url"], snippet)
        for junk in MANIFEST["must_not_have"] + expected.get("must_not_have", []):
            assert junk not in record["text"], (record["url"], junk)
        assert record["language"] == expected["lang"]
        assert record["authors"] == [expected["author"]]
        assert record["published"] is None or record["published"][:10] <= record["fetched_at"][:10]
        assert record["status"] == 200
        if expected.get("must_not_have"):
            assert record["comments"] and expected["must_not_have"][0][:30] in record["comments"]


def test_future_metadata_date_is_not_emitted(crawl) -> None:
    record = next(r for r in crawl["records"] if article_path(r) == "/articles/observatory.html")
    assert record["published"] is None or record["published"][:10] <= record["fetched_at"][:10]
    assert not (record["published"] or "").startswith("2031")


def test_every_record_validates(crawl) -> None:
    check = validator()
    for record in crawl["records"]:
        errors = [e.message for e in check.iter_errors(record)]
        assert errors == [], (record["url"], errors)


def _read_record(path: Path, offset: int, length: int):
    with open(path, "rb") as f:
        f.seek(offset)
        data = f.read(length)
    record = next(iter(ArchiveIterator(io.BytesIO(data))))
    return record, record.content_stream().read()


def test_warc_pointers_resolve_to_the_response_of_that_url(crawl) -> None:
    for record in crawl["records"]:
        ptr = record["warc"]
        rec, payload = _read_record(crawl["job"] / ptr["filename"], ptr["offset"], ptr["length"])
        assert rec.rec_type == "response"
        assert rec.rec_headers.get_header("WARC-Target-URI") == record["url"]
        assert rec.rec_headers.get_header("WARC-Record-ID") == ptr["record_id"]
        assert rec.http_headers.get_statuscode() == "200"
        assert payload  # the captured page


def warc_records(job: Path) -> list:
    out = []
    for path in sorted((job / "warc").glob("*.warc.gz")):
        with open(path, "rb") as f:
            for rec in ArchiveIterator(f):
                out.append((rec.rec_type, rec.rec_headers, rec.http_headers,
                            rec.content_stream().read()))
    return out


def test_warc_has_every_response_and_passes_warcio_check(crawl) -> None:
    job = crawl["job"]
    files = list((job / "warc").glob("*"))
    assert files and not [f for f in files if f.name.endswith(".open")]
    for f in files:
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(f)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    recs = warc_records(job)
    assert recs[0][0] == "warcinfo"
    responses = Counter(urlsplit(r[1].get_header("WARC-Target-URI")).path
                        for r in recs if r[0] == "response")
    fetched = Counter(r["path"] for r in crawl["requests"])
    assert responses == fetched  # every response received, each hop and retry included
    requests = [r for r in recs if r[0] == "request"]
    assert len(requests) == sum(fetched.values())
    ids = {r[1].get_header("WARC-Record-ID") for r in recs if r[0] == "response"}
    assert {r[1].get_header("WARC-Concurrent-To") for r in requests} == ids


def test_warc_keeps_status_lines_and_redirect_hops(crawl) -> None:
    status = {}
    for rec_type, headers, http, _ in warc_records(crawl["job"]):
        if rec_type == "response":
            status[urlsplit(headers.get_header("WARC-Target-URI")).path] = http
    chain = MANIFEST["redirect_chain"]
    assert [status[p].get_statuscode() for p in chain] == ["301", "302", "200"]
    assert status[chain[0]].get_header("Location")
    assert status["/missing.html"].get_statuscode() == "404"
    assert status["/broken.html"].get_statuscode() == "500"
    assert status["/files/annual-report.pdf"].get_header("Content-Type") == "application/pdf"
    assert status["/articles/cp1252.html"].get_header("Content-Type").endswith("windows-1252")


def test_warc_payload_bytes_are_what_the_server_sent(crawl, mockserver) -> None:
    import urllib.request

    for rec_type, headers, _http, payload in warc_records(crawl["job"]):
        uri = headers.get_header("WARC-Target-URI")
        if rec_type == "response" and uri.endswith((".pdf", "cp1252.html", "shift-jis.html")):
            with urllib.request.urlopen(uri) as live:
                assert payload == live.read()


def test_warc_keeps_content_encoding_consistent_with_bytes(crawl) -> None:
    import gzip

    for path in (crawl["job"] / "warc").glob("*.warc.gz"):
        with open(path, "rb") as f:
            found = [(r.http_headers, r.raw_stream.read()) for r in ArchiveIterator(f)
                     if r.rec_type == "response"
                     and r.rec_headers.get_header("WARC-Target-URI").endswith("library.html")]
        for http, payload in found:
            assert http.get_header("Content-Encoding") == "gzip"
            assert payload[:2] == b"\x1f\x8b"  # stored as sent: still gzip
            assert http.get_header("Content-Length") == str(len(payload))
            assert b"Central library" in gzip.decompress(payload)
            return
    raise AssertionError("no capture of the gzip-encoded article")


def test_summary(crawl) -> None:
    summary = crawl["summary"]
    assert summary["finish_reason"] == "finished"
    assert summary["articles_written"] == len(MANIFEST["articles"])
    assert summary["pages_fetched"] == len(crawl["requests"])
    assert summary["responses_by_status"]["404"] == 1
    assert summary["responses_by_status"]["500"] == 3
    dropped = summary["dropped"]
    assert dropped["http_error"] == 2 and dropped["not_html"] == 1
    assert dropped["sitemap"] == 3 and dropped["feed"] == 2 and dropped["robots"] == 1
    assert dropped["duplicate"] == 1  # the AMP copy of harbour
    out = crawl["result"].stdout
    assert "articles written: 14" in out and "WARC:" in out and "JSON lines:" in out


def test_a_small_extraction_backlog_pauses_and_loses_nothing(mockserver, tmp_path) -> None:
    """The crawl with downloads paused whenever more than one page waits for an
    extraction worker: the same articles, and the pauses happened."""
    result = run_crawler("crawl", mockserver.url("/"), "-o", str(tmp_path), "--job", "mock",
                         "--max-depth", str(MAX_DEPTH), *FAST, "-s", "CRAWLER_EXTRACT_BACKLOG=1",
                         "-s", "CRAWLER_EXTRACT_PROCESSES=1")
    assert result.returncode == 0, result.stderr[-3000:]
    records = iter_records(jsonl_files([tmp_path / "mock"]), all_versions=True)
    assert sorted(article_path(r) for r in records) == sorted(MANIFEST["articles"])
    (run,) = read_runs(tmp_path / "mock" / "state.sqlite")
    assert run.reason == "finished"
    assert run.data["stats"]["extract/backlog_pauses"] >= 1


def test_a_second_fresh_crawl_writes_the_same_articles(crawl, mockserver, tmp_path: Path) -> None:
    """Same input, same output: the timing of fetches and extractions (which of
    an article and its AMP copy comes first, which pages a site's hold has seen)
    does not change which URLs are written nor their texts."""
    result = run_crawler("crawl", mockserver.url("/"), "-o", str(tmp_path), "--job", "again",
                         "--max-depth", str(MAX_DEPTH), "-s", "CONCURRENT_REQUESTS=3", *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    again = [json.loads(line) for f in sorted((tmp_path / "again").glob("articles-*.jsonl"))
             for line in f.read_text("utf-8").splitlines()]
    assert ({(urlsplit(r["url"]).path, r["text"]) for r in again}
            == {(urlsplit(r["url"]).path, r["text"]) for r in crawl["records"]})


def test_the_article_bar_reaches_the_extraction_workers(mockserver, tmp_path) -> None:
    """A bar no page reaches, set on the command line: the crawl fetches and
    archives as before and writes no article; the pages are dropped by the
    article rule (in the worker processes, which get the setting too)."""
    result = run_crawler("crawl", mockserver.url("/"), "-o", str(tmp_path), "--job", "strict",
                         "--max-depth", str(MAX_DEPTH), *FAST,
                         "-s", "CRAWLER_EXTRACT_PROCESSES=1",
                         "-s", "CRAWLER_ARTICLE_MIN_PROBABILITY=1")
    assert result.returncode == 0, result.stderr[-3000:]
    assert not list(iter_records(jsonl_files([tmp_path / "strict"]), all_versions=True))
    (run,) = read_runs(tmp_path / "strict" / "state.sqlite")
    stats = run.data["stats"]
    rejected = sum(stats.get(f"extract/dropped/{reason}", 0)
                   for reason in ("not_article", "listing_page", "service_page"))
    assert rejected >= len(MANIFEST["articles"])
    assert "articles written: 0" in result.stdout
