"""``crawler export PATH --format parquet|csv|jsonl -o FILE``: a job's articles
for data tools (docs/export.md)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.export import FORMATS, write_csv, write_jsonl, write_parquet
from crawler.jobfolder import ARTICLES_GLOB
from crawler.jsonl import RecordError, iter_records, jsonl_files


def output_format(opts: argparse.Namespace) -> str:
    if opts.format:
        return opts.format
    suffix = Path(opts.output).suffix.lstrip(".").lower()
    if suffix in FORMATS:
        return suffix
    raise UsageError("give --format parquet, csv or jsonl (or an -o FILE ending in one)",
                     print_help=False)


class Command(ScrapyCommand):
    requires_crawler_process = False
    requires_project = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "PATH [PATH ...] --format parquet|csv|jsonl -o FILE [--all-versions]"

    def short_desc(self) -> str:
        return "Export a job's articles as Parquet, CSV or JSON lines"

    def long_desc(self) -> str:
        return ("Write the articles of a job folder (or of JSON lines files) as Parquet, "
                "CSV or JSON lines with the documented schema: by default the latest "
                "version of each article, with --all-versions every record. -o - writes "
                "CSV or JSON lines to standard output.")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-f", "--format", choices=FORMATS,
                            help="output format (default: from the -o file's extension)")
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="file to write (replaced if it exists), or - for stdout")
        parser.add_argument("--all-versions", action="store_true",
                            help="every version of each article, not only the latest")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give a job folder or JSON lines files", print_help=False)
        if not opts.output:
            raise UsageError("give the output file with -o FILE (or -o -)", print_help=False)
        fmt = output_format(opts)
        try:
            files = jsonl_files(args)
        except RecordError as exc:
            raise UsageError(str(exc), print_help=False) from None
        if not files:
            raise UsageError(f"no {ARTICLES_GLOB} files found", print_help=False)
        records = iter_records(files, all_versions=opts.all_versions)
        try:
            if opts.output == "-":
                if fmt == "parquet":
                    raise UsageError("Parquet needs a file: -o FILE.parquet", print_help=False)
                try:
                    count = (write_csv if fmt == "csv" else write_jsonl)(records, sys.stdout)
                    sys.stdout.flush()
                except BrokenPipeError:  # the reader stopped early (| head): no traceback
                    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                    self.exitcode = 1
                    return
            else:
                count = self.write_file(records, fmt, Path(opts.output))
        except RecordError as exc:
            raise UsageError(str(exc), print_help=False) from None
        where = "standard output" if opts.output == "-" else opts.output
        print(f"{count} article records written to {where} ({fmt})", file=sys.stderr)

    @staticmethod
    def write_file(records: Iterable[dict[str, Any]], fmt: str, path: Path) -> int:
        """Written next to ``path`` and moved in place, so a failed export leaves
        no half file."""
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            if fmt == "parquet":
                count = write_parquet(records, tmp)
            else:
                newline = "" if fmt == "csv" else "\n"
                with open(tmp, "w", encoding="utf-8", newline=newline) as stream:
                    count = (write_csv if fmt == "csv" else write_jsonl)(records, stream)
            tmp.replace(path)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}",
                             print_help=False) from None
        finally:
            tmp.unlink(missing_ok=True)
        return count
