"""``crawler check [--repair] PATH [PATH ...]``: verify WARC, ARC and WACZ
files and article JSON lines; with ``--repair``, first repair what a killed
crawl left (``crawler/warc/repair.py``)."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.jobfolder import kind_of, scan
from crawler.warc.check import CheckCounts, Finding, check_jsonl, check_warc, sniff
from crawler.warc.digests import CHUNKED, DECHUNKED
from crawler.warc.pointers import Pointers
from crawler.warc.reader import Archive, ArchiveError, find_archives
from crawler.warc.repair import repair_files
from crawler.warc.waczcheck import check_wacz

#: Problem lines shown per file; the rest are counted.
MAX_LINES_PER_FILE = 20


@dataclass
class Targets:
    """The files a check covers, by kind, in the order found."""

    warcs: list[Path] = field(default_factory=list)  # WARC and ARC, closed or ``.open``
    wacz: list[Path] = field(default_factory=list)
    jsonl: list[Path] = field(default_factory=list)


def collect(args: list[str]) -> Targets:
    """The files ``args`` name; a file named explicitly whose name says
    nothing (``x.warc.gz.bad``) is taken for what its first bytes are."""
    targets = Targets()
    for arg in args:
        try:
            found = scan([arg])
        except FileNotFoundError as exc:
            raise UsageError(str(exc), print_help=False) from None
        for path in found.order:
            kind = kind_of(path)
            if kind == "jsonl":
                targets.jsonl.append(path)
            elif kind == "wacz":
                targets.wacz.append(path)
            else:
                targets.warcs.append(path)
        for path in found.other:
            try:
                kind = sniff(path)
            except OSError as exc:
                raise UsageError(f"cannot read {arg}: {exc}", print_help=False) from None
            if kind is None:
                raise UsageError(f"not a WARC, ARC, WACZ or JSON lines file: {arg}",
                                 print_help=False)
            (targets.wacz if kind == "wacz" else targets.warcs).append(path)
    return targets


def given_archives(targets: Targets) -> list[Archive]:
    """The WARC files a revisit's original may be in: those given, and those
    inside the WACZ files given."""
    archives = [Archive(p) for p in targets.warcs if kind_of(p) == "warc"]
    for path in targets.wacz:
        with contextlib.suppress(ArchiveError):  # the WACZ's own check says what is wrong
            archives += find_archives([path])
    return archives


def digest_summary(counts: CheckCounts) -> str | None:
    if not counts.digests:
        return None
    return (f"payload digests of chunked records: {counts.digests[DECHUNKED]} over the "
            f"de-chunked payload, {counts.digests[CHUNKED]} over the chunked bytes (warcio)")


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "PATH [PATH ...]"

    def short_desc(self) -> str:
        return ("Verify WARC, ARC and WACZ files (structure, mandatory fields, digests) and "
                "article JSON lines (schema, pointers)")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--repair", action="store_true",
                            help="first repair files left by a killed crawl: cut a WARC file "
                                 "after its last complete record and close it (*.open), drop "
                                 "an incomplete last JSON line")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give a job folder, WARC, ARC or WACZ files or JSON lines files",
                             print_help=False)
        targets = collect(args)
        if not (targets.warcs or targets.wacz or targets.jsonl):
            raise UsageError("no WARC, ARC, WACZ or JSON lines files found", print_help=False)
        counts = CheckCounts()
        problems = 0
        if opts.repair:  # what a crawl writes: WARC files and JSON lines
            ours = [p for p in targets.warcs if kind_of(p) in ("warc", "open_warc")]
            others = [p for p in targets.warcs if p not in ours]
            ours, targets.jsonl, problems = self.repair(ours, targets.jsonl)
            targets.warcs = ours + others
        for path in targets.warcs:
            if path.name.endswith(".open"):
                print(f"{path}: still open (being written, or left by a killed crawl: "
                      "repair with --repair)")
                problems += 1
            problems += self.report(path, check_warc(path, counts))
        for path in targets.wacz:
            problems += self.report(path, check_wacz(path, counts))
        pointers = Pointers(given_archives(targets))
        for path in targets.jsonl:
            problems += self.report(path, check_jsonl(path, counts, pointers))
        summary = digest_summary(counts)
        if summary:
            print(summary)
        more = "".join(f", {n} {kind} files" for n, kind in
                       ((counts.arc_files, "ARC"), (counts.wacz_files, "WACZ")) if n)
        print(f"checked {counts.warc_files} WARC files{more} ({counts.records} records) and "
              f"{counts.json_lines} JSON lines: {problems} problem(s)")
        self.exitcode = 1 if problems else 0

    @staticmethod
    def report(path: Path, findings: Iterable[Finding]) -> int:
        """Print the findings of one file (at most ``MAX_LINES_PER_FILE``
        problems); return the number of problems."""
        problems = 0
        for finding in findings:
            problems += not finding.note
            if finding.note or problems <= MAX_LINES_PER_FILE:
                print(finding)
        if problems > MAX_LINES_PER_FILE:
            print(f"{path}: {problems - MAX_LINES_PER_FILE} more problem(s) not shown")
        return problems

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
