"""``crawler check [--repair] PATH [PATH ...]``: verify WARC files and article
JSON lines; with ``--repair``, first repair what a killed crawl left
(``crawler/warc/repair.py``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.jobfolder import kind_of, scan
from crawler.warc.check import CheckCounts, check_jsonl, check_warc
from crawler.warc.repair import repair_files


def collect(args: list[str]) -> tuple[list[Path], list[Path]]:
    """The WARC files (closed or ``.open``) and JSON lines files ``args`` name."""
    warcs: list[Path] = []
    jsonl: list[Path] = []
    for arg in args:
        try:
            found = scan([arg])
        except FileNotFoundError as exc:
            raise UsageError(str(exc), print_help=False) from None
        if found.other or (Path(arg).is_file() and (found.wacz or found.arcs)):
            raise UsageError(f"not a WARC or JSON lines file: {arg}", print_help=False)
        warcs += [p for p in found.order if kind_of(p) in ("warc", "open_warc")]
        jsonl += found.jsonl
    return warcs, jsonl


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "PATH [PATH ...]"

    def short_desc(self) -> str:
        return "Verify WARC files (structure, digests) and article JSON lines (schema, pointers)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--repair", action="store_true",
                            help="first repair files left by a killed crawl: cut a WARC file "
                                 "after its last complete record and close it (*.open), drop "
                                 "an incomplete last JSON line")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give a job folder, WARC files or JSON lines files",
                             print_help=False)
        warcs, jsonl = collect(args)
        if not warcs and not jsonl:
            raise UsageError("no WARC or JSON lines files found", print_help=False)
        counts = CheckCounts()
        problems = 0
        if opts.repair:
            warcs, jsonl, problems = self.repair(warcs, jsonl)
        for path in warcs:
            if path.name.endswith(".open"):
                print(f"{path}: still open (being written, or left by a killed crawl: "
                      "repair with --repair)")
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

    @staticmethod
    def repair(warcs: list[Path], jsonl: list[Path]) -> tuple[list[Path], list[Path], int]:
        """Repair the files; return them under their new names, and the number
        of files that could not be repaired (each reported on its own line)."""
        problems = repaired = 0
        after: dict[Path, Path | None] = {}
        for done in repair_files([*warcs, *jsonl]):
            if done.changed or done.problem:
                print(done)
            repaired += done.changed
            # a file being written is not checked: its last record may be half-written
            problems += done.action == "in_use"
            after[done.original] = done.path if done.action not in ("removed", "in_use") else None
        print(f"repaired {repaired} file(s)")
        warcs = [p for p in (after[w] for w in warcs) if p is not None]
        jsonl = [p for p in (after[j] for j in jsonl) if p is not None]
        return warcs, jsonl, problems
