"""A crawl that meets consent walls, paywall teasers and block pages (the mock
site's ``/walls/`` corner, tests/mockwalls.py): they are not written as
articles, they are counted per site by reason, and the summary, the health
check and the report warn about them. The corner's feed dates an article that
gives no date itself: the feed's date travels with the request."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import urlsplit

import pytest

from crawler.report.health import sites_from_json
from crawler.state.store import read_runs
from tests import mockwalls
from tests.conftest import FAST, run_crawler

WALLS = ("blocked", "consent_wall", "paywall")


@pytest.fixture(scope="module")
def crawl(mockserver, tmp_path_factory):
    out = tmp_path_factory.mktemp("walls")
    summary = out / "summary.json"
    result = run_crawler("crawl", mockserver.url(mockwalls.INDEX), mockserver.url(mockwalls.FEED),
                         "-o", str(out), "--job",
                         "walls", "--max-depth", "1", "--summary-json", str(summary), *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    job = out / "walls"
    records = [json.loads(line) for f in sorted(job.glob("articles-*.jsonl"))
               for line in f.read_text("utf-8").splitlines()]
    return {"result": result, "job": job, "records": records, "out": out,
            "summary": json.loads(summary.read_text())}


def expected_walls() -> Counter[str]:
    return Counter(p["expected"]["reason"] for p in mockwalls.PAGES
                   if p["expected"]["reason"] in WALLS)


def test_only_the_articles_are_written(crawl) -> None:
    written = {urlsplit(r["url"]).path for r in crawl["records"]}
    assert written == {mockwalls.PREFIX + p["file"] for p in mockwalls.PAGES
                       if p["expected"]["reason"] is None} | {mockwalls.UNDATED}
    paywalled = [r for r in crawl["records"] if "paywall" in r["flags"]]
    assert [urlsplit(r["url"]).path for r in paywalled] == ["/walls/paywall_full.html"]


def test_a_feed_dates_the_article_that_gives_no_date(crawl) -> None:
    (record,) = [r for r in crawl["records"] if r["url"].endswith(mockwalls.UNDATED)]
    assert (record["published"], record["published_source"]) == (
        "2025-10-14T06:45:00Z", "feed")
    assert record["modified"] is None


def test_walls_are_counted_by_reason(crawl) -> None:
    dropped = crawl["summary"]["dropped"]
    assert {r: dropped.get(r, 0) for r in WALLS} == dict(expected_walls())
    runs = read_runs(crawl["job"] / "state.sqlite")
    (counts,) = sites_from_json(runs[-1].data["sites"]).values()
    assert {r: getattr(counts, r) for r in WALLS} == dict(expected_walls())


def test_the_summary_warns(crawl) -> None:
    warnings = crawl["summary"]["health_warnings"]
    expected = expected_walls()
    assert any(f"{expected['blocked']} block or challenge pages" in w for w in warnings)
    assert any(f"{expected['consent_wall']} consent walls" in w for w in warnings)
    assert any(f"{expected['paywall']} paywall teasers" in w for w in warnings)
    printed = crawl["result"].stdout + crawl["result"].stderr
    assert "health warning:" in printed and "block or challenge pages" in printed


def test_the_report_counts_them(crawl) -> None:
    report = crawl["out"] / "report.html"
    result = run_crawler("report", str(crawl["job"]), "-o", str(report))
    assert result.returncode == 0, result.stderr[-2000:]
    html = report.read_text("utf-8")
    sites = html.split('<section id="sites">', 1)[1].split("</table>", 1)[0]
    walls = sum(expected_walls().values())
    assert f'<td class="n" data-v="{walls}">{walls}</td>' in sites
    assert "block or challenge pages" in html  # the health warnings
