"""The foreign-archive corpus table of issue 19: what ``crawler replay`` and
``crawler check`` make of archives that other tools wrote, file by file, as a
user sees it (each command a subprocess of ``python -m crawler.cli``).

    python -m benchmarks.foreign [--shared [DIR]] [--json FILE]

Rows: every file of ``tests/data/foreign/manifest.json``; with ``--shared``, also
every WARC, ARC and WACZ file under ``DIR`` (default
``../shared/foreign-archives``, read only), for which no expectation is known.
Columns: the file, its writer, what the manifest expects (``valid``/``broken``),
the HTML pages warcio reads in it (:func:`warcio_count`), the articles
``crawler replay FILE`` writes and the non-articles its summary names
(``not articles: <reason> N``), whether the two add up to the HTML pages
(:func:`accounting_problem`), and ``crawler check FILE``: its exit code, whether
that is what the manifest expects, and its first line.
A file replayed alone loses what another file holds (a revisit's original):
``tests/test_foreign.py`` replays a folder at a time. Takes under a minute.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.datasets import shared_dir  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "foreign"
#: What users hand to ``crawler replay``: WARC, ARC and WACZ files.
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".wacz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
PAGE_RECORDS = ("response", "revisit", "resource")
#: The replay reason of the records that are no HTML page (by their content type).
NOT_HTML = "not_html"
SUMMARY = re.compile(r"replay: done, (\d+) articles.*not articles: (.*)$", re.M)


# -- what warcio reads ---------------------------------------------------------

def is_html(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() in HTML_TYPES


@dataclass
class WarcioCount:
    """What warcio's ``ArchiveIterator`` reads in a file (see :func:`warcio_count`)."""

    html_pages: int = 0
    #: Responses and revisits with an HTTP header that is not typed HTML but that
    #: replay may still count under a reason other than ``not_html``: a status
    #: other than 200 (``http_error``, a redirect) is decided before the type, and
    #: a page with no Content-Type is sniffed.
    maybe_pages: int = 0
    records: int = 0
    #: where warcio stops, if it does ("" when it reads to the end)
    error: str = ""

    def add(self, other: WarcioCount) -> None:
        self.html_pages += other.html_pages
        self.maybe_pages += other.maybe_pages
        self.records += other.records
        self.error = "; ".join(e for e in (self.error, other.error) if e)


def _count_stream(stream: BinaryIO) -> WarcioCount:
    count = WarcioCount()
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # warcio's own warnings
            for record in ArchiveIterator(stream):
                count.records += 1
                if record.rec_type not in PAGE_RECORDS:
                    continue
                http = record.http_headers if record.rec_type != "resource" else None
                ctype = (record.rec_headers.get_header("Content-Type")
                         if record.rec_type == "resource"
                         else http.get_header("Content-Type") if http else None)
                if is_html(ctype):
                    count.html_pages += 1
                elif http is not None and (not ctype or http.get_statuscode() != "200"):
                    count.maybe_pages += 1
    except Exception as exc:  # where warcio stops, whatever it raises, is what is recorded
        first = " ".join(str(exc).split())
        count.error = f"{type(exc).__name__}: {first}"[:160]
    return count


def _streams(path: Path) -> Iterator[BinaryIO]:
    if not path.name.endswith(".wacz"):
        with open(path, "rb") as f:
            yield f
        return
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            if name.startswith("archive/") and name.endswith(ARCHIVE_SUFFIXES):
                with z.open(name) as f:
                    yield f  # type: ignore[misc]


def warcio_count(path: Path) -> WarcioCount:
    """The HTML pages warcio's ``ArchiveIterator`` reads in ``path`` (up to where
    it stops on a broken file): ``response``, ``revisit`` and ``resource``
    records whose content type (the HTTP header's; a ``resource`` record's own)
    is HTML. A WACZ: the WARC files of its ``archive/`` folder."""
    count = WarcioCount()
    try:
        for stream in _streams(path):
            count.add(_count_stream(stream))
    except (OSError, zipfile.BadZipFile) as exc:
        count.add(WarcioCount(error=f"{type(exc).__name__}: {exc}"))
    return count


def archives_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and p.name.endswith(ARCHIVE_SUFFIXES))


# -- what the crawler makes of it ----------------------------------------------

def crawler(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout, env=env)


@dataclass
class Replay:
    exit: int
    articles: int | None  #: None: no summary line
    reasons: dict[str, int] = field(default_factory=dict)
    stderr: str = ""

    @property
    def accounted(self) -> int:
        """Articles and named non-articles, those named ``not_html`` left out."""
        return (self.articles or 0) + sum(n for r, n in self.reasons.items() if r != NOT_HTML)


def accounting_problem(count: WarcioCount, replay: Replay) -> str | None:
    """None when replay accounts for every HTML page warcio reads, each an article
    or a non-article under a named reason; else what is wrong. The sum leaves out
    ``not_html``, replay's reason for what is no HTML page, and may exceed the
    HTML pages by the pages of :attr:`WarcioCount.maybe_pages` (a non-HTML 404
    counted as ``http_error``): articles and reasons are counted, not matched
    page by page."""
    if replay.articles is None:
        return f"no replay summary (exit {replay.exit})"
    low, high = count.html_pages, count.html_pages + count.maybe_pages
    if low <= replay.accounted <= high:
        return None
    named = ", ".join(f"{k} {v}" for k, v in sorted(replay.reasons.items())) or "none"
    want = str(low) if low == high else f"{low} to {high}"
    return (f"{replay.articles} articles + non-articles ({named}) = {replay.accounted}, "
            f"not the {want} HTML pages warcio reads")


def parse_reasons(text: str) -> dict[str, int]:
    """``duplicate 1, http_error 2`` (or ``none``) as a dict."""
    reasons: dict[str, int] = {}
    for part in text.split(","):
        name, _, n = part.strip().rpartition(" ")
        if name and n.isdigit():
            reasons[name] = reasons.get(name, 0) + int(n)
    return reasons


def parse_replay(proc: subprocess.CompletedProcess[str]) -> Replay:
    """What ``crawler replay`` said: its summary line on stderr."""
    found = SUMMARY.search(proc.stderr)
    if found is None:
        return Replay(proc.returncode, None, {}, proc.stderr)
    return Replay(proc.returncode, int(found[1]), parse_reasons(found[2]), proc.stderr)


def replay(*paths: Path) -> Replay:
    with tempfile.TemporaryDirectory(prefix="foreign-") as tmp:
        return parse_replay(crawler("replay", "-o", str(Path(tmp) / "out.jsonl"),
                                    *map(str, paths)))


@dataclass
class Check:
    exit: int
    first_line: str
    output: str


def check(path: Path) -> Check:
    proc = crawler("check", str(path))
    output = proc.stdout + proc.stderr
    lines = [line for line in output.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    return Check(proc.returncode, first.replace(str(path), path.name), output)


# -- the table ------------------------------------------------------------------

@dataclass
class Row:
    file: str
    writer: str
    expect: str
    warcio: WarcioCount
    replay: Replay
    check: Check

    @property
    def accounted_ok(self) -> bool:
        return accounting_problem(self.warcio, self.replay) is None

    @property
    def check_ok(self) -> bool | None:
        if self.expect not in ("valid", "broken"):
            return None
        return self.check.exit == (0 if self.expect == "valid" else 1)


def manifest_rows() -> list[tuple[Path, str, str, str]]:
    files = json.loads((CORPUS / "manifest.json").read_text("utf-8"))["files"]
    return [(CORPUS / name, name, e["writer"], e["expect"]) for name, e in files.items()]


def shared_rows(folder: Path) -> list[tuple[Path, str, str, str]]:
    return [(p, f"shared:{p.relative_to(folder).as_posix()}", software(p), "?")
            for p in archives_under(folder)]


def software(path: Path) -> str:
    """The ``software`` line of the file's first warcinfo record, if any."""
    try:
        for stream in _streams(path):
            with contextlib.redirect_stderr(io.StringIO()):
                for record in ArchiveIterator(stream):
                    if record.rec_type == "warcinfo":
                        for line in record.content_stream().read(4096).splitlines():
                            if line.lower().startswith(b"software:"):
                                return line[9:].decode("utf-8", "replace").strip()
                    break
    except Exception:  # a file warcio cannot read has no writer to show
        return ""
    return ""


def measure(path: Path, name: str, writer: str, expect: str) -> Row:
    return Row(name, writer, expect, warcio_count(path), replay(path), check(path))


def cell(text: str, width: int = 90) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= width else text[:width - 1] + "…"


def table(rows: list[Row]) -> str:
    head = ("| file | writer | expect | html (warcio) | articles | not articles | adds up "
            "| check | check says |\n|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in rows:
        rp = r.replay
        if rp.articles is None:
            first = next((ln for ln in rp.stderr.splitlines() if ln.strip()), "")
            arts, reasons = f"exit {rp.exit}", cell(first, 70)
        else:
            arts = str(rp.articles)
            reasons = ", ".join(f"{k} {v}" for k, v in sorted(rp.reasons.items())) or "none"
        if "Traceback" in rp.stderr:
            reasons += " TRACEBACK"
        verdict = {None: "", True: "ok", False: "WRONG"}[r.check_ok]
        pages = str(r.warcio.html_pages) + (f" (+{r.warcio.maybe_pages})"
                                            if r.warcio.maybe_pages else "")
        check_col = f"exit {r.check.exit} {verdict}".strip()
        if "Traceback" in r.check.output:
            check_col += " TRACEBACK"
        lines.append(f"| {r.file} | {cell(r.writer, 40)} | {r.expect} | {pages} | {arts} "
                     f"| {reasons} | {'ok' if r.accounted_ok else 'NO'} | {check_col} "
                     f"| {cell(r.check.first_line)} |")
    return "\n".join(lines)


def summary(rows: list[Row]) -> str:
    judged = [r for r in rows if r.check_ok is not None]
    return (f"{len(rows)} files, {sum(r.warcio.html_pages for r in rows)} HTML pages per warcio, "
            f"{sum(r.replay.articles or 0 for r in rows)} articles; replay accounts for every "
            f"HTML page in {sum(r.accounted_ok for r in rows)}/{len(rows)} files; check as "
            f"expected on {sum(bool(r.check_ok) for r in judged)}/{len(judged)}; tracebacks in "
            f"{sum('Traceback' in r.replay.stderr + r.check.output for r in rows)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", nargs="?", const="", default=None, metavar="DIR",
                        help="also every archive under DIR (default ../shared/foreign-archives)")
    parser.add_argument("--json", type=Path, help="write the rows as JSON here too")
    args = parser.parse_args(argv)
    todo = manifest_rows()
    if args.shared is not None:
        folder = Path(args.shared) if args.shared else shared_dir() / "foreign-archives"
        if not folder.is_dir():
            parser.error(f"no such folder: {folder}")
        todo += shared_rows(folder)
    with ThreadPoolExecutor(max_workers=2) as pool:  # two subprocesses at a time
        rows = list(pool.map(lambda t: measure(*t), todo))
    print(table(rows))
    print()
    print(summary(rows))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
