"""The job state store and the conditional-request middleware, without network."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import DropItem, IgnoreRequest

from crawler.articles import assign_version
from crawler.downloadermiddlewares.state import JobStateMiddleware, parse_when
from crawler.extensions.jobstate import job_state
from crawler.frontier.urls import url_key
from crawler.jobs import parse_duration
from crawler.schema import Article
from crawler.state.store import Capture, StateStore
from tests.test_components import crawler_with

URL = "https://g.example/a.html"
NOW = datetime.now(UTC)


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
    assert store.get(url_key(other)).fetched_at == datetime(2026, 11, 26, 10, tzinfo=UTC)
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
    return JobStateMiddleware.from_crawler(crawler), job_state(crawler).store


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
    assert [parse_duration(v) for v in ("30s", "15m", "6h", "1d", "1w", "0", 5, "1h30m")] == \
        [30, 900, 21600, 86400, 604800, 0, 5, 5400]
    for bad in ("soon", "-5", "1h 30", ""):
        with pytest.raises(ValueError):
            parse_duration(bad)
    assert parse_when("2026-11-03") == datetime(2026, 11, 3, tzinfo=UTC)
    assert parse_when("Tue, 03 Nov 2026 08:00:00 GMT").hour == 8
    assert parse_when("not a date") is None


# An article and its AMP copy (rel=canonical names the article): which of the two
# pages the extraction workers hand back first is up to timing. Whichever it is,
# one JSON line is written and the job state knows the article by its canonical
# page, so the next run re-checks that page with a conditional request and drops
# the copy as a duplicate.
PAGE, COPY = "https://g.example/harbour.html", "https://g.example/amp/harbour.html"


def article(url: str, etag: str) -> Article:
    return Article(url=url, canonical_url=PAGE, title="Harbour", text="The harbour reopened.",
                   fetched_at="2026-11-26T10:00:00.000Z",
                   capture={"etag": etag, "payload_digest": f"sha1:{etag}"})


class Run:
    """One crawl of job ``j``: the job state, the writer (with its finisher) and
    the conditional-request middleware, driven through their hooks."""

    def __init__(self, out: Path) -> None:
        from crawler.pipelines.jsonlines import JsonLinesWriter

        self.crawler = crawler_with(CRAWLER_OUTPUT_DIR=str(out), CRAWLER_JOB="j",
                                    CRAWLER_TEMPLATE_ENABLED=False, CRAWLER_RECHECK_AFTER="0s")
        self.state = job_state(self.crawler)
        self.writer = JsonLinesWriter.from_crawler(self.crawler)
        self.writer.open_spider()
        self.middleware = JobStateMiddleware.from_crawler(self.crawler)

    def passes(self, item: Article) -> bool:
        """Given to the writer: False when dropped at once as a duplicate."""
        try:
            self.writer.process_item(item)
        except DropItem:
            return False
        return True

    def request(self, url: str) -> Request:
        request = Request(url)
        self.middleware.process_request(request)
        return request

    def close(self) -> None:
        self.writer.close_spider()
        self.state.spider_closed("finished")


def lines(out: Path) -> list[dict]:
    return [json.loads(line) for f in sorted((out / "j").glob("articles-*.jsonl"))
            for line in f.read_text("utf-8").splitlines()]


@pytest.mark.parametrize("order", ["page first", "copy first"])
def test_the_canonical_page_keeps_the_article_whichever_url_came_first(
        tmp_path: Path, order: str) -> None:
    first = Run(tmp_path)
    page, copy = article(PAGE, '"p1"'), article(COPY, '"c1"')
    if order == "page first":
        assert first.passes(page)
        assert not first.passes(copy)  # its page is written: a duplicate at once
    else:
        assert first.passes(copy)  # held until its page comes or the crawl ends
        assert lines(tmp_path) == []
        assert first.passes(page)
    first.close()
    assert [r["url"] for r in lines(tmp_path)] == [PAGE]

    second = Run(tmp_path)  # an unchanged re-run
    assert second.request(PAGE).headers[b"If-None-Match"] == b'"p1"'  # conditional: a 304
    assert b"If-None-Match" not in second.request(COPY).headers  # fetched in full ...
    assert not second.passes(article(COPY, '"c1"'))  # ... and dropped as a duplicate
    assert second.crawler.stats.get_value("dedup/dropped") == 1
    second.passes(article(PAGE, '"p1"'))  # a server that answers in full: same text, no line
    second.close()
    assert len(lines(tmp_path)) == 1  # no new line
    store = StateStore(tmp_path / "j" / "state.sqlite")
    assert store.get(url_key(COPY)) is None
    known = store.get(url_key(PAGE))
    assert (known.version, known.capture.etag, known.url) == (1, '"p1"', PAGE)
    assert known.article_warc == lines(tmp_path)[0]["warc"]  # the next version's `previous`
    assert store.count() == 1


def test_a_page_whose_copy_an_earlier_run_wrote_is_a_duplicate(tmp_path: Path) -> None:
    first = Run(tmp_path)  # the page itself was not reached
    assert first.passes(article(COPY, '"c1"'))
    first.close()  # the copy is written at the end
    second = Run(tmp_path)
    assert not second.passes(article(PAGE, '"p1"'))  # not a second line for the article
    assert second.request(COPY).headers[b"If-None-Match"] == b'"c1"'  # still the article's URL
    second.close()
    assert [r["url"] for r in lines(tmp_path)] == [COPY]
    assert StateStore(tmp_path / "j" / "state.sqlite").get(url_key(PAGE)).version == 0


def test_reconcile_knows_a_copy_line_settled_on_its_canonical_page(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.sqlite")
    line = record(url=COPY, canonical_url=PAGE)
    store.record_article(url_key(COPY), line, NOW, Capture(etag='"c1"'), url_key(PAGE))
    store.record_dropped(url_key(PAGE), record(url=PAGE), NOW, Capture(etag='"p1"'))
    assert store.copy_of(url_key(PAGE)).key == url_key(COPY)
    assert store.settle(url_key(COPY), url_key(PAGE))
    assert store.get(url_key(COPY)) is None and store.copy_of(url_key(PAGE)) is None
    # killed before the run was marked finished: the resumed run reconciles its lines
    assert store.reconcile([line], url_key, lambda r: url_key(r["canonical_url"])) == 0


def test_a_state_file_from_before_canonical_keys_opens(tmp_path: Path) -> None:
    import sqlite3

    db = sqlite3.connect(tmp_path / "s.sqlite")
    db.executescript("""
        CREATE TABLE runs (id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT,
                           reason TEXT);
        CREATE TABLE pages (key TEXT PRIMARY KEY, url TEXT NOT NULL, etag TEXT,
            last_modified TEXT, payload_digest TEXT, capture_record_id TEXT, capture_uri TEXT,
            capture_date TEXT, fetched_at TEXT NOT NULL, fetched_run INTEGER,
            version INTEGER NOT NULL DEFAULT 0, written_run INTEGER, article_warc TEXT,
            text_digest TEXT, fields TEXT);
        INSERT INTO runs VALUES (1, '2026-11-01T00:00:00+00:00', '2026-11-01T01:00:00+00:00',
                                 'finished');""")
    db.execute("INSERT INTO pages (key, url, fetched_at, version) VALUES (?, ?, ?, 1)",
               (url_key(URL), URL, NOW.isoformat()))
    db.commit()
    db.close()
    store = StateStore(tmp_path / "s.sqlite")
    assert store.run == 2 and store.get(url_key(URL)).canonical is None
    assert store.copy_of(url_key(URL)) is None
