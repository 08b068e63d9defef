"""The WARC folder's CDXJ index, kept while a crawl writes instead of rebuilt
from the WARCs when it ends.

Each record's index line is made as the record is written, by cdxj-indexer's
own code fed the record and its offset and length (so the line is byte for
byte the one ``crawler index`` writes from the file), and appended to an
unsorted run file in the folder. When the crawl closes, the run's lines are
sorted (cdxj-indexer's external ``SortingWriter``) and merged into the
folder's sorted ``index.cdxj``. A closing crawl thus re-reads no WARC: a full
re-index decompresses every WARC the job ever wrote (~1 ms of CPU per page,
after every run of a scheduled job).

The merged index still equals a full re-index of the folder's closed WARCs:
lines of files no longer in the folder are dropped, and files it does not
cover (left by a killed crawl and repaired, copied in by hand, or holding no
indexable record) are indexed from their bytes. Crawls sharing a folder
(distributed workers) merge one at a time under an exclusive lock. Pure: no
Scrapy.
"""

from __future__ import annotations

import contextlib
import heapq
import os
import socket
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from crawler.filelock import locked_folder
from crawler.warc.index import INDEX_NAME, CDXJIndexer, SortingWriter, warcs_in, write_cdxj

_FILENAME = '"filename": "'


def _run_name(pid: int | str) -> str:
    """A run file's name: hidden, and naming the machine and process writing it."""
    host = "".join(c if c.isalnum() or c in "-_" else "_" for c in socket.gethostname())
    return f".{INDEX_NAME}.{host}.{pid}.part"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_runs(folder: Path) -> list[Path]:
    """Run files of this machine's crawls that are gone (killed): their WARCs
    get indexed from their bytes instead."""
    stale = []
    for path in folder.glob(_run_name("*")):
        pid = path.name.rsplit(".", 2)[-2]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            path.unlink(missing_ok=True)
            stale.append(path)
    return stale


class _Span:
    """What cdxj-indexer asks of a record iterator: where the record is."""

    def __init__(self, offset: int, length: int) -> None:
        self.offset, self.length = offset, length

    def get_record_offset(self) -> int:
        return self.offset

    def get_record_length(self) -> int:
        return self.length


def line_filename(line: str) -> str:
    """The WARC file an index line points into (its last JSON field)."""
    at = line.rfind(_FILENAME)
    if at < 0:
        return ""
    return line[at + len(_FILENAME):line.rfind('"')]


class LiveIndex:
    """Index lines of the records written to WARCs in ``folder``; ``merge``
    folds them into ``folder/index.cdxj``."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.run_path = self.folder / _run_name(os.getpid())
        self._indexer = CDXJIndexer(output=None, inputs=[])
        self._out: TextIO | None = None
        self.lines = 0

    def add(self, filename: str, records: Sequence, spans: Sequence[tuple[int, int]]) -> None:
        """Index ``records`` just written to ``filename`` (relative to the folder)
        at ``spans`` (offset, length). Raises OSError when the run file cannot
        be written."""
        if self._out is None:
            self._out = open(self.run_path, "w", encoding="utf-8")  # noqa: SIM115 - kept open
        indexer = self._indexer
        indexer.curr_filename = filename
        for record, (offset, length) in zip(records, spans, strict=True):
            if indexer.filter_record(record):
                indexer.process_index_entry(_Span(offset, length), record, filename, self._out)
                self.lines += 1

    def discard(self) -> None:
        """Forget this run's lines (the index is not to be written)."""
        out, self._out = self._out, None
        if out is not None:
            with contextlib.suppress(OSError):  # a full disk fails the buffer's last write
                out.close()
        self.run_path.unlink(missing_ok=True)

    def merge(self, closed: Sequence[Path]) -> Path:
        """Merge this run's lines (of the ``closed`` WARC files it wrote) into the
        folder's index, atomically; return the index path."""
        if self._out is not None:
            self._out.close()
            self._out = None
        index = self.folder / INDEX_NAME
        try:
            with locked_folder(self.folder), \
                    tempfile.TemporaryDirectory(dir=self.folder, prefix=".index-") as tmp:
                self._merge(index, {self._name(p) for p in closed}, Path(tmp))
        finally:
            self.run_path.unlink(missing_ok=True)
        return index

    def _name(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def _merge(self, index: Path, ours: set[str], tmp: Path) -> None:
        remove_stale_runs(self.folder)
        present = {self._name(p) for p in warcs_in(self.folder)}
        covered = set(ours)
        if index.exists():
            with open(index, encoding="utf-8") as fh:
                covered.update(line_filename(line) for line in fh)
        run_sorted = tmp / "run.cdxj"
        if self.run_path.exists():
            with open(self.run_path, encoding="utf-8") as src, \
                    open(run_sorted, "w", encoding="utf-8") as dst:
                writer = SortingWriter(dst)
                for line in src:
                    if line_filename(line) in present:
                        writer.write(line)
                writer.flush()
        missing = sorted(present - covered)
        rest = tmp / "missing.cdxj"
        if missing:
            write_cdxj([self.folder / name for name in missing], rest, root=self.folder)
        with open(tmp / "index.cdxj", "w", encoding="utf-8") as out, \
                _open_all([index, run_sorted, rest]) as files:
            old, *new = files
            keep = (ln for ln in old if (n := line_filename(ln)) in present and n not in ours)
            # cdxj-indexer's own last step: write, a repeated line once, flush
            SortingWriter(out).write_to_file(heapq.merge(keep, *new), out)
            os.fsync(out.fileno())
        os.replace(tmp / "index.cdxj", index)


@contextmanager
def _open_all(paths: Sequence[Path]) -> Iterator[list[Iterable[str]]]:
    """The lines of each path that exists (an empty list for one that does not)."""
    opened = [open(p, encoding="utf-8") if p.exists() else None for p in paths]  # noqa: SIM115
    try:
        yield [fh if fh is not None else [] for fh in opened]
    finally:
        for fh in opened:
            if fh is not None:
                fh.close()
