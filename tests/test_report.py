"""``crawler report``: the report of a crawl of the mock site (one article with a
title made to break out of HTML) has the right counts, escapes what it shows,
and loads in headless Chromium with no console error, no network request and
a real screenshot. The pure parts (charts, bucketing, links) are tested on
their own."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.report import gather, render
from crawler.report.data import ReportData
from crawler.report.html import date_columns, link, status_bars
from crawler.report.svg import bar_chart, column_chart, line_chart, nice_max
from tests import browser
from tests.conftest import FAST as CRAWL_FAST
from tests.conftest import run_cli, run_crawler
from tests.mockserver import MANIFEST, MockServer

FAST = [*CRAWL_FAST, "--max-depth", "3"]
HOSTILE = "/articles/harbour.html"
HOSTILE_TITLE = '</title><script>alert("title")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def job(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    with MockServer(state={"articles": {HOSTILE: {"title": HOSTILE_TITLE}}}) as server:
        result = run_crawler("crawl", server.url("/"), "-o", str(out), "--job", "r", *FAST)
        assert result.returncode == 0, result.stderr[-3000:]
    return out / "r"


@pytest.fixture(scope="module")
def report(job: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    result = run_crawler("report", str(job), "-o", str(path))
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Report written to {path}: {len(MANIFEST['articles'])} articles" in result.stdout
    return path


def records(job: Path) -> list[dict]:
    return [json.loads(line) for f in sorted(job.glob("articles-*.jsonl"))
            for line in f.read_text("utf-8").splitlines()]


def warc_statuses(job: Path) -> Counter[int]:
    found: Counter[int] = Counter()
    for path in sorted((job / "warc").glob("*.warc.gz")):
        with open(path, "rb") as f:
            for record in ArchiveIterator(f):
                if record.rec_type in ("response", "revisit"):
                    found[int(record.http_headers.get_statuscode())] += 1
    return found


def site_row(html: str) -> list[str]:
    table = html.split('id="sites-table"', 1)[1].split("</table>", 1)[0]
    row = re.search(r"<tr><td>127\.0\.0\.1</td>(.*?)</tr>", table).group(1)
    return re.findall(r"<td[^>]*>(.*?)</td>", row)


def test_report_escapes_titles_from_the_archive(report: Path) -> None:
    html = report.read_text("utf-8")
    assert '<script>alert("title")' not in html and "<img src=x" not in html
    assert ("&lt;/title&gt;&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; "
            "&lt;img src=x onerror=alert(1)&gt;") in html
    assert html.count("<script>") == 1  # ours, allowed by its hash only
    assert "script-src 'sha256-" in html and "default-src 'none'" in html


def test_report_counts_match_the_job(report: Path, job: Path) -> None:
    html = report.read_text("utf-8")
    recs = records(job)
    statuses = warc_statuses(job)
    for code, count in statuses.items():  # the status chart, one bar per status
        assert re.search(rf"<title>{code} [A-Za-z ]+: {count} responses</title>", html), code
    months = Counter(r["published"][:7] for r in recs if r["published"])
    for month, count in months.items():  # the date chart, per month
        assert f"<title>{month}: {count} articles</title>" in html
    undated = sum(1 for r in recs if not r["published"])
    assert (f"{undated} article(s) without a date are not shown" in html) == (undated > 0)
    (pages, articles, versions, short, no_date, no_modified, no_author, walls, junk,
     median) = site_row(html)
    assert pages == str(sum(statuses.values()))
    assert articles == versions == str(len(MANIFEST["articles"]))
    assert no_date.startswith(f"{undated} (")
    assert no_author == "0 (0%)"
    modified = sum(1 for r in recs if not r["modified"])
    assert no_modified.startswith(f"{modified} (")
    assert walls == "0"  # the demo site has no block page, consent wall or paywall
    assert int(short) > 0 and int(junk) >= 0  # from the run's stats
    lengths = sorted(len(r["text"]) for r in recs)
    middle = (lengths[len(lengths) // 2 - 1] + lengths[len(lengths) // 2]) // 2  # 14 articles
    assert median == f"{middle:,} chars"
    assert "Responses by HTTP status" in html and "counted from the CDXJ index" in html


def test_report_has_the_run_and_its_health(report: Path) -> None:
    html = report.read_text("utf-8")
    assert '<section id="health">' in html and '<td class="ok">ok</td>' in html
    assert "health-warnings" not in html  # one run: nothing to compare with
    runs = html.split('<section id="runs">', 1)[1].split("</table>", 1)[0]
    assert "<td>finished</td>" in runs


#: Clicks the "text length" header of the newest articles twice (ascending,
#: then descending) and returns the column each time.
SORT = """(function () {
  var table = document.querySelector("#newest table"), th = table.tHead.rows[0].cells[3];
  function column() { return Array.prototype.map.call(table.tBodies[0].rows,
      function (r) { return parseFloat(r.cells[3].getAttribute("data-v")); }); }
  th.click(); var up = column(); th.click();
  return [up, column(), th.getAttribute("aria-sort")];
})()"""


def test_report_loads_in_chromium_without_errors(report: Path, chromium) -> None:
    page = browser.load(report, width=1200, height=900, evaluate=SORT)
    shot = report.with_suffix(".png")
    shot.write_bytes(page.screenshot)
    assert page.errors == []
    assert page.requests == [report.resolve().as_uri()]  # nothing from the network
    width, height = browser.png_size(page.screenshot)
    assert width >= 1000 and height > 1500  # the whole page, charts and tables
    assert len(page.screenshot) > 50_000  # not a blank page
    up, down, state = page.value  # the tables sort (the inline script ran under the CSP)
    assert len(up) == len(MANIFEST["articles"])
    assert up == sorted(up) and down == sorted(up, reverse=True) and state == "descending"


def test_the_browser_check_catches_errors(tmp_path: Path, chromium) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text('<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
                      "content=\"default-src 'none'; script-src 'unsafe-inline'\"></head><body>"
                      '<img src="http://127.0.0.1:9/x.png"><script>console.error("boom");'
                      "undefinedFunction();</script></body></html>")
    page = browser.load(broken, width=400, height=300)
    assert browser.png_size(page.screenshot) == (400, 300)
    assert "console.error: boom" in page.errors
    assert any("undefinedFunction is not defined" in e for e in page.errors)
    assert any("Content Security Policy" in e and "x.png" in e for e in page.errors)
    assert "http://127.0.0.1:9/x.png" in page.requests


def test_report_from_files_counts_statuses_from_the_warc_records(job: Path) -> None:
    from_folder = gather([job])
    files = [*sorted(job.glob("articles-*.jsonl")), *sorted((job / "warc").glob("*.warc.gz"))]
    from_files = gather(files)
    assert from_folder.status_source == "CDXJ index"
    assert from_files.status_source == "WARC records"
    assert from_files.statuses == from_folder.statuses == warc_statuses(job)
    assert from_files.articles == from_folder.articles == len(MANIFEST["articles"])
    assert from_files.jobs == [] and from_files.sites["127.0.0.1"].empty_or_short is None
    html = render(from_files, generated="now")
    assert "No job state (state.sqlite)" in html and ">n/a</td>" in html


def test_report_usage_errors(tmp_path: Path) -> None:
    result = run_cli("report")
    assert result.returncode == 2 and "give a job folder" in result.stderr
    result = run_cli("report", str(tmp_path / "missing"), "-o", str(tmp_path / "r.html"))
    assert result.returncode == 2 and "no such file or folder" in result.stderr


# --- pure parts ------------------------------------------------------------------------

def test_only_http_urls_become_links() -> None:
    assert link("https://a.example/?q=1&b=<2>", "T<i>") == (
        '<a href="https://a.example/?q=1&amp;b=&lt;2&gt;" rel="noopener noreferrer">'
        "T&lt;i&gt;</a>")
    assert link("javascript:alert(1)", "click") == "click"
    assert (link("data:text/html,<script>x</script>")
            == "data:text/html,&lt;script&gt;x&lt;/script&gt;")


def test_render_escapes_every_value() -> None:
    evil = '"><script>alert(1)</script>'
    data = ReportData(title=evil, sources=[evil])
    row = data.site(evil)
    row.articles, row.text_lengths = 1, [300]
    data.newest = [{"url": "javascript:alert(1)", "title": evil, "published": evil, "authors": evil,
                    "sitename": evil, "chars": 300, "version": 1}]
    data.by_date[evil] += 1  # not a date: left out of the chart
    html = render(data, generated=evil)
    assert "<script>alert(1)" not in html and 'href="javascript' not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5


def test_dates_are_bucketed_by_day_month_or_year() -> None:
    days, period = date_columns(Counter({"2026-11-01": 2, "2026-11-03": 1, "bad": 5}))
    assert period == "day" and days == [("2026-11-01", 2), ("2026-11-02", 0), ("2026-11-03", 1)]
    months, period = date_columns(Counter({"2025-11-30": 1, "2026-02-01": 2}))
    assert period == "month"
    assert months == [("2025-11", 1), ("2025-12", 0), ("2026-01", 0), ("2026-02", 2)]
    years, period = date_columns(Counter({"1999-01-01": 1, date(2026, 1, 1).isoformat(): 1}))
    assert period == "year" and len(years) == 28 and years[0] == ("1999", 1)
    assert date_columns(Counter()) == ([], "day")


def test_charts_are_svg_with_a_tooltip_per_bar() -> None:
    assert [nice_max(v) for v in (0, 0.3, 1, 3, 7, 12, 180)] == [1, 0.5, 1, 5, 10, 20, 200]
    svg = column_chart([("a<b", 3), ("c", 0)], label="L&", unit="u")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and svg.endswith("</svg>")
    assert "<title>a&lt;b: 3 u</title>" in svg and 'aria-label="L&amp;"' in svg
    bars = bar_chart(status_bars(Counter({200: 5, 599: 1, 404: 2})), label="s", unit="r")
    assert "<title>200 OK: 5 r</title>" in bars and "<title>599: 1 r</title>" in bars
    lines = line_chart(["1", "2", "3"], [("x", "#000", [0.1, None, 1.0])], title="t",
                       label="l", marks=[2])
    assert lines.count("<path") == 0  # no two consecutive points: dots only
    assert "<title>x, run 3: 100%</title>" in lines and "health warning, run 3" in lines
    assert "style=" not in svg + bars + lines  # the CSP allows no inline style attributes
