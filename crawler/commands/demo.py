"""``crawler demo``: serve the bundled news site on 127.0.0.1 and crawl it.

Same crawl as ``crawler crawl`` (same output and summary); only politeness
delays are off, since the site is our own and local.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any, ClassVar

from scrapy.exceptions import UsageError

from crawler.commands.crawl import Command as CrawlCommand
from crawler.demo.server import DemoServer
from crawler.jobfolder import is_job


class Command(CrawlCommand):
    #: Set at command-line priority, above the project's politeness defaults.
    local_settings: ClassVar[dict[str, Any]] = {
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    }

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Crawl the bundled demo news site (served on 127.0.0.1)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--port", type=int, default=0,
                            help="port of the demo site (default: any free port)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        if args:
            raise UsageError("demo takes no URL; use 'crawler crawl URL'", print_help=False)
        settings = self.settings
        assert settings is not None
        self.server = DemoServer(host="127.0.0.1", port=opts.port)
        self.server.start()
        if not opts.job:
            opts.job = "demo"
        self.fresh_start(Path(opts.output or settings.get("CRAWLER_OUTPUT_DIR")) / opts.job)
        for name, value in self.local_settings.items():
            settings.set(name, value, priority="cmdline")
        if not (opts.loglevel or opts.verbose):
            # the summary (and the live panel on a terminal) says it all
            settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
        try:
            super().process_options([self.server.base_url + "/"], opts)
        except BaseException:
            self.server.stop()
            raise

    @staticmethod
    def fresh_start(folder: Path) -> None:
        """The demo shows a first crawl every time: an earlier demo's output (and
        job state, which would make this run an incremental re-check) goes."""
        if is_job(folder):
            shutil.rmtree(folder)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        print(f"Demo site served at {self.server.base_url}/")
        try:
            super().run(args, opts)
        finally:
            self.server.stop()
