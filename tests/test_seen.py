"""The disk-backed set of requested URLs, the dupefilter on it, and the disk
queue of pending requests in a real crawl."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.frontier.dupefilter import DiskDupeFilter, seen_store
from crawler.frontier.fingerprint import CanonicalRequestFingerprinter, key_fingerprint
from crawler.frontier.seen import SeenStore
from crawler.frontier.urls import url_key
from tests.conftest import FAST, run_crawler


def test_store_is_an_exact_set() -> None:
    store = SeenStore()
    fps = [hashlib.sha1(str(i).encode()).digest() for i in range(25_000)]
    assert all(store.add(fp) for fp in fps)  # past one transaction's worth
    assert not any(store.add(fp) for fp in fps[::7])
    assert fps[123] in store and b"other" not in store
    assert len(store) == 25_000
    store.close()
    store.close()  # twice is harmless


def test_store_in_a_file_persists(tmp_path: Path) -> None:
    path = str(tmp_path / "seen.sqlite")
    store = SeenStore(path)
    store.add(b"a")
    store.close()
    again = SeenStore(path)
    assert len(again) == 1 and not again.add(b"a") and again.add(b"b")
    again.close()


def test_spider_key_fingerprint_is_the_request_fingerprint() -> None:
    fp = CanonicalRequestFingerprinter.from_crawler(
        get_crawler(settings_dict={"CRAWLER_TRACKING_PREFIXES": ["utm_"]}))
    url = "https://x.example/a?utm_source=y&b=1#frag"
    assert fp.fingerprint(Request(url)) == key_fingerprint(url_key(url))


def test_dupefilter_shares_the_spiders_store() -> None:
    crawler = get_crawler(settings_dict={
        "REQUEST_FINGERPRINTER_CLASS": "crawler.frontier.fingerprint.CanonicalRequestFingerprinter",
        "EXTENSIONS": {"crawler.frontier.dupefilter.SeenRequests": 20}})
    df = DiskDupeFilter.from_crawler(crawler)
    store = seen_store(crawler)
    assert df.store is store
    first = Request("https://x.example/a")
    assert not df.request_seen(first)
    assert df.request_seen(Request("https://x.example/a#other"))  # same page
    # a link the spider recorded itself passes once, by its own URL
    key = url_key("https://x.example/b")
    assert store.add(key_fingerprint(key))
    linked = Request("https://x.example/b", meta={"seen_added": "https://x.example/b"})
    assert not df.request_seen(linked)
    # a redirect keeps the meta but not the URL: looked up like any request
    moved = linked.replace(url="https://x.example/a")
    assert df.request_seen(moved)
    df.close("finished")
    assert crawler.stats.get_value("dupefilter/fingerprints") == 2


def test_crawl_queues_on_disk_and_fetches_each_url_once(mockserver, tmp_path: Path) -> None:
    result = run_crawler("crawl", mockserver.url("/"), "-o", str(tmp_path), "--job", "q",
                         "--verbose", *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    stats = result.stderr
    enqueued = int(re.search(r"'scheduler/enqueued/disk': (\d+)", stats).group(1))
    assert enqueued > 20
    assert "scheduler/enqueued/memory" not in stats and "unserializable" not in stats
    assert re.search(r"'dupefilter/fingerprints': \d+", stats)
    assert not (tmp_path / "q" / "queue").exists()  # removed when the run finished
