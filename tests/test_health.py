"""Extraction health: the pure comparison of runs (crawler/report/health.py), and
runs of a job against the mock site where the pages change layout between
runs, so extraction comes out short: the warning shows in the crawl summary
and in the report; a run without change warns of nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.report.health import (
    HealthOptions,
    HealthWarning,
    SiteCounts,
    check,
    merge_sites,
    merge_stats,
    share,
)
from crawler.report.svg import esc
from crawler.state.store import read_runs
from tests.conftest import FAST as CRAWL_FAST
from tests.conftest import run_crawler
from tests.mockserver import ARTICLES, MANIFEST, MockServer

FAST = [*CRAWL_FAST, "--max-depth", "3", "--recheck-after", "0s"]
#: Every article page now carries one short paragraph: the story moved to an app.
BROKEN_LAYOUT = {"articles": {a["path"]: {"paragraphs": ["Read this story in our new app."]}
                              for a in ARTICLES}}


def counts(extracted: int = 0, short: int = 0, articles: int = 0, no_date: int = 0) -> SiteCounts:
    return SiteCounts(extracted=extracted, empty_or_short=short, articles=articles,
                      missing_published=no_date)


def test_share_is_none_when_nothing_was_counted() -> None:
    assert share(SiteCounts(), "empty_or_short") is None
    assert share(counts(extracted=20, short=5), "empty_or_short") == 0.25
    assert share(counts(articles=4, no_date=1), "missing_published") == 0.25


def test_a_jump_of_20_points_warns() -> None:
    earlier = [{"a.example": counts(extracted=20, short=2, articles=18)}]
    current = {"a.example": counts(extracted=20, short=8, articles=12)}
    [warning] = check(current, earlier)
    assert (warning.site, warning.metric, warning.pages) == ("a.example", "empty_or_short", 20)
    assert warning.share == pytest.approx(0.4) and warning.baseline == pytest.approx(0.1)
    assert "a.example: empty or short texts 40% of 20 (earlier runs 10%)" in warning.message
    assert HealthWarning.from_dict(warning.to_dict()) == warning


def test_no_warning_below_the_jump_for_a_drop_or_for_other_sites() -> None:
    earlier = [{"a.example": counts(extracted=20, short=2, articles=18),
                "b.example": counts(extracted=20, short=10, articles=10)}]
    current = {"a.example": counts(extracted=20, short=5, articles=15),  # +15 points
               "b.example": counts(extracted=20, short=0, articles=20),  # a drop
               "c.example": counts(extracted=20, short=20)}  # no history
    assert check(current, earlier) == []


def test_too_few_pages_in_the_run_or_in_the_baseline_warn_of_nothing() -> None:
    small_now = {"a.example": counts(extracted=9, short=9)}
    assert check(small_now, [{"a.example": counts(extracted=50, articles=50)}]) == []
    small_before = {"a.example": counts(extracted=50, short=50)}
    assert check(small_before, [{"a.example": counts(extracted=9, articles=9)}]) == []
    # the baseline pools earlier runs: 3 runs of 4 pages are enough
    pooled = [{"a.example": counts(extracted=4, articles=4)}] * 3
    assert len(check(small_before, pooled)) == 1


def test_missing_published_dates_are_compared_among_articles() -> None:
    earlier = [{"a.example": counts(extracted=30, articles=30, no_date=0)}]
    [warning] = check({"a.example": counts(extracted=30, articles=30, no_date=12)}, earlier)
    assert warning.metric == "missing_published"
    assert "articles without a published date 40% of 30" in warning.message


def test_settings_move_the_thresholds() -> None:
    earlier = [{"a.example": counts(extracted=4, articles=4)}]
    current = {"a.example": counts(extracted=4, short=1, articles=3)}
    assert check(current, earlier) == []
    assert len(check(current, earlier, HealthOptions(jump=0.25, min_pages=4))) == 1


def test_the_baseline_is_the_most_recent_runs() -> None:
    old_bad = [{"a.example": counts(extracted=20, short=20)}] * 3
    recent_good = [{"a.example": counts(extracted=20, articles=20)}] * 2
    current = {"a.example": counts(extracted=20, short=10, articles=10)}
    assert check(current, old_bad + recent_good, HealthOptions(history=2))
    assert not check(current, old_bad + recent_good, HealthOptions(history=5))


def test_a_resumed_run_adds_up() -> None:
    stats = merge_stats({"start_time": "t1", "downloader/response_count": 5, "memusage/max": 9,
                         "finish_reason": "shutdown"},
                        {"start_time": "t2", "downloader/response_count": 7, "memusage/max": 4,
                         "finish_reason": "finished"})
    assert stats == {"start_time": "t1", "downloader/response_count": 12, "memusage/max": 9,
                     "finish_reason": "finished"}
    sites = merge_sites({"a": counts(extracted=2, short=1)}, {"a": counts(extracted=3),
                                                             "b": counts(articles=1)})
    assert sites["a"] == counts(extracted=5, short=1) and sites["b"] == counts(articles=1)


# --- runs of a job against the mock site --------------------------------------------

def crawl(server: MockServer, out: Path) -> dict:
    summary = out / "summary.json"
    result = run_crawler("crawl", server.url("/"), "-o", str(out), "--job", "health",
                         "--summary-json", str(summary), *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"stdout": result.stdout, "summary": json.loads(summary.read_text())}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("health")
    with MockServer() as server:
        first = crawl(server, out)
        unchanged = crawl(server, out)
        server.set_state(BROKEN_LAYOUT)
        broken = crawl(server, out)
    return {"out": out, "runs": [first, unchanged, broken]}


def test_runs_without_change_warn_of_nothing(runs) -> None:
    for run in runs["runs"][:2]:
        assert run["summary"]["health_warnings"] == []
        assert "health warning" not in run["stdout"]


def test_a_layout_change_warns_in_the_summary(runs) -> None:
    broken = runs["runs"][2]
    [warning] = broken["summary"]["health_warnings"]
    assert warning.startswith("127.0.0.1: empty or short texts 100% of ")
    assert "did the layout change?" in warning
    assert f"  health warning:   {warning}" in broken["stdout"].splitlines()


def test_each_run_keeps_its_stats_and_site_counts_in_the_job_state(runs) -> None:
    infos = read_runs(runs["out"] / "health" / "state.sqlite")
    assert [i.run for i in infos] == [1, 2, 3]
    assert all(i.reason == "finished" and i.data is not None for i in infos)
    first, unchanged, broken = (i.data["sites"]["127.0.0.1"] for i in infos)
    articles = len(MANIFEST["articles"])
    assert first["articles"] == articles and first["fetched"] > articles
    assert first["fetched"] == infos[0].data["stats"]["downloader/response_count"]
    # not modified: nothing extracted; the short non-articles are the same as before
    assert unchanged["articles"] == unchanged["extracted"] == 0
    assert unchanged["short_again"] == first["empty_or_short"] > 0
    # every article (and the AMP copy of one) now comes out too short
    assert broken["empty_or_short"] == broken["extracted"] >= articles
    assert broken["articles"] == 0
    assert [w["metric"] for w in infos[2].data["health"]] == ["empty_or_short"]
    assert infos[2].data["stats"]["finish_reason"] == "finished"


def test_the_report_shows_the_warning_and_the_runs(runs, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = run_crawler("report", str(runs["out"] / "health"), "-o", str(report))
    assert result.returncode == 0, result.stderr[-3000:]
    html = report.read_text("utf-8")
    [warning] = runs["runs"][2]["summary"]["health_warnings"]
    banner = html.split('id="health-warnings"', 1)[1].split("</div>", 1)[0]
    assert "1 warning(s) in run 3 of health" in banner and esc(warning) in banner
    section = html.split('<section id="health">', 1)[1].split("</section>", 1)[0]
    assert f"<li>run 3: {esc(warning)}</li>" in section
    assert '<td class="bad">warning</td>' in section
    assert "health warning, run 3" in section  # the ring on the chart
    assert html.count('<td class="n" data-v="1">1</td></tr>') >= 1  # runs table: 1 warning
