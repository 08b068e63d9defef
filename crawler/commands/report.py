"""``crawler report PATH -o report.html``: a crawl report with charts, as one
self-contained HTML file (docs/report.md)."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.extensions.runstats import health_options
from crawler.jsonl import RecordError
from crawler.warc.reader import ArchiveError


class Command(ScrapyCommand):
    requires_crawler_process = False
    requires_project = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "PATH [PATH ...] [-o report.html]"

    def short_desc(self) -> str:
        return "Write a crawl report (charts, sites, extraction health) as one HTML file"

    def long_desc(self) -> str:
        return ("Report on a job folder (or on JSON lines and WARC files): articles by "
                "publication date, responses by HTTP status, a table per site, the "
                "extraction health of each run. One HTML file that needs no network.")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE", default="report.html",
                            help="HTML file to write (default: report.html)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from crawler.report import build

        if not args:
            raise UsageError("give a job folder, or JSON lines and WARC files",
                             print_help=False)
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        assert self.settings is not None
        try:
            html, data = build(args, generated=generated, options=health_options(self.settings))
        except (ArchiveError, RecordError) as exc:
            raise UsageError(str(exc), print_help=False) from None
        path = Path(opts.output)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(html, encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}",
                             print_help=False) from None
        print(f"Report written to {path}: {data.articles} articles, "
              f"{sum(data.statuses.values())} responses, {len(data.sites)} sites")
