"""The job state store and the conditional-request middleware, without network."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from crawler.articles import assign_version
from crawler.downloadermiddlewares.state import JobStateMiddleware, parse_when
from crawler.extensions.jobstate import get_store
from crawler.jobs import parse_duration
from crawler.schema import Article
from crawler.state.store import Capture, StateStore
from crawler.urls import url_key
from tests.test_components import crawler_with

URL = "https://g.example/a.html"
NOW = datetime.now(timezone.utc)


def record(text: str = "Body text of the article.", **extra) -> dict:
    return {"url": URL, "text": text, "title": "T", "version": 1,
            "warc": {"filename": "warc/a.warc.gz", "offset": 1, "length": 2,
                     "record_id": "<urn:uuid:12345678-1234-1234-1234-123456789abc>"}, **extra}


def test_runs_resume_until_finished(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    first = StateStore(db)
    assert (first.run, first.resumed) == (1, False)
    first.close()
    again = StateStore(db)  # the first run never finished: resume it
    assert (again.run, again.resumed) == (1, True)
    again.finish_run("finished")
    again.close()
    assert StateStore(db).run == 2


def test_reconcile_records_lines_the_state_missed(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    store.record_article(url_key(URL), record(), NOW, Capture(etag='"e"'))
    other = "https://g.example/b.html"
    lines = [record(), record(url=other, fetched_at="2026-11-26T10:00:00.000Z"),
             record("New text.", version=2)]
    assert store.reconcile(lines, url_key) == 2  # b.html v1 and a.html v2; a.html v1 is known
    assert store.get(url_key(other)).written_run == store.run
    assert store.get(url_key(other)).fetched_at == datetime(2026, 11, 26, 10, tzinfo=timezone.utc)
    assert store.get(url_key(URL)).version == 2
    assert store.reconcile(lines, url_key) == 0  # idempotent


def test_record_touch_and_get(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.sqlite")
    cap = Capture(etag='"abc"', last_modified="Tue, 03 Nov 2026 08:00:00 GMT",
                  payload_digest="sha1:X", record_id="<urn:uuid:1>", uri=URL, date="2026-11-03")
    store.record_article(url_key(URL), record(), NOW - timedelta(days=2), cap)
    state = store.get(url_key(URL))
    assert state.capture == cap and state.version == 1 and state.written_run == store.run
    store.touch(url_key(URL), URL, NOW, None)
    assert store.get(url_key(URL)).fetched_at == NOW
    assert store.get(url_key(URL)).capture == cap


def test_versions(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.sqlite")
    first = Article(url=URL, text="One.", title="T")
    assert assign_version(first, store.get(url_key(URL))) is None and first.version == 1
    store.record_article(url_key(URL), first.to_dict() | {"warc": record()["warc"]}, NOW, None)
    same = Article(url=URL, text="One.", title="T", description="new teaser")
    assert assign_version(same, store.get(url_key(URL))) == "unchanged_text"
    changed = Article(url=URL, text="Two.", title="T2")
    assert assign_version(changed, store.get(url_key(URL))) is None
    assert changed.version == 2 and changed.changed_fields == ["title", "text"]
    assert changed.previous == record()["warc"]


def middleware(tmp_path: Path, recheck: str = "1d") -> tuple[JobStateMiddleware, StateStore]:
    crawler = crawler_with(CRAWLER_OUTPUT_DIR=str(tmp_path), CRAWLER_JOB="j",
                           CRAWLER_RECHECK_AFTER=recheck)
    return JobStateMiddleware.from_crawler(crawler), get_store(crawler)


def seed(store: StateStore, fetched: datetime, run: int) -> None:
    store.record_article(url_key(URL), record(), fetched,
                         Capture(etag='"e1"', last_modified="Mon, 02 Nov 2026 10:00:00 GMT",
                                 payload_digest="sha1:P", record_id="<urn:uuid:9>", uri=URL,
                                 date="2026-11-02T10:00:00Z"))
    store.db.execute("UPDATE pages SET written_run = ?", (run,))


def test_unknown_urls_and_listings_pass_untouched(tmp_path: Path) -> None:
    mw, _ = middleware(tmp_path)
    request = Request("https://g.example/")
    assert mw.process_request(request) is None
    assert b"If-None-Match" not in request.headers


def test_written_in_this_run_is_not_fetched_again(tmp_path: Path) -> None:
    mw, store = middleware(tmp_path)
    seed(store, NOW, store.run)
    with pytest.raises(IgnoreRequest, match="already written"):
        mw.process_request(Request(URL))


def test_not_due_until_recheck_after_or_newer_lastmod(tmp_path: Path) -> None:
    mw, store = middleware(tmp_path)
    seed(store, NOW - timedelta(hours=2), store.run - 1)
    with pytest.raises(IgnoreRequest, match="not due"):
        mw.process_request(Request(URL))
    newer = (NOW - timedelta(hours=1)).isoformat()
    request = Request(URL, meta={"lastmod": newer})
    mw.process_request(request)
    assert request.headers[b"If-None-Match"] == b'"e1"'
    assert request.headers[b"If-Modified-Since"] == b"Mon, 02 Nov 2026 10:00:00 GMT"
    assert request.meta["crawler_prev"]["record_id"] == "<urn:uuid:9>"


def test_due_after_recheck_after(tmp_path: Path) -> None:
    mw, store = middleware(tmp_path, recheck="1h")
    seed(store, NOW - timedelta(hours=2), store.run - 1)
    request = Request(URL)
    mw.process_request(request)
    assert b"If-None-Match" in request.headers


def test_durations_and_dates() -> None:
    assert [parse_duration(v) for v in ("30s", "15m", "6h", "1d", "1w", "0", 5)] == \
        [30, 900, 21600, 86400, 604800, 0, 5]
    with pytest.raises(ValueError):
        parse_duration("soon")
    assert parse_when("2026-11-03") == datetime(2026, 11, 3, tzinfo=timezone.utc)
    assert parse_when("Tue, 03 Nov 2026 08:00:00 GMT").hour == 8
    assert parse_when("not a date") is None
