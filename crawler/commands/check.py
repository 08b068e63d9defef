"""``crawler check PATH [PATH ...]``: verify WARC files and article JSON lines."""

from __future__ import annotations

import argparse
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.replay.check import CheckCounts, check_jsonl, check_warc

WARC_SUFFIXES = (".warc", ".warc.gz", ".warc.gz.open", ".warc.open")


def collect(args: list[str]) -> tuple[list[Path], list[Path]]:
    warcs: list[Path] = []
    jsonl: list[Path] = []
    for arg in args:
        path = Path(arg)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}", print_help=False)
        for f in files:
            if f.name.endswith(WARC_SUFFIXES):
                warcs.append(f)
            elif f.suffix == ".jsonl":
                jsonl.append(f)
            elif not path.is_dir():
                raise UsageError(f"not a WARC or JSON lines file: {f}", print_help=False)
    return warcs, jsonl


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "PATH [PATH ...]"

    def short_desc(self) -> str:
        return "Verify WARC files (structure, digests) and article JSON lines (schema, pointers)"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give a job folder, WARC files or JSON lines files",
                             print_help=False)
        warcs, jsonl = collect(args)
        if not warcs and not jsonl:
            raise UsageError("no WARC or JSON lines files found", print_help=False)
        counts = CheckCounts()
        problems = 0
        for path in warcs:
            if path.name.endswith(".open"):
                print(f"{path}: still open (being written, or left by a killed crawl)")
                problems += 1
            for problem in check_warc(path, counts):
                print(problem)
                problems += 1
        for path in jsonl:
            for problem in check_jsonl(path, counts):
                print(problem)
                problems += 1
        print(f"checked {counts.warc_files} WARC files ({counts.records} records) and "
              f"{counts.json_lines} JSON lines: {problems} problem(s)")
        self.exitcode = 1 if problems else 0
