"""``crawler run JOB --config FILE``: run one job of a jobs file once, now.

For system cron and systemd timers: same command, output folder and per-run
log file (``OUTPUT/JOB/logs/<timestamp>.log``) as ``crawler schedule``; the
run's result and the crawl's summary are logged to stderr (or ``--logfile``),
and the exit code is the crawl's (75 if the job is already running, 124 on its
timeout). The job's ``cron``/``every`` is not looked at.
"""

from __future__ import annotations

import argparse
import signal
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.scheduling.config import ConfigError, load_config
from crawler.scheduling.scheduler import StopFlag, log_result, logger, run_job, setup_logging


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "INFO"}

    def syntax(self) -> str:
        return "JOB --config FILE"

    def short_desc(self) -> str:
        return "Run one job of a TOML jobs file once (for cron or systemd timers)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-c", "--config", metavar="FILE", help="the TOML jobs file")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            raise UsageError("give one job name: crawler run JOB --config FILE",
                             print_help=False)
        if not opts.config:
            raise UsageError("give the jobs file: crawler run JOB --config FILE",
                             print_help=False)
        try:
            config = load_config(opts.config)
        except ConfigError as exc:
            raise UsageError(str(exc), print_help=False) from None
        if args[0] not in config.names:
            raise UsageError(f"{opts.config}: no job {args[0]!r} "
                             f"(jobs: {', '.join(config.names)})", print_help=False)
        self.job = config.job(args[0])

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        s = self.settings
        assert s is not None
        setup_logging(s.get("LOG_FILE"), s.get("LOG_LEVEL") or "INFO", s.getbool("LOG_ENABLED"))
        stop = StopFlag()

        def on_signal(signum: int, frame: object) -> None:
            logger.warning("received %s; stopping the crawl", signal.Signals(signum).name)
            stop.request()

        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, on_signal)
        logger.info("%s: starting run", self.job.name)
        result = run_job(self.job, stop=stop)
        log_result(result)
        self.exitcode = result.exit_code
