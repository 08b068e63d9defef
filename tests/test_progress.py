"""The progress display: the pure renderer, the extension driven by real
signals, and real crawls of the mock site on a pipe, under --quiet and
--verbose, and on a pseudo-terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from io import StringIO

import pytest
from rich.console import Console
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.extensions.progress import Progress, resolve_mode
from crawler.jobs import clock_duration, format_duration
from crawler.report.progress import (
    LiveSiteCounts,
    RateWindow,
    error_counts,
    format_line,
    render,
    snapshot,
)
from tests.conftest import FAST as CRAWL_FAST
from tests.conftest import ROOT, run_cli, run_crawler

FAST = [*CRAWL_FAST, "--max-depth", "3"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LINE = re.compile(r"\[crawler\.extensions\.progress\] INFO: (progress|finished) \S+: "
                  r"(\d+) pages \([\d.]+/s\), (\d+) articles, .*errors: (\d+) download, "
                  r"(\d+) HTTP>=400; (\d+) dropped")

STATS = {
    "downloader/response_count": 40,
    "jsonl/records_written": 12,
    "item_dropped_count": 9,
    "downloader/response_status_count/200": 35,
    "downloader/response_status_count/301": 1,
    "downloader/response_status_count/404": 3,
    "downloader/response_status_count/500": 1,
    "downloader/exception_type_count/twisted.internet.error.TimeoutError": 2,
    "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 5,
}


def forced_terminal(width: int = 100) -> Console:
    return Console(file=StringIO(), force_terminal=True, width=width, color_system=None)


def sites() -> LiveSiteCounts:
    counts = LiveSiteCounts()
    counts.pages.update({"news.example": 30, "blog.example": 7, "cdn.example": 3})
    counts.articles.update({"news.example": 10, "blog.example": 2})
    counts.http_errors.update({"news.example": 4})
    return counts


# --- the pure renderer ----------------------------------------------------------
def test_errors_are_download_errors_and_http_400_up_not_refusals() -> None:
    assert error_counts(STATS) == (2, 4)


def test_snapshot_counts_and_top_sites() -> None:
    snap = snapshot(STATS, sites(), elapsed=75, rate=3.25, queued=17, in_flight=4, top=2)
    assert (snap.pages, snap.articles, snap.dropped) == (40, 12, 9)
    assert (snap.download_errors, snap.http_errors, snap.queued) == (2, 4, 17)
    assert snap.sites == [("news.example", 30, 10, 4), ("blog.example", 7, 2, 0)]
    assert snap.site_count == 3


def test_plain_line() -> None:
    snap = snapshot(STATS, sites(), elapsed=75, rate=3.25, queued=17, in_flight=4, top=2)
    assert format_line(snap) == (
        "progress 1m15s: 40 pages (3.2/s), 12 articles, 17 queued, 4 in flight; "
        "errors: 2 download, 4 HTTP>=400; 9 dropped (not articles); "
        "sites: news.example 30/10, blog.example 7/2")
    done = snapshot({}, LiveSiteCounts(), elapsed=3, rate=0, state="finished")
    assert format_line(done).startswith("finished 3s: 0 pages (0.0/s), 0 articles, - queued")


def test_live_panel_renders_the_counts() -> None:
    console = forced_terminal()
    snap = snapshot(STATS, sites(), elapsed=3725, rate=12.5, queued=1234, in_flight=16,
                    top=2, job="news")
    console.print(render(snap))
    text = ANSI.sub("", console.file.getvalue())
    lines = text.splitlines()
    assert lines[0].split() == ["crawler", "news", "1h02m", "running"]
    assert "pages 40 (12.5/s)" in text and "articles 12" in text
    assert "queued 1,234" in text and "in flight 16" in text
    assert "download 2 · HTTP≥400 4 · dropped 9 (not articles)" in text
    rows = [line.split() for line in lines if line.strip().startswith(("news.", "blog."))]
    assert rows == [["news.example", "30", "10", "4"], ["blog.example", "7", "2"]]
    assert "top 2 of 3 sites" in text
    long = LiveSiteCounts()
    long.pages["a-very-long-subdomain.of-a-really-long-news-site.example.com"] = 7
    console = forced_terminal()
    console.print(render(snapshot({}, long, elapsed=1, rate=0)))
    row = ANSI.sub("", console.file.getvalue()).splitlines()[-1].split()
    assert row == ["a-very-long-subdomain.of-a-really-long-…", "7", "0"]  # 40 wide


def test_rate_is_over_the_recent_window() -> None:
    rates = RateWindow(window=10)
    assert rates.add(0, 0) == 0
    assert rates.add(5, 50) == 10
    assert rates.add(10, 100) == 10
    assert rates.add(20, 400) == 30  # samples older than the window are gone
    assert clock_duration(59) == "59s" and clock_duration(61) == "1m01s"
    assert clock_duration(7200) == "2h00m" and format_duration(5400) == "1h30m"


# --- the extension, driven by real signals ------------------------------------------
def crawler_with(**settings):
    """A crawler with the project's progress settings (and Scrapy's defaults)."""
    import crawler.settings as project

    base = {k: getattr(project, k) for k in dir(project) if k.startswith("CRAWLER_PROGRESS")}
    crawler = get_crawler(Spider, settings_dict={**base, "CRAWLER_JOB": "news", **settings})
    crawler.stats.open_spider()
    return crawler


def response(url: str, status: int = 200) -> HtmlResponse:
    return HtmlResponse(url, status=status, body=b"<html></html>", request=Request(url))


def test_extension_live_panel_on_a_terminal() -> None:
    crawler = crawler_with()
    console = forced_terminal()
    ext = Progress(crawler, "live", console)
    for url, status in (("https://news.example/a", 200), ("https://news.example/b", 404),
                        ("https://news.example/c", 200), ("https://blog.example/x", 200)):
        crawler.stats.inc_value("downloader/response_count")
        crawler.stats.inc_value(f"downloader/response_status_count/{status}")
        ext.response_downloaded(response(url, status))
    ext.article_written("https://news.example/a")
    crawler.stats.set_value("jsonl/records_written", 1)
    ext.start_live()
    ext.tick()
    ext.spider_closed("finished")
    text = ANSI.sub("", console.file.getvalue())
    final = text[text.rindex("crawler news"):]
    assert "finished" in final and "pages 4" in final and "articles 1" in final
    assert "HTTP≥400 1" in final
    rows = [line.split() for line in final.splitlines() if ".example" in line]
    assert rows == [["news.example", "3", "1", "1"], ["blog.example", "1", "0"]]
    assert ext.live is None  # stopped


def test_extension_modes_and_off() -> None:
    pipe = Console(file=StringIO())
    assert resolve_mode("auto", pipe) == "lines"
    assert resolve_mode("auto", forced_terminal()) == "live"
    assert resolve_mode("lines", forced_terminal()) == "lines"
    with pytest.raises(ValueError, match="CRAWLER_PROGRESS_MODE"):
        resolve_mode("fancy", pipe)
    with pytest.raises(NotConfigured):
        Progress.from_crawler(crawler_with(CRAWLER_PROGRESS_ENABLED=False))
    # lines are INFO log records: none under a higher log level (the demo's WARNING)
    with pytest.raises(NotConfigured):
        Progress.from_crawler(crawler_with(CRAWLER_PROGRESS_MODE="lines", LOG_LEVEL="WARNING"))
    ext = Progress.from_crawler(crawler_with(CRAWLER_PROGRESS_MODE="lines", LOG_LEVEL="INFO",
                                             CRAWLER_PROGRESS_INTERVAL_SECONDS=3))
    assert (ext.mode, ext.interval) == ("lines", 3)
    live = Progress(crawler_with(CRAWLER_PROGRESS_REFRESH=50), "live", forced_terminal())
    assert live.interval == 0.25  # at most 4 refreshes a second


# --- real crawls of the mock site ------------------------------------------------
def crawl(mockserver, tmp_path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    summary = tmp_path / "summary.json"
    result = run_crawler("crawl", mockserver.url("/"), "-o", str(tmp_path), "--job", "mock",
                         "--summary-json", str(summary), *FAST, *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return result, json.loads(summary.read_text())


def http_errors(summary: dict) -> int:
    return sum(n for code, n in summary["responses_by_status"].items() if int(code) >= 400)


def test_periodic_lines_when_not_a_terminal(mockserver, tmp_path) -> None:
    result, summary = crawl(mockserver, tmp_path, "-s", "CRAWLER_PROGRESS_INTERVAL_SECONDS=0.1",
                            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    lines = [LINE.search(line) for line in result.stderr.splitlines()]
    lines = [m for m in lines if m]
    kinds = [m.group(1) for m in lines]
    assert kinds[-1] == "finished" and kinds.count("finished") == 1
    assert "progress" in kinds  # periodic lines during the crawl
    pages = [int(m.group(2)) for m in lines]
    assert pages == sorted(pages)
    _, _, final_pages, articles, _, http, _ = lines[-1].group(0, 1, 2, 3, 4, 5, 6)
    assert int(final_pages) == summary["pages_fetched"]
    assert int(articles) == summary["articles_written"]
    assert int(http) == http_errors(summary) > 0  # the mock site has 404 and 500 pages
    # Scrapy's own INFO log is not shown without --verbose; its errors are
    assert not re.search(r"\[scrapy[.\w]*\] INFO", result.stderr)
    assert "Dumping Scrapy stats" not in result.stderr
    assert "] ERROR: Gave up retrying <GET http://127.0.0.1" in result.stderr
    site = mockserver.url("/").split("/")[2]
    assert f"sites: {site} {final_pages}/{articles}" in lines[-1].string
    assert "\x1b[" not in result.stderr  # plain text
    assert result.stdout.startswith("Crawl finished in")


def test_quiet_shows_only_the_summary(mockserver, tmp_path) -> None:
    result, summary = crawl(mockserver, tmp_path, "--quiet",
                            "-s", "CRAWLER_PROGRESS_INTERVAL_SECONDS=0.1")
    lines = result.stderr.splitlines()
    assert lines and all(re.search(r"\] (WARNING|ERROR): ", line) for line in lines), lines
    assert "Gave up retrying" in result.stderr  # the mock site's 500 page
    assert result.stdout.startswith("Crawl finished in")
    assert f"articles written: {summary['articles_written']} " in result.stdout


@pytest.mark.parametrize("args", [["--verbose"], ["-s", "LOG_LEVEL=INFO"]])
def test_verbose_shows_scrapys_log_too(mockserver, tmp_path, args) -> None:
    """--verbose, or a log level given (-L, or -s as a jobs file's settings do)."""
    result, _ = crawl(mockserver, tmp_path, *args)
    err = result.stderr
    assert "[scrapy.utils.log] INFO: Scrapy" in err
    assert "[scrapy.core.engine] INFO: Spider opened" in err
    assert "Dumping Scrapy stats" in err
    assert re.search(r"\[crawler\.extensions\.progress\] INFO: finished ", err)


def test_quiet_and_verbose_exclude_each_other(tmp_path) -> None:
    result = run_cli("crawl", "https://news.example/", "-o", str(tmp_path), "-q", "-v")
    assert result.returncode == 2
    assert result.stderr.strip() == "crawler: error: --quiet and --verbose exclude each other"


def run_on_a_terminal(args: list[str], timeout: float = 300) -> tuple[int, str, str]:
    """Run ``crawler ARGS`` with stderr on a pseudo-terminal (stdout on a pipe)."""
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "COLUMNS": "100", "LINES": "40",
           "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                            env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            proc.kill()
            raise AssertionError("no output from the crawl on the terminal")
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the crawl closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    out, _ = proc.communicate(timeout=timeout)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace"), out.decode()


def test_live_panel_on_a_terminal(mockserver, tmp_path) -> None:
    summary = tmp_path / "summary.json"
    code, terminal, out = run_on_a_terminal(
        ["crawl", mockserver.url("/"), "-o", str(tmp_path), "--job", "mock",
         "--summary-json", str(summary), *FAST])
    assert code == 0, terminal[-3000:]
    data = json.loads(summary.read_text())
    assert "\x1b[" in terminal  # drawn with cursor movements and styles
    text = ANSI.sub("", terminal)
    final = text[text.rindex("crawler mock"):]
    assert final.splitlines()[0].split()[-1] == "finished"
    assert f"pages {data['pages_fetched']} (" in final
    assert f"articles {data['articles_written']} " in final
    assert f"HTTP≥400 {http_errors(data)} " in final
    site = mockserver.url("/").split("/")[2]
    row = next(line.split() for line in final.splitlines() if line.startswith(site))
    assert row[:3] == [site, str(data["pages_fetched"]), str(data["articles_written"])]
    assert not re.search(r"\[scrapy[.\w]*\] INFO", text)  # Scrapy's INFO log stays hidden
    assert "] ERROR: Gave up retrying" in text  # its errors are shown (above the panel)
    assert out.startswith("Crawl finished in")  # the summary, on stdout


def test_replay_progress_on_a_terminal(mockserver, tmp_path) -> None:
    crawl(mockserver, tmp_path, "--quiet")
    out = tmp_path / "replayed.jsonl"
    code, terminal, _ = run_on_a_terminal(["replay", str(tmp_path / "mock"), "-o", str(out)])
    assert code == 0, terminal[-3000:]
    articles = len(out.read_text("utf-8").splitlines())
    text = ANSI.sub("", terminal)
    assert re.search(rf"replay: \d+ pages, {articles} articles \([\d.]+ pages/s\)", text)
    assert f"replay: done, {articles} articles from" in text
    assert "\x1b[2K" in terminal  # the line is redrawn in place, then cleared


def test_ctrl_c_is_acknowledged_without_verbose(mockserver, tmp_path) -> None:
    """Scrapy's own INFO log is hidden, but not its answer to Ctrl-C."""
    import signal

    argv = [sys.executable, "-m", "crawler.cli", "crawl", mockserver.url("/"), "-o",
            str(tmp_path), "--job", "mock", "-s", "DOWNLOAD_DELAY=0.3",
            "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CRAWLER_PROGRESS_INTERVAL_SECONDS=0.1"]
    proc = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.stderr is not None
    before = []
    while not before or "INFO: progress " not in before[-1]:  # the crawl is under way
        before.append(proc.stderr.readline())
        assert before[-1], "".join(before)  # not ended yet
    proc.send_signal(signal.SIGINT)
    out, rest = proc.communicate(timeout=120)
    err = "".join(before) + rest
    assert proc.returncode == 1  # not finished
    assert "[scrapy.crawler] INFO: Received SIGINT, shutting down gracefully" in err
    assert "Overridden settings" not in err
    assert re.search(r"INFO: shutdown \S+: \d+ pages", err)
    assert out.startswith("Crawl shutdown in")
