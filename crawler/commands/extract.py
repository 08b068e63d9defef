"""``crawler extract FILE [FILE ...]``: article JSON lines from saved HTML files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.articles import record_fields
from crawler.extraction import EXTRACTOR_NAME, extract, extractor_version
from crawler.options import check_extraction_settings, extraction_options
from crawler.schema import Article, ExtractorInfo


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[--url URL] FILE [FILE ...]"

    def short_desc(self) -> str:
        return "Extract articles from saved HTML files (JSON lines on stdout)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--url", help="the pages' URL (default: the file's file:// URI)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if not args:
            raise UsageError("give at least one HTML file", print_help=False)
        for name in args:
            if not Path(name).is_file():
                raise UsageError(f"no such file: {name}", print_help=False)
        assert self.settings is not None
        check_extraction_settings(self.settings)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        options = extraction_options(self.settings)
        info = ExtractorInfo(name=EXTRACTOR_NAME, version=extractor_version())
        for name in args:
            path = Path(name)
            url = opts.url or path.resolve().as_uri()
            ext = extract(path.read_bytes(), url, options=options)
            article = Article(
                url=url, extractor=info, reason=ext.reason, warc=None,
                **{k: v for k, v in record_fields(ext).items() if k != "blocks"},
            )
            sys.stdout.write(article.to_json() + "\n")
        sys.stdout.flush()
