"""``crawler wacz PATH -o FILE.wacz``: package a crawl as a WACZ file.

A WACZ (Web Archive Collection Zipped) holds the WARC files, their index and
a list of pages; ReplayWeb.page opens it in the browser with no server. The
pages are the job's articles (url, title, capture time) from its JSON lines.
Made by py-wacz's ``wacz create``, run from the tools venv
(:mod:`crawler.replay.sidecar`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.jobfolder import article_files
from crawler.replay.pywb import collection_name, find_archives
from crawler.replay.sidecar import ToolsError, tool_env, tool_path
from crawler.replay.wacz import job_page_entries, pages_jsonl

UNMATCHED = "Invalid passed page. We were unable to find a match for "


def wacz_pages(path: str | Path) -> list[dict]:
    """The page entries (header line left out) of a WACZ file's ``pages/pages.jsonl``."""
    with zipfile.ZipFile(path) as zf:
        try:
            data = zf.read("pages/pages.jsonl").decode("utf-8")
        except KeyError:
            return []
    return [obj for obj in map(json.loads, filter(str.strip, data.splitlines()))
            if "format" not in obj]


def job_folders(args: list[str]) -> list[Path]:
    """The job folders (with article JSON lines) that PATHs name: a job folder,
    or its ``warc/`` folder, or WARC files in it."""
    found: list[Path] = []
    for arg in args:
        path = Path(arg).expanduser().resolve()
        folder = path if path.is_dir() else path.parent
        for candidate in (folder, folder.parent) if folder.name == "warc" else (folder,):
            if candidate not in found and article_files(candidate):
                found.append(candidate)
    return found


class Command(ScrapyCommand):
    requires_crawler_process = False
    requires_project = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "-o FILE.wacz [--text] PATH [PATH ...]"

    def short_desc(self) -> str:
        return "Package a crawl as a WACZ file (for ReplayWeb.page)"

    def long_desc(self) -> str:
        return ("Package a job folder (or folders of WARC files, or WARC files) as a WACZ "
                "file: the WARC files, their index, and a pages list made of the job's "
                "articles (url, title, capture time). Open it at https://replayweb.page/. "
                "py-wacz runs from the tools venv (set up on first use, like 'crawler serve').")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE.wacz",
                            help="WACZ file to write (replaced if it exists)")
        parser.add_argument("--text", action="store_true",
                            help="also put each article's text in its page entry")
        parser.add_argument("--title", metavar="TEXT",
                            help="title of the package (default: the job's name)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if not args:
            raise UsageError("give a job folder, a folder of WARC files or WARC files",
                             print_help=False)
        if not opts.output:
            raise UsageError("give the WACZ file to write with -o FILE.wacz", print_help=False)
        try:
            self.archives = find_archives(args)
        except (FileNotFoundError, ValueError) as exc:
            raise UsageError(str(exc), print_help=False) from None
        if not self.archives.files:
            hint = " (only files still being written, *.open)" if self.archives.open_files else ""
            raise UsageError(f"no WARC files in {' '.join(args)}{hint}", print_help=False)
        names: dict[str, Path] = {}
        for path in self.archives.files:
            if path.name in names:  # the WACZ keeps them as archive/<name>
                raise UsageError(f"two WARC files named {path.name}: {names[path.name]} "
                                 f"and {path}", print_help=False)
            names[path.name] = path
        out = Path(opts.output)
        if out.is_dir():
            raise UsageError(f"{opts.output} is a folder; give a file name", print_help=False)
        if not out.parent.resolve().is_dir():
            raise UsageError(f"no such folder: {out.parent}", print_help=False)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        for path in self.archives.open_files:
            print(f"warning: skipping {path}: still being written", file=sys.stderr)
        jobs = job_folders(args)
        try:
            pages = [page for job in jobs for page in job_page_entries(job, text=opts.text)]
        except ValueError as exc:
            raise UsageError(f"cannot read the article JSON lines: {exc}",
                             print_help=False) from None
        title = opts.title or collection_name(args)
        try:
            wacz = tool_path("wacz", settings=self.settings)
            env = tool_env(settings=self.settings)
        except ToolsError as exc:
            print(f"crawler: error: {exc}", file=sys.stderr)
            self.exitcode = 1
            return
        out = Path(opts.output).resolve()
        with tempfile.TemporaryDirectory(prefix="crawler-wacz-", dir=out.parent) as tmp:
            argv = [str(wacz), "create", "-o", str(Path(tmp) / "out.wacz"), "--title", title]
            if pages:
                pages_file = Path(tmp) / "pages.jsonl"
                pages_file.write_text(pages_jsonl(pages, title="Articles"), encoding="utf-8")
                argv += ["--pages", str(pages_file)]
            else:
                print("note: no article JSON lines found; detecting pages from the WARC files",
                      file=sys.stderr)
                argv += ["--detect-pages"]
            argv += [str(p) for p in self.archives.files]
            proc = subprocess.run(argv, check=False, env=env, capture_output=True, text=True,
                                  cwd=tmp)
            if proc.returncode != 0:
                lines = (proc.stdout + proc.stderr).strip().splitlines()
                print(f"crawler: error: wacz create failed (exit {proc.returncode}): "
                      f"{lines[-1] if lines else 'no output'}", file=sys.stderr)
                self.exitcode = 1
                return
            unmatched = [line[len(UNMATCHED):] for line in proc.stdout.splitlines()
                         if line.startswith(UNMATCHED)]
            os.replace(Path(tmp) / "out.wacz", out)
        written = wacz_pages(out)
        count = len(self.archives.files)
        print(f"Wrote {out}: {count} WARC file{'s' if count != 1 else ''}, "
              f"{len(written)} pages")
        if unmatched:
            print(f"warning: {len(unmatched)} articles have no capture in the WARC files "
                  f"and are not in the pages list, e.g. {unmatched[0]}", file=sys.stderr)
