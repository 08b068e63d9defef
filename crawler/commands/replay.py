"""``crawler replay PATH [PATH ...]``: re-extract articles from WARC/WACZ archives,
offline (no network access at all)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.frontier.fingerprint import cleaner_from_settings
from crawler.options import extraction_options, template_options
from crawler.replay.reextract import ReplayOptions, ReplayStats, replay
from crawler.warc.reader import ArchiveError, find_archives

if TYPE_CHECKING:
    from rich.live import Live


class ReplayProgress:
    """Replay progress on stderr (called every 200 pages and at the end): one
    line redrawn in place on a terminal (unless the articles go to the same
    terminal), else one line each time."""

    def __init__(self, articles_to_terminal: bool = False) -> None:
        from rich.console import Console

        self.console = Console(stderr=True, highlight=False)
        self.live_line = (self.console.is_terminal and not self.console.is_dumb_terminal
                          and not articles_to_terminal)
        self.live: Live | None = None
        self.started = time.monotonic()

    def __call__(self, stats: ReplayStats) -> None:
        c = stats.counts
        line = f"replay: {c['pages']} pages, {c['articles']} articles"
        if not self.live_line:
            print(line, file=sys.stderr, flush=True)
            return
        from rich.live import Live
        from rich.text import Text

        elapsed = time.monotonic() - self.started
        text = Text(f"{line} ({c['pages'] / elapsed if elapsed else 0:.1f} pages/s)")
        if self.live is None:
            self.live = Live(text, console=self.console, auto_refresh=False, transient=True,
                             redirect_stdout=False, redirect_stderr=False)
            self.live.start()
        self.live.update(text, refresh=True)

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[-o OUT.jsonl|-] PATH [PATH ...]"

    def short_desc(self) -> str:
        return "Re-extract articles from WARC/WACZ archives, offline"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", default="-",
                            help="JSON lines file, or - for stdout (default)")
        parser.add_argument("--no-template", action="store_true",
                            help="do not learn and remove site templates")
        parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if not args:
            raise UsageError("give at least one WARC, WACZ or folder", print_help=False)
        try:
            self.archives = find_archives(args)
        except ArchiveError as exc:
            raise UsageError(str(exc), print_help=False) from None
        if not self.archives:
            raise UsageError("no WARC or WACZ files found in " + ", ".join(args),
                             print_help=False)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        to_stdout = opts.output == "-"
        out_path = None if to_stdout else Path(opts.output)
        options = ReplayOptions(
            extraction=extraction_options(self.settings),
            template=None if opts.no_template else template_options(self.settings),
            cleaner=cleaner_from_settings(self.settings),
            relative_to=out_path.parent if out_path is not None else None,
        )
        stats = ReplayStats()
        progress = None if opts.quiet else ReplayProgress(to_stdout and sys.stdout.isatty())
        try:
            out = (sys.stdout if out_path is None  # to stdout
                   else open(out_path, "w", encoding="utf-8"))  # noqa: SIM115 - closed below
        except OSError as exc:
            raise UsageError(f"cannot write {opts.output}: {exc.strerror}", print_help=False) \
                from None
        try:
            for article in replay(self.archives, options, stats, progress):
                out.write(article.to_json() + "\n")
                out.flush()
        finally:
            if progress is not None:
                progress.close()
            if not to_stdout:
                out.close()
        if not opts.quiet:
            dropped = ", ".join(f"{k.removeprefix('dropped/')} {v}" for k, v in
                                sorted(stats.counts.items()) if k.startswith("dropped/"))
            print(f"replay: done, {stats.counts['articles']} articles from "
                  f"{len(self.archives)} WARC files; not articles: {dropped or 'none'}",
                  file=sys.stderr)
