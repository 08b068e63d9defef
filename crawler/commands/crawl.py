"""``crawler crawl URL [URL ...]``: crawl sites into WARC files and article JSON lines."""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.log import get_scrapy_root_handler

from crawler.extensions.progress import level_number
from crawler.frontier.urls import is_http_url
from crawler.jobs import job_dir, job_name_for, parse_duration, safe_name, use_disk_queue
from crawler.options import check_extraction_settings
from crawler.report.summary import format_summary, summary_data
from crawler.spiders.article import ArticleSpider, read_seeds

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

#: Loggers of the libraries under us: with neither --verbose nor -L, only their
#: warnings and errors are shown (ours, ``crawler.*``, follow LOG_LEVEL).
LIBRARY_LOGGERS = ("scrapy", "scrapy_redis", "twisted", "filelock")


class ShutdownNotices(logging.Filter):
    """Of the crawler process's INFO messages only "Received SIGINT, shutting
    down gracefully" (and "... twice, forcing unclean shutdown")."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or str(record.msg).startswith("Received ")


def check_writable(directory: Path) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".write-test-") as f:
            f.write(b"\0" * 4096)  # a full disk fails here, not once the crawl runs
            f.flush()
    except OSError as exc:
        raise UsageError(f"output folder {str(directory)!r} is not writable: "
                         f"{exc.strerror or exc}", print_help=False) from None


def use_redis(settings: BaseSettings, url: str, new_crawl: bool) -> None:
    """Put the crawl on Redis; a new crawl (seeds given, nothing queued or in
    flight) starts with an empty dupefilter."""
    from redis import Redis
    from redis.exceptions import RedisError

    from crawler.distributed.config import redis_settings
    from crawler.distributed.keys import JobKeys

    job = settings.get("CRAWLER_JOB")
    try:
        server = Redis.from_url(url)
        k = JobKeys(job)
        idle = not server.zcard(k.queue) and not any(server.scan_iter(k.processing()))
        if new_crawl and idle:
            server.delete(*k.new_crawl_keys())
            for key in server.scan_iter(k.robots()):
                server.delete(key)
            from crawler.distributed.shared import RedisStateStore

            RedisStateStore(server, k).new_run()
    except (RedisError, ValueError) as exc:
        raise UsageError(f"cannot use Redis at {url}: {exc}", print_help=False) from None
    settings.setdict(redis_settings(url, job), priority="cmdline")


class Command(ScrapyCommand):
    requires_project = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "INFO"}
    #: The crawl's log level, set by :meth:`output_options` when start-up runs at
    #: WARNING; None: start-up runs at the crawl's level.
    log_level: str | None = None

    def syntax(self) -> str:
        return "[options] URL [URL ...]"

    def short_desc(self) -> str:
        return "Crawl sites into WARC captures and article JSON lines"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--seeds", metavar="FILE", help="file of start URLs, one per line")
        parser.add_argument("-o", "--output", metavar="DIR",
                            help="output folder (default: archive/)")
        parser.add_argument("--job", metavar="NAME",
                            help="crawl name; output goes to DIR/NAME/ "
                                 "(default: first seed's host)")
        parser.add_argument("--max-pages", type=int, metavar="N",
                            help="stop after N responses")
        parser.add_argument("--max-depth", type=int, metavar="N",
                            help="follow links at most N hops from a seed")
        parser.add_argument("--allow-domain", action="append", default=[], metavar="D",
                            help="also crawl this domain (repeatable)")
        parser.add_argument("--user-agent", metavar="UA", help="User-Agent header")
        parser.add_argument("--recheck-after", metavar="DURATION",
                            help="re-check known articles after this long (30s, 6h, 1d, 1h30m; "
                                 "default 1d)")
        parser.add_argument("--redis", metavar="URL",
                            help="distributed crawl: share the frontier in this Redis "
                                 "(redis://HOST:PORT/DB); workers join with 'crawler worker'")
        parser.add_argument("--summary-json", metavar="FILE",
                            help="also write the summary as JSON to FILE")
        parser.add_argument("-q", "--quiet", action="store_true",
                            help="no progress display: only warnings, errors and the summary")
        parser.add_argument("-v", "--verbose", action="store_true",
                            help="also show Scrapy's own log (INFO, or the level of -L)")

    def output_options(self, opts: argparse.Namespace) -> None:
        """What the crawl shows besides its summary: a progress display (live on a
        terminal, else log lines) unless --quiet; Scrapy's own log only with
        --verbose or a log level given (-L LEVEL, -s LOG_LEVEL=LEVEL). Scrapy logs
        its start-up while the crawler process is made (before :meth:`run`), so
        that is done at WARNING; :meth:`run` puts back the log level for the crawl."""
        s = self.settings
        assert s is not None
        level_given = (s.getpriority("LOG_LEVEL") or 0) >= SETTINGS_PRIORITIES["cmdline"]
        if opts.quiet and opts.verbose:
            raise UsageError("--quiet and --verbose exclude each other", print_help=False)
        if opts.quiet:
            s.set("CRAWLER_PROGRESS_ENABLED", False, priority="cmdline")
            if not level_given:
                s.set("LOG_LEVEL", "WARNING", priority="cmdline")
        elif opts.verbose and not level_given:
            s.set("LOG_LEVEL", "INFO", priority="cmdline")
        self.log_level = None
        if not (opts.verbose or level_given):
            self.log_level = s.get("LOG_LEVEL")
            if level_number(self.log_level) < logging.WARNING:
                s.set("LOG_LEVEL", "WARNING", priority="cmdline")

    def quiet_libraries(self) -> None:
        """Before the crawler is made: our log at its level, the libraries' from WARNING."""
        level = self.log_level
        if level is None:
            return
        assert self.settings is not None
        self.settings.set("LOG_LEVEL", level, priority="cmdline")
        handler = get_scrapy_root_handler()
        if handler is not None:
            handler.setLevel(level)
        for name in LIBRARY_LOGGERS:
            logger = logging.getLogger(name)
            logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
        process = logging.getLogger("scrapy.crawler")  # Ctrl-C is acknowledged, at INFO
        process.setLevel(level)
        process.addFilter(ShutdownNotices())

    def limits(self, opts: argparse.Namespace) -> None:
        """--max-pages, --max-depth and --recheck-after into settings."""
        s = self.settings
        assert s is not None
        for value, name in ((opts.max_pages, "--max-pages"), (opts.max_depth, "--max-depth")):
            if value is not None and value < 0:
                raise UsageError(f"{name} must be 0 or more", print_help=False)
        if opts.max_pages:
            s.set("CLOSESPIDER_PAGECOUNT", opts.max_pages, priority="cmdline")
        if opts.max_depth is not None:
            s.set("DEPTH_LIMIT", opts.max_depth, priority="cmdline")
        if opts.recheck_after is not None:
            try:
                parse_duration(opts.recheck_after)
            except ValueError as exc:
                raise UsageError(str(exc), print_help=False) from None
            s.set("CRAWLER_RECHECK_AFTER", opts.recheck_after, priority="cmdline")

    def seeds(self, args: list[str], opts: argparse.Namespace) -> list[str]:
        urls = list(args)
        if opts.seeds:
            try:
                urls += read_seeds(opts.seeds)
            except FileNotFoundError:
                raise UsageError(f"seeds file not found: {opts.seeds}", print_help=False) from None
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"cannot read seeds file {opts.seeds}: {exc}",
                                 print_help=False) from None
        if not urls:
            raise UsageError("give at least one URL or --seeds FILE", print_help=False)
        for url in urls:
            if not is_http_url(url):
                raise UsageError(f"not an http(s) URL: {url!r}", print_help=False)
        return urls

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        self.urls = self.seeds(args, opts)
        s = self.settings
        assert s is not None
        if opts.output:
            s.set("CRAWLER_OUTPUT_DIR", opts.output, priority="cmdline")
        s.set("CRAWLER_JOB", safe_name(opts.job) if opts.job else job_name_for(self.urls),
              priority="cmdline")
        self.limits(opts)
        if opts.user_agent:
            s.set("USER_AGENT", opts.user_agent, priority="cmdline")
        self.allow = opts.allow_domain
        self.output_options(opts)
        check_extraction_settings(s)
        if opts.redis:
            use_redis(s, opts.redis, new_crawl=bool(self.urls))
        check_writable(job_dir(s))
        self.queue = use_disk_queue(s)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None
        self.quiet_libraries()
        crawler = self.crawler_process.create_crawler(ArticleSpider)
        self.crawler_process.crawl(crawler, start=self.urls, allow_domains=self.allow)
        self.crawler_process.start()
        data = summary_data(crawler.stats.get_stats())
        print(format_summary(data))
        if opts.summary_json:
            Path(opts.summary_json).write_text(json.dumps(data, default=str, indent=2))
        if (data["finish_reason"] not in ("finished", "closespider_pagecount")
                or crawler.stats.get_value("output/write_error")):  # e.g. at the very end
            self.exitcode = 1
        if self.queue is not None:
            shutil.rmtree(self.queue, ignore_errors=True)
