"""``crawler replay PATH [PATH ...]``: re-extract articles from WARC/WACZ archives,
offline (no network access at all), on every core, resuming after a kill
(``-o OUT``: per-archive checkpoints, :mod:`crawler.replay.checkpoint`), keeping
only the hosts, languages and publication dates asked for
(:mod:`crawler.replay.filters`)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sqlite3
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.options import check_extraction_settings, replay_options
from crawler.pipelines.extraction import extract_processes
from crawler.replay.checkpoint import Checkpoint, CheckpointError, checkpoint_path
from crawler.replay.filters import FilterError, PageFilter
from crawler.replay.reextract import (
    ArchiveDone,
    Replay,
    ReplayOptions,
    ReplayStats,
    arguments,
)
from crawler.warc.reader import ArchiveError, find_archives
from crawler.writefailure import describe

if TYPE_CHECKING:
    from rich.live import Live


@contextmanager
def ctrl_c() -> Iterator[threading.Event]:
    """Ctrl-C during a replay: raised at once as ``KeyboardInterrupt``, as
    Python's own handler does, and kept in the event the replay checks at each
    page (:class:`Replay`'s ``interrupted``), for when a library's bare
    ``except:`` swallowed the exception. Outside the main thread (no signal
    handler can be set there) the event is never set."""
    pressed = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield pressed
        return

    def handler(signum: int, frame: Any) -> None:
        pressed.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


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


def summary(counts: Counter[str], archives: int) -> str:
    """The last line: articles, why pages were not articles, what each filter
    removed (and how much of it before extraction)."""
    dropped = ", ".join(f"{k.removeprefix('dropped/')} {v}" for k, v in sorted(counts.items())
                        if k.startswith("dropped/"))
    line = (f"replay: done, {counts['articles']} articles from {archives} WARC files; "
            f"not articles: {dropped or 'none'}")
    parts = []
    for name in ("host", "language", "published"):
        found = {k.split("/")[2] if k.count("/") == 2 else "": v for k, v in counts.items()
                 if k.startswith(f"filtered/{name}")}
        if not found:
            continue
        detail = [f"{found['declared']} before extraction"] if found.get("declared") else []
        for key, label in (("unknown", "with no language"), ("undated", "with no date")):
            if found.get(key):
                detail.append(f"{found[key]} {label}")
        parts.append(f"{name} {sum(found.values())}"
                     + (f" ({', '.join(detail)})" if detail else ""))
    return line + (f"; filtered out: {', '.join(parts)}" if parts else "")


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return ("[-o OUT.jsonl|-] [--processes N] [--restart] [--host HOST] [--language LANG] "
                "[--published-after DATE] [--published-before DATE] PATH [PATH ...]")

    def short_desc(self) -> str:
        return "Re-extract articles from WARC/WACZ archives, offline"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", default="-",
                            help="JSON lines file, or - for stdout (default)")
        parser.add_argument("--processes", type=int, metavar="N",
                            help="extraction processes (default: CRAWLER_EXTRACT_PROCESSES, "
                                 "one per core; 0 extracts in the reading process)")
        parser.add_argument("--restart", action="store_true",
                            help="start from the first archive, ignoring the checkpoint "
                                 "of a run that was stopped")
        parser.add_argument("--host", action="append", metavar="HOST",
                            help="keep pages of this host (news.example, also www.) or of "
                                 "hosts under a suffix (.example); repeatable")
        parser.add_argument("--language", action="append", metavar="LANG",
                            help="keep articles in this language (en, de; comma-separated "
                                 "or repeated)")
        parser.add_argument("--published-after", metavar="YYYY-MM-DD",
                            help="keep articles published on this day or later")
        parser.add_argument("--published-before", metavar="YYYY-MM-DD",
                            help="keep articles published on this day or earlier")
        parser.add_argument("--no-template", action="store_true",
                            help="do not learn and remove site templates")
        parser.add_argument("-q", "--quiet", action="store_true",
                            help="nothing on stderr but errors")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if not args:
            raise UsageError("give at least one WARC, WACZ or folder", print_help=False)
        check_extraction_settings(self.settings)
        try:
            self.filters = PageFilter.from_arguments(opts.host, opts.language,
                                                     opts.published_after,
                                                     opts.published_before)
        except FilterError as exc:
            raise UsageError(str(exc), print_help=False) from None
        self.processes = extract_processes(self.settings) if opts.processes is None \
            else opts.processes
        if self.processes < 0:
            raise UsageError("--processes: give 0 or more", print_help=False)
        try:
            self.archives = find_archives(args)
        except ArchiveError as exc:
            raise UsageError(str(exc), print_help=False) from None
        if not self.archives:
            raise UsageError("no WARC or WACZ files found in " + ", ".join(args),
                             print_help=False)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        # the reader's warnings (skipped records, revisits without original) go
        # to logging; with -q only errors are shown
        logging.getLogger().setLevel(logging.ERROR if opts.quiet else logging.WARNING)
        to_stdout = opts.output == "-"
        out_path = None if to_stdout else Path(opts.output)
        options = replay_options(
            self.settings, template=not opts.no_template,
            relative_to=out_path.parent if out_path is not None else None,
            processes=self.processes, filters=self.filters)
        stats = ReplayStats()
        progress = None if opts.quiet else ReplayProgress(to_stdout and sys.stdout.isatty())
        try:
            with ctrl_c() as pressed:
                if out_path is None:
                    self.write(Replay(self.archives, options, stats, progress,
                                      interrupted=pressed), sys.stdout)
                elif out_path.exists() and not out_path.is_file():  # /dev/null, a pipe
                    with self.open_output(out_path, None) as out:
                        self.write(Replay(self.archives, options, stats, progress,
                                          interrupted=pressed), out)
                else:
                    self.write_file(out_path, options, stats, progress, opts, pressed)
        except (OSError, sqlite3.Error, KeyboardInterrupt) as exc:
            # the disk full, the file system read-only; Ctrl-C
            resume = "; run again to resume" if out_path is not None \
                and checkpoint_path(out_path).exists() else ""
            if isinstance(exc, KeyboardInterrupt):
                print(f"replay: stopped{resume}", file=sys.stderr)
                self.exitcode = 130
            else:
                print(f"crawler: error: cannot write {opts.output}: {describe(exc)}{resume}",
                      file=sys.stderr)
                self.exitcode = 1
            return
        finally:
            if progress is not None:
                progress.close()
        if not opts.quiet:
            print(summary(stats.counts, len(self.archives)), file=sys.stderr)

    def write_file(self, out_path: Path, options: ReplayOptions, stats: ReplayStats,
                   progress: ReplayProgress | None, opts: argparse.Namespace,
                   interrupted: threading.Event | None = None) -> None:
        """Replay into ``out_path``, checkpointed after each archive; go on from
        the checkpoint of a run that was stopped, unless --restart."""
        path = checkpoint_path(out_path)
        try:
            made_with = arguments(self.archives, options)
        except OSError as exc:  # an archive gone since it was found
            raise UsageError(f"cannot read {exc.filename}: {exc.strerror}",
                             print_help=False) from None
        try:
            if path.exists() and not opts.restart:
                checkpoint = Checkpoint.resume(path, made_with)
            else:
                checkpoint = Checkpoint.start(path, made_with)
        except CheckpointError as exc:
            raise UsageError(str(exc), print_help=False) from None
        saved = checkpoint.saved
        try:
            out = self.open_output(out_path, saved.output_bytes if saved else None)
        except BaseException:
            checkpoint.close()
            raise
        if saved is not None and not opts.quiet:
            print(f"replay: resuming {out_path} after {saved.archives_done} of "
                  f"{len(self.archives)} WARC files", file=sys.stderr)
        run = Replay(self.archives, options, stats, progress, claims=checkpoint.claims,
                     saved=saved, interrupted=interrupted)

        def archive_done(done: ArchiveDone) -> None:
            out.flush()
            os.fsync(out.fileno())
            checkpoint.save(done.done, os.fstat(out.fileno()).st_size, done.counts,
                            run.finisher)

        finished = False
        try:
            self.write(run, out, archive_done)
            finished = True
        finally:
            out.close()
            if finished:
                checkpoint.remove()
            else:
                checkpoint.close()

    @staticmethod
    def open_output(path: Path, length: int | None) -> IO[str]:
        """``path`` for writing: new, or (``length`` given: resuming) cut back
        to ``length`` bytes, as its checkpoint recorded it."""
        try:
            if length is None:
                return open(path, "w", encoding="utf-8")
            out = open(path, "r+", encoding="utf-8")  # noqa: SIM115
        except FileNotFoundError as exc:
            if length is None:
                raise UsageError(f"cannot write {path}: {exc.strerror}",
                                 print_help=False) from None
            raise UsageError(f"{path} is gone but its checkpoint is there: give --restart to "
                             "start over", print_help=False) from None
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror}", print_help=False) \
                from None
        size = os.fstat(out.fileno()).st_size
        if size < length:
            out.close()
            raise UsageError(f"{path} is shorter ({size} bytes) than its checkpoint says "
                             f"({length}): give --restart to start over", print_help=False)
        out.truncate(length)
        out.seek(length)
        return out

    @staticmethod
    def write(run: Replay, out: IO[str],
              archive_done: Callable[[ArchiveDone], None] | None = None) -> None:
        finished = False
        try:
            for item in run.run():
                if isinstance(item, ArchiveDone):
                    if archive_done is not None:
                        archive_done(item)
                    continue
                out.write(item.to_json() + "\n")
                out.flush()
            finished = True
        finally:
            run.close(wait=finished)
