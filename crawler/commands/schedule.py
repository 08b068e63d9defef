"""``crawler schedule FILE``: run the jobs of a TOML jobs file when they are due, forever.

Each run is ``crawler crawl`` in a subprocess, its output in
``OUTPUT/JOB/logs/<timestamp>.log``; this command's own log (one line per run
start and result, plus the crawl's summary) goes to stderr or ``--logfile``.
SIGTERM or Ctrl-C stops it cleanly. See ``docs/scheduling.md``.
"""

from __future__ import annotations

import argparse
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.scheduling.config import ConfigError, load_config
from crawler.scheduling.scheduler import Scheduler, first_run, setup_logging, utcnow


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "INFO"}

    def syntax(self) -> str:
        return "[options] FILE"

    def short_desc(self) -> str:
        return "Run the crawl jobs of a TOML jobs file on their schedules"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--job", action="append", default=[], metavar="NAME",
                            help="schedule only this job (repeatable)")
        parser.add_argument("--list", action="store_true",
                            help="print each job's schedule, next run and command, then exit")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            raise UsageError("give one jobs file: crawler schedule FILE", print_help=False)
        try:
            config = load_config(args[0])
        except ConfigError as exc:
            raise UsageError(str(exc), print_help=False) from None
        unknown = [name for name in opts.job if name not in config.names]
        if unknown:
            raise UsageError(f"{args[0]}: no job {unknown[0]!r} "
                             f"(jobs: {', '.join(config.names)})", print_help=False)
        self.jobs = [job for job in config.jobs if not opts.job or job.name in opts.job]

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if opts.list:
            now = utcnow()
            for job in self.jobs:
                at = first_run(job, now)
                when = "now" if at <= now else at.astimezone().isoformat(timespec="seconds")
                print(f"{job.name}: {job.schedule}; next run {when}")
                print(f"  output: {job.job_dir}")
                print(f"  crawler crawl {' '.join(job.crawl_argv())}")
            return
        s = self.settings
        assert s is not None
        setup_logging(s.get("LOG_FILE"), s.get("LOG_LEVEL") or "INFO", s.getbool("LOG_ENABLED"))
        scheduler = Scheduler(self.jobs)
        scheduler.install_signal_handlers()
        scheduler.run()
