"""The job state store's contract (crawler.state.store.JobStore), run against
both stores a crawl may use: SQLite in one process, Redis over workers."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.state.store import Capture, JobStore, StateStore

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
_jobs = itertools.count()


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> JobStore:
    if request.param == "sqlite":
        s: JobStore = StateStore(tmp_path / "state.sqlite")
    else:
        from redis import Redis

        from crawler.distributed.keys import JobKeys
        from crawler.distributed.shared import RedisStateStore

        server = Redis.from_url(request.getfixturevalue("redis_url"))
        s = RedisStateStore(server, JobKeys(f"contract-{next(_jobs)}"))
    yield s
    s.close()


def record(url: str, text: str = "Body.", version: int = 1, **extra: object) -> dict:
    return {"url": url, "text": text, "title": "T", "version": version,
            "warc": {"filename": "w.warc.gz", "offset": 1, "length": 2, "record_id": "<urn:x>"},
            **extra}


def test_a_written_article_is_known_by_its_key(store: JobStore) -> None:
    assert store.get("k") is None and store.count() == 0
    store.record_article("k", record("https://a.example/"), NOW, Capture(etag='"e1"'))
    page = store.get("k")
    assert page is not None and page.url == "https://a.example/"
    assert (page.version, page.written_run, page.fetched_run) == (1, store.run, store.run)
    assert page.capture.etag == '"e1"' and page.article_warc["offset"] == 1
    assert page.fetched_at == NOW and store.count() == 1


def test_touch_moves_the_fetch_and_keeps_the_article(store: JobStore) -> None:
    store.record_article("k", record("https://a.example/"), NOW, Capture(etag='"e1"'))
    later = NOW + timedelta(hours=1)
    store.touch("k", "https://a.example/", later, None)
    page = store.get("k")
    assert page.fetched_at == later and page.capture.etag == '"e1"'
    assert page.fetched_run == store.run and page.version == 1
    store.touch("k", "https://a.example/", later, Capture(etag='"e2"'))
    assert store.get("k").capture.etag == '"e2"'
    store.touch("missing", "https://a.example/x", later, None)  # nothing to touch
    assert store.get("missing") is None


def test_a_dropped_page_is_a_capture_not_an_article(store: JobStore) -> None:
    store.record_dropped("d", record("https://a.example/d"), NOW, Capture(etag='"d"'))
    assert store.get("d").version == 0 and store.count() == 0
    store.record_article("w", record("https://a.example/w"), NOW, None)
    store.record_dropped("w", record("https://a.example/w"), NOW, None)  # never undoes an article
    assert store.get("w").version == 1 and store.count() == 1


def test_a_copy_settles_on_its_canonical_page(store: JobStore) -> None:
    store.record_article("copy", record("https://a.example/amp/p"), NOW, Capture(etag='"c"'),
                         canonical="page")
    assert store.copy_of("page").key == "copy"
    store.record_dropped("page", record("https://a.example/p"), NOW, Capture(etag='"p"'))
    assert store.settle("copy", "page")
    page = store.get("page")
    assert (page.version, page.capture.etag) == (1, '"p"')
    assert store.get("copy") is None and store.copy_of("page") is None
    assert not store.settle("copy", "page") and store.count() == 1


def test_a_finished_run_is_not_resumed(store: JobStore) -> None:
    run = store.run
    assert run >= 1
    store.finish_run("finished")
    assert store.run == run
