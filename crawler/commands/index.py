"""``crawler index PATH [PATH ...]``: write a CDXJ index next to WARC files.
A file that cannot be indexed is named on a line of its own and left out; the
others are indexed; the exit code is 1 when any file was left out."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.warc.index import INDEX_NAME, index_files, warcs_in


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
        failed = 0
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
            unindexed = index_files(warcs, output)
            for bad in unindexed:
                print(bad)
            failed += len(unindexed)
            print(f"{output}: {len(warcs) - len(unindexed)} WARC files indexed"
                  + (f", {len(unindexed)} not" if unindexed else ""))
        self.exitcode = 1 if failed else 0
