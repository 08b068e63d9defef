"""What a running crawl shows (pure: no Scrapy): a snapshot of its counts,
taken from the crawl's stats and per-site counters, rendered as a live panel
(rich) on a terminal or as one plain log line otherwise.

The Scrapy side (``extensions/progress.py``) takes a snapshot a few times a
second at most and hands it here; nothing here runs per response.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from crawler.jobs import clock_duration

_STATUS = "downloader/response_status_count/"
_EXCEPTION = "downloader/exception_type_count/"
#: Not a download error: robots.txt, the site budget and the job state refuse requests so.
_REFUSED = "IgnoreRequest"
#: Longer site names are cut in the live panel.
SITE_WIDTH = 40


@dataclass
class LiveSiteCounts:
    """Per-site counters, kept by the extension (one dict update per response)."""

    pages: Counter[str] = field(default_factory=Counter)
    articles: Counter[str] = field(default_factory=Counter)
    http_errors: Counter[str] = field(default_factory=Counter)

    def top(self, n: int) -> list[tuple[str, int, int, int]]:
        """``(site, pages, articles, http_errors)`` of the ``n`` sites with most pages."""
        return [(site, pages, self.articles[site], self.http_errors[site])
                for site, pages in self.pages.most_common(n)]


@dataclass(frozen=True)
class Snapshot:
    elapsed: float
    pages: int
    articles: int
    #: Requests waiting in the scheduler (the shared Redis queue when distributed).
    queued: int | None
    in_flight: int | None
    #: Pages per second over the recent window.
    rate: float
    download_errors: int
    http_errors: int
    #: Items dropped: pages that yielded no article (listings, error pages, ...).
    dropped: int
    sites: list[tuple[str, int, int, int]]
    site_count: int
    #: "running", or the finish reason once the crawl has ended.
    state: str = "running"
    job: str | None = None


def error_counts(stats: Mapping[str, Any]) -> tuple[int, int]:
    """``(download errors, responses with HTTP status >= 400)`` from crawl stats."""
    download = http = 0
    for key, value in stats.items():
        if key.startswith(_STATUS):
            code = key[len(_STATUS):]
            if code.isdigit() and int(code) >= 400:
                http += value
        elif key.startswith(_EXCEPTION) and not key.endswith(_REFUSED):
            download += value
    return download, http


def snapshot(stats: Mapping[str, Any], sites: LiveSiteCounts, *, elapsed: float, rate: float,
             queued: int | None = None, in_flight: int | None = None, top: int = 8,
             state: str = "running", job: str | None = None) -> Snapshot:
    download, http = error_counts(stats)
    articles = stats.get("jsonl/records_written", stats.get("item_scraped_count", 0))
    return Snapshot(
        elapsed=elapsed, pages=stats.get("downloader/response_count", 0), articles=articles,
        queued=queued, in_flight=in_flight, rate=rate, download_errors=download,
        http_errors=http, dropped=stats.get("item_dropped_count", 0),
        sites=sites.top(top), site_count=len(sites.pages), state=state, job=job,
    )


class RateWindow:
    """Pages per second over the last ``window`` seconds, from periodic samples."""

    def __init__(self, window: float = 10.0) -> None:
        self.window = window
        self.samples: deque[tuple[float, int]] = deque()

    def add(self, t: float, count: int) -> float:
        self.samples.append((t, count))
        while len(self.samples) > 2 and t - self.samples[1][0] >= self.window:
            self.samples.popleft()
        t0, c0 = self.samples[0]
        return (count - c0) / (t - t0) if t > t0 else 0.0


def _opt(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def format_line(snap: Snapshot) -> str:
    """One plain log line: the counts, the errors and the busiest sites."""
    head = "progress" if snap.state == "running" else snap.state
    parts = [
        (f"{head} {clock_duration(snap.elapsed)}: {snap.pages} pages ({snap.rate:.1f}/s), "
         f"{snap.articles} articles, {_opt(snap.queued)} queued, "
         f"{_opt(snap.in_flight)} in flight"),
        (f"errors: {snap.download_errors} download, {snap.http_errors} HTTP>=400; "
         f"{snap.dropped} dropped (not articles)"),
    ]
    if snap.sites:
        parts.append("sites: " + ", ".join(f"{site} {pages}/{articles}"
                                           for site, pages, articles, _ in snap.sites))
    return "; ".join(parts)


def render(snap: Snapshot) -> RenderableType:
    """The live panel: a headline, the counts, the errors, the top sites."""
    title = Text.assemble(("crawler", "bold"), " ", (snap.job or "", "cyan"),
                          f"  {clock_duration(snap.elapsed)}  ",
                          (snap.state, "green" if snap.state == "running" else "yellow"))
    counts = Text.assemble(
        ("pages ", "dim"), (f"{snap.pages:,}", "bold"), f" ({snap.rate:.1f}/s)   ",
        ("articles ", "dim"), (f"{snap.articles:,}", "bold"), "   ",
        ("queued ", "dim"), _opt(snap.queued), "   ",
        ("in flight ", "dim"), _opt(snap.in_flight))
    errors = Text.assemble(
        ("errors ", "dim"),
        (f"download {snap.download_errors:,}", "red" if snap.download_errors else ""), " · ",
        (f"HTTP≥400 {snap.http_errors:,}", "red" if snap.http_errors else ""), " · ",
        f"dropped {snap.dropped:,} (not articles)")
    parts: list[RenderableType] = [title, counts, errors]
    if snap.sites:
        parts.append(site_table(snap))
    return Group(*parts)


def site_table(snap: Snapshot) -> Text:
    """The top sites as aligned text (a rich Table costs ten times as much to draw)."""
    shown = len(snap.sites)
    title = f"top {shown} of {snap.site_count} sites" if snap.site_count > shown else "sites"
    width = max(min(max(len(site) for site, *_ in snap.sites), SITE_WIDTH), len(title))
    table = Text(f"{title:<{width}} {'pages':>9} {'articles':>9} {'HTTP≥400':>9}\n", "bold")
    for site, pages, articles, http in snap.sites:
        if len(site) > width:
            site = site[:width - 1] + "…"
        table.append(f"{site:<{width}} {pages:>9,} {articles:>9,} "
                     f"{(f'{http:,}' if http else ''):>9}\n")
    table.rstrip()
    return table
