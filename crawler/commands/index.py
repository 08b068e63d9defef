"""``crawler index PATH [PATH ...]``: write a CDXJ index next to WARC files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.warc.index import INDEX_NAME, warcs_in, write_cdxj


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "PATH [PATH ...]"

    def short_desc(self) -> str:
        return "Write a CDXJ index (index.cdxj) of the WARC files in each folder"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", help="index file (default: PATH/warc/index.cdxj "
                            "for a job folder, else PATH/index.cdxj)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give a job folder or a folder of WARC files", print_help=False)
        for arg in args:
            folder = Path(arg)
            if not folder.is_dir():
                raise UsageError(f"not a folder: {folder}", print_help=False)
            if (folder / "warc").is_dir():
                folder = folder / "warc"
            warcs = warcs_in(folder)
            if not warcs:
                raise UsageError(f"no WARC files in {folder}", print_help=False)
            output = Path(opts.output) if opts.output else folder / INDEX_NAME
            write_cdxj(warcs, output)
            print(f"{output}: {len(warcs)} WARC files indexed")
