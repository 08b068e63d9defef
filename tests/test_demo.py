"""The README's first command: ``crawler demo`` crawls the bundled site."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.server import MANIFEST as MANIFEST_FILE
from crawler.schema import validator
from tests.conftest import ROOT, run_crawler

MANIFEST = json.loads(MANIFEST_FILE.read_text("utf-8"))
COMMENT_MARKERS = ["Reader comments", "Leserkommentare", "Log in or create a free account"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = run_crawler("demo", "-o", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(line) for f in (out / "demo").glob("articles-*.jsonl")
               for line in f.read_text("utf-8").splitlines()]
    return result, out / "demo", records


def test_demo_prints_where_output_went(demo) -> None:
    result, job, _ = demo
    assert "Demo site served at http://127.0.0.1:" in result.stdout
    assert f"articles written: {len(MANIFEST['articles'])}" in result.stdout
    assert str(job / "warc") in result.stdout and ".jsonl" in result.stdout
    assert "Traceback" not in result.stderr


def test_demo_articles(demo) -> None:
    _, _, records = demo
    expected = {a["path"]: a for a in MANIFEST["articles"]}
    assert sorted(urlsplit(r["url"]).path for r in records) == sorted(expected)
    check = validator()
    for record in records:
        article = expected[urlsplit(record["url"]).path]
        assert not list(check.iter_errors(record))
        assert record["title"] == article["title"]
        assert record["authors"] == [article["author"]]
        assert (record["published"] or "")[:10] == article["published"][:10]
        assert record["language"] == article["lang"]
        for sentence in article["must_have"]:
            assert sentence in record["text"]
        for junk in MANIFEST["must_not_have"]:
            assert junk not in record["text"], (record["url"], junk)
        for marker in COMMENT_MARKERS:
            assert marker not in record["text"]
        assert record["warc"]["filename"].startswith("warc/")


def test_demo_never_fetches_disallowed(demo) -> None:
    _, job, _ = demo
    uris = []
    for path in (job / "warc").glob("*.warc.gz"):
        with open(path, "rb") as f:
            uris += [r.rec_headers.get_header("WARC-Target-URI")
                     for r in ArchiveIterator(f) if r.rec_type == "response"]
    assert uris and not [u for u in uris if urlsplit(u).path.startswith("/admin")]
    assert len(uris) == len(set(uris))  # nothing fetched twice


def test_plain_scrapy_crawl_from_project_root(tmp_path) -> None:
    """``scrapy crawl article -a start=URL`` works from the project root (scrapy.cfg)."""
    import subprocess
    import sys

    from crawler.demo.server import DemoServer

    with DemoServer() as server:
        server.start()
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "article", "-a", f"start={server.base_url}/",
             "-s", f"CRAWLER_OUTPUT_DIR={tmp_path}", "-s", "DOWNLOAD_DELAY=0",
             "-s", "AUTOTHROTTLE_ENABLED=0", "-L", "WARNING"],
            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    jsonl = list(tmp_path.glob("*/articles-*.jsonl"))
    assert len(jsonl) == 1
    assert len(jsonl[0].read_text("utf-8").splitlines()) == len(MANIFEST["articles"])
    assert list(tmp_path.glob("*/warc/*.warc.gz"))


def test_demo_again_shows_a_first_crawl_again(demo) -> None:
    _result, job, _ = demo
    again = run_crawler("demo", "-o", str(job.parent))
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"articles written: {len(MANIFEST['articles'])}" in again.stdout
    assert again.stderr.strip() == ""  # nothing but the summary
    assert len(list(job.glob("articles-*.jsonl"))) == 1
