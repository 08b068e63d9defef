"""Re-runs of a job against the mock site, which answers conditional requests
and can change between runs: only what changed is emitted, and the WARC shows
how each article evolved."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.schema import validator
from tests.conftest import FAST as CRAWL_FAST
from tests.conftest import run_crawler
from tests.mockserver import ARTICLES_BY_PATH, MANIFEST, MockServer

FAST = [*CRAWL_FAST, "--max-depth", "3"]
ARTICLE = "/articles/library.html"
#: A promo the site adds to every article, inside the body, in words no lexicon knows.
PROMO = ("Word vandaag lid van de Kwispelclub en ontvang elke vrijdag de beste verhalen "
         "van de baai gratis in je brievenbus.")


def with_promo(paragraphs: list[str]) -> list[str]:
    return [*paragraphs[:2], PROMO, *paragraphs[2:]]


def run(server: MockServer, out: Path, *extra: str) -> dict:
    server.reset_log()
    summary = out / "summary.json"
    result = run_crawler("crawl", server.url("/"), "-o", str(out), "--job", "inc",
                         "--summary-json", str(summary), *FAST, *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"requests": server.requests(), "summary": json.loads(summary.read_text())}


def records(out: Path) -> list[dict]:
    return [json.loads(line) for f in sorted((out / "inc").glob("articles-*.jsonl"))
            for line in f.read_text("utf-8").splitlines()]


def warc_records(out: Path) -> list:
    found = []
    for path in sorted((out / "inc" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as f:
            for r in ArchiveIterator(f):
                found.append((r.rec_type, dict(r.rec_headers.headers), path))
    return found


@pytest.fixture(scope="module")
def site():
    with MockServer() as server:
        yield server


@pytest.fixture(scope="module")
def runs(site: MockServer, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("inc")
    site.set_state({})
    first = run(site, out)
    after_first = len(records(out))
    second = run(site, out, "--recheck-after", "0s")
    after_second = len(records(out))
    site.set_state({"articles": {ARTICLE: {"ad_copy": "Sponsored: a brand new advert."}}})
    third = run(site, out, "--recheck-after", "0s")
    after_third = len(records(out))
    # the site adds a promo block to every article: its template changed, no text did
    promoted = {path: {"paragraphs": with_promo(art["paragraphs"])}
                for path, art in ARTICLES_BY_PATH.items()}
    site.set_state({"articles": promoted})
    promo = run(site, out, "--recheck-after", "0s")
    after_promo = len(records(out))
    base = MANIFEST["articles"][ARTICLE]
    site.set_state({"articles": {**promoted, ARTICLE: {"paragraphs": with_promo(
        ["Correction: the library now opens until ten on weeknights, "
         "not nine, after a second volunteer drive."] + base["must_have"] * 2)}}})
    fourth = run(site, out, "--recheck-after", "0s")
    site.set_state({})
    return {"out": out, "runs": [first, second, third, promo, fourth],
            "counts": [after_first, after_second, after_third, after_promo, len(records(out))]}


def test_first_run_writes_every_article_as_version_1(runs) -> None:
    out = runs["out"]
    first = records(out)[: runs["counts"][0]]
    assert len(first) == len(MANIFEST["articles"])
    assert {r["version"] for r in first} == {1}
    assert all(r["previous"] is None and r["changed_fields"] is None for r in first)


def test_unchanged_rerun_fetches_listings_and_conditional_requests_only(runs) -> None:
    second = runs["runs"][1]
    assert runs["counts"][1] == runs["counts"][0]  # no new JSON line
    articles = {p for p in MANIFEST["articles"]}
    for req in second["requests"]:
        path = urlsplit(req["path"]).path
        if path in articles:
            headers = {k.lower(): v for k, v in req["headers"].items()}
            assert "if-none-match" in headers or "if-modified-since" in headers, path
            assert req["status"] == 304, path
    fetched_articles = {urlsplit(r["path"]).path for r in second["requests"]} & articles
    assert fetched_articles == articles
    assert second["summary"]["dropped"].get("not_modified") == len(articles)


def test_unchanged_rerun_writes_revisit_records(runs) -> None:
    recs = warc_records(runs["out"])
    revisits = [h for t, h, _ in recs if t == "revisit"]
    assert revisits
    originals = {h["WARC-Record-ID"]: h for t, h, _ in recs if t == "response"}
    for h in revisits:
        assert h["WARC-Profile"].endswith("/revisit/server-not-modified") or \
            h["WARC-Profile"].endswith("/revisit/identical-payload-digest")
        original = originals[h["WARC-Refers-To"]]
        assert original["WARC-Target-URI"] == h["WARC-Target-URI"]
        assert h["WARC-Refers-To-Target-URI"] == original["WARC-Target-URI"]
        assert h["WARC-Refers-To-Date"] == original["WARC-Date"]


def test_template_only_change_writes_no_new_line(runs) -> None:
    third = runs["runs"][2]
    assert runs["counts"][2] == runs["counts"][1]
    assert third["summary"]["dropped"].get("unchanged_text") == 1


def test_a_new_promo_on_every_page_of_a_known_site_writes_no_new_line(runs) -> None:
    promo = runs["runs"][3]
    assert runs["counts"][3] == runs["counts"][2]
    assert promo["summary"]["dropped"].get("unchanged_text") == len(MANIFEST["articles"])


def test_text_change_writes_version_2_with_previous(runs) -> None:
    out = runs["out"]
    assert runs["counts"][4] == runs["counts"][3] + 1
    new = records(out)[-1]
    assert urlsplit(new["url"]).path == ARTICLE
    assert new["version"] == 2 and "text" in new["changed_fields"]
    assert "title" not in new["changed_fields"]
    first = next(r for r in records(out) if r["url"] == new["url"] and r["version"] == 1)
    assert new["previous"] == first["warc"]
    assert "Correction: the library now opens until ten" in new["text"]
    assert "Kwispelclub" not in new["text"]
    assert not list(validator().iter_errors(new))
    check = run_crawler("check", str(out / "inc"))
    assert check.returncode == 0, check.stdout[-2000:]


def test_second_run_costs_less(runs) -> None:
    first, second = runs["runs"][0], runs["runs"][1]
    assert len(second["requests"]) <= len(first["requests"])
    by_status = Counter(r["status"] for r in second["requests"])
    assert by_status[304] == len(MANIFEST["articles"])


def test_killed_crawl_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    slow = ["-s", "DOWNLOAD_DELAY=0.25", "-s", "AUTOTHROTTLE_ENABLED=0",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "CRAWLER_TEMPLATE_HOLD_PAGES=3",
            "--max-depth", "3"]
    with MockServer() as server:
        argv = [sys.executable, "-m", "crawler.cli", "crawl", server.url("/"), "-o", str(tmp_path),
                "--job", "k", *slow]
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        job = tmp_path / "k"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            written = sum(len(f.read_text("utf-8").splitlines())
                          for f in job.glob("articles-*.jsonl")) if job.exists() else 0
            if written >= 4:
                break
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        before = sum(len(f.read_text("utf-8").splitlines()) for f in job.glob("articles-*.jsonl"))
        assert 4 <= before < len(MANIFEST["articles"])
        result = run_crawler("crawl", server.url("/"), "-o", str(tmp_path), "--job", "k",
                             "-s", "DOWNLOAD_DELAY=0", *slow[2:], "--verbose")  # stats dump
        assert result.returncode == 0, result.stderr[-2000:]
    recs = [json.loads(line) for f in sorted(job.glob("articles-*.jsonl"))
            for line in f.read_text("utf-8").splitlines()]
    # the canonical page's line, never its AMP copy's
    paths = Counter(urlsplit(r["url"]).path for r in recs)
    assert paths == Counter({p: 1 for p in MANIFEST["articles"]})  # none lost, none twice
    assert {r["version"] for r in recs} == {1}
    # the resumed run did not fetch what the killed one had written
    assert f"'state/skipped_done': {before}," in result.stderr
    assert "Resuming run 1 of job k" in result.stderr
