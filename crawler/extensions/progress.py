"""Progress of a running crawl (``CRAWLER_PROGRESS_*``): a live panel on a
terminal, or a plain log line every ``CRAWLER_PROGRESS_INTERVAL_SECONDS`` seconds.

Pages fetched, articles written, queue length, pages/s over a recent window,
errors and the busiest sites. Per response only a counter is bumped; the
snapshot is taken and rendered by a timer, at most 4 times a second, in the
reactor thread (rich's own refresh thread is not used: it would read the stats
while the crawl writes them). While the live panel is up, log records are
printed above it. Lines are log records (INFO) and follow ``LOG_LEVEL``/
``LOG_FILE``; with a log level above INFO there are none.
"""

from __future__ import annotations

import atexit
import logging
import sys
import time
from collections.abc import Sized
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.httpobj import urlparse_cached

from crawler.pipelines.jsonlines import article_written
from crawler.report.progress import (
    LiveSiteCounts,
    RateWindow,
    Snapshot,
    format_line,
    render,
    snapshot,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.live import Live
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)
MODES = ("auto", "live", "lines")
MAX_REFRESH = 4.0


def level_number(level: int | str) -> int:
    """A log level as a number (LOG_LEVEL may be ``"INFO"`` or ``20``)."""
    if isinstance(level, int):
        return level
    return logging.getLevelNamesMapping().get(str(level).upper(), logging.INFO)


def terminal_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


def resolve_mode(mode: str, console: Console) -> str:
    """``live`` or ``lines``: ``auto`` is ``live`` when stderr is a terminal."""
    if mode not in MODES:
        raise ValueError(f"CRAWLER_PROGRESS_MODE must be one of {', '.join(MODES)}: {mode!r}")
    if mode == "auto":
        return "live" if console.is_terminal and not console.is_dumb_terminal else "lines"
    return mode


class Progress:
    def __init__(self, crawler: Crawler, mode: str, console: Console | None = None) -> None:
        s = crawler.settings
        self.crawler = crawler
        self.mode = mode
        self.console = console
        self.top = s.getint("CRAWLER_PROGRESS_TOP_SITES")
        self.job = s.get("CRAWLER_JOB")
        if mode == "live":
            self.interval = 1 / min(max(s.getfloat("CRAWLER_PROGRESS_REFRESH"), 0.1), MAX_REFRESH)
        else:
            self.interval = s.getfloat("CRAWLER_PROGRESS_INTERVAL_SECONDS")
        self.rates = RateWindow(s.getfloat("CRAWLER_PROGRESS_WINDOW_SECONDS"))
        self.sites = LiveSiteCounts()
        self.started = time.monotonic()
        self.task: Any = None
        self.live: Live | None = None
        self._streams: list[tuple[logging.StreamHandler, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        s = crawler.settings
        if not s.getbool("CRAWLER_PROGRESS_ENABLED"):
            raise NotConfigured
        console = terminal_console()
        mode = resolve_mode(s.get("CRAWLER_PROGRESS_MODE"), console)
        if mode == "lines" and (not s.getbool("LOG_ENABLED")
                                or s.getfloat("CRAWLER_PROGRESS_INTERVAL_SECONDS") <= 0
                                or level_number(s.get("LOG_LEVEL")) > logging.INFO):
            raise NotConfigured  # the lines would not be shown
        ext = cls(crawler, mode, console)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.stop_live, signal=signals.engine_stopped)
        # every response as downloaded (redirect hops, retried errors, robots.txt),
        # as counted in downloader/response_count
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.article_written, signal=article_written)
        return ext

    # --- per response: counters only ------------------------------------------
    def response_downloaded(self, response: Response) -> None:
        site = urlparse_cached(response).netloc
        self.sites.pages[site] += 1
        if response.status >= 400:
            self.sites.http_errors[site] += 1

    def article_written(self, url: str) -> None:
        """An article's line was written (held ones count when written, not when
        fetched; duplicates and unchanged texts do not count)."""
        self.sites.articles[urlsplit(url).netloc] += 1

    # --- the timer ------------------------------------------------------------
    def queue_lengths(self) -> tuple[int | None, int | None]:
        queued = in_flight = None
        try:
            engine = self.crawler.engine  # RuntimeError before the crawl starts
            in_flight = len(engine.downloader.active)
            if isinstance(engine.scheduler, Sized):
                queued = len(engine.scheduler)  # a Redis ZCARD when distributed
        except Exception:  # no engine yet, or Redis away for a moment: show "-"
            logger.debug("queue length not available", exc_info=True)
        return queued, in_flight

    def snapshot(self, state: str = "running") -> Snapshot:
        now = time.monotonic()
        stats = self.crawler.stats.get_stats()
        rate = self.rates.add(now, stats.get("downloader/response_count", 0))
        queued, in_flight = self.queue_lengths()
        return snapshot(stats, self.sites, elapsed=now - self.started, rate=rate,
                        queued=queued, in_flight=in_flight, top=self.top, state=state,
                        job=self.job)

    def tick(self) -> None:
        try:
            snap = self.snapshot()
            if self.live is not None:
                self.live.update(render(snap), refresh=True)
            else:
                logger.info(format_line(snap))
        except Exception:  # the display must never stop the crawl
            logger.warning("progress display failed", exc_info=True)

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.rates.add(self.started, 0)
        if self.mode == "live":
            self.start_live()
        self.task = create_looping_call(self.tick)
        self.task.start(self.interval, now=False)

    def spider_closed(self, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        snap = self.snapshot(state=reason)
        if self.live is not None:
            self.live.update(render(snap))  # stop() shows it
            self.stop_live()
        else:
            logger.info(format_line(snap))

    # --- the live panel -------------------------------------------------------
    def start_live(self) -> None:
        from rich.live import Live

        stderr = sys.stderr
        self.live = Live(console=self.console, auto_refresh=False, transient=False,
                         redirect_stdout=False, redirect_stderr=True)
        self.live.start()
        atexit.register(self.stop_live)  # the cursor comes back whatever happens
        # Scrapy's log handler holds the real stderr: send its records through
        # rich's proxy, which prints them above the panel.
        for handler in logging.root.handlers:
            if (isinstance(handler, logging.StreamHandler)
                    and not isinstance(handler, logging.FileHandler)
                    and handler.stream is stderr and sys.stderr is not stderr):
                self._streams.append((handler, handler.setStream(sys.stderr)))

    def stop_live(self) -> None:
        for handler, stream in self._streams:
            handler.setStream(stream)
        self._streams.clear()
        if self.live is not None:
            live, self.live = self.live, None
            live.stop()
            atexit.unregister(self.stop_live)
