"""Repair of files left by a crawl that was killed (``kill -9``, a crash, power
loss) or stopped by a full disk: a WARC file still named ``*.open`` and a JSON
lines file ending in half a line.

- A WARC file is cut after its last complete record (a complete gzip member
  holding a WARC record; for an uncompressed file, a record whose block is
  whole), flushed to disk, and an ``.open`` file is renamed to its closed name.
  An ``.open`` file without a single complete record is removed.
- A JSON lines file loses its incomplete last line; a last line that is a
  whole JSON object missing only its newline gets the newline.

A repair never removes a complete record: a file with a complete record after
a corrupt part is left alone and reported. Repairing twice changes nothing the
second time. A file locked by a running crawl (``crawler/filelock.py``) is not
touched. Pure: warcio and the standard library.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.filelock import try_lock
from crawler.jobfolder import WARC_DIR, article_files, scan
from crawler.warc.writer import fsync_dir

OPEN_SUFFIX = ".open"
_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b\x08"


@dataclass(frozen=True)
class Repair:
    """What a repair did to one file. ``action`` is one of ``valid`` (nothing
    to do), ``closed`` (renamed), ``truncated``, ``completed`` (newline added),
    ``removed``, ``in_use`` or ``unrepairable``; ``path`` is the file's name
    after the repair."""

    original: Path
    path: Path
    action: str
    dropped: int = 0
    kept_records: int = 0
    detail: str = ""

    @property
    def changed(self) -> bool:
        return self.action in ("closed", "truncated", "completed", "removed")

    @property
    def problem(self) -> bool:
        return self.action in ("in_use", "unrepairable")

    def __str__(self) -> str:
        return f"{self.original}: {self.detail}"


def member_end(f: BinaryIO, start: int) -> tuple[int | None, bytes]:
    """End offset of the gzip member starting at ``start`` (None when it is cut
    short or corrupt) and the first bytes it decompresses to."""
    f.seek(start)
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    head = b""
    fed = start
    while True:
        data = f.read(_CHUNK)
        if not data:
            return None, head
        fed += len(data)
        while data:  # bounded output per step: a record may decompress to a lot
            try:
                out = member.decompress(data, 1 << 20)
            except zlib.error:
                return None, head
            if len(head) < 16:
                head += out[: 16 - len(head)]
            if member.eof:  # the bytes after the member: unused_data (unconsumed_tail
                # may hold the same bytes again: counting both cut a 100:1 member short)
                return fed - len(member.unused_data), head
            data = member.unconsumed_tail


def _gzip_records(f: BinaryIO, size: int) -> tuple[int, int]:
    """(offset after the last complete record member from the start, members)."""
    pos = count = 0
    while pos < size:
        end, head = member_end(f, pos)
        if end is None or not head.startswith(b"WARC/"):
            break
        pos, count = end, count + 1
    return pos, count


def _gzip_record_after(f: BinaryIO, start: int, size: int) -> int | None:
    """Offset of a complete WARC record member at or after ``start``, if any."""
    f.seek(start)
    pos, carry = start, b""
    while pos < size:
        block = f.read(_CHUNK)
        if not block:
            break
        data = carry + block
        base = pos - len(carry)
        hit = data.find(_GZIP_MAGIC)
        while hit != -1:
            end, head = member_end(f, base + hit)
            if end is not None and head.startswith(b"WARC/"):
                return base + hit
            hit = data.find(_GZIP_MAGIC, hit + 1)
        pos += len(block)
        carry = data[-(len(_GZIP_MAGIC) - 1):]
        f.seek(pos)
    return None


def _plain_records(f: BinaryIO, size: int) -> tuple[int, int]:
    """(offset after the last whole record, records) of an uncompressed WARC:
    a record is whole when its block has Content-Length bytes and the two
    CRLFs after it are there."""
    pos = count = 0
    f.seek(0)
    records = ArchiveIterator(f, no_record_parse=True)
    try:
        for record in records:
            declared = int(record.rec_headers.get_header("Content-Length") or 0)
            got = 0
            while chunk := record.raw_stream.read(1 << 20):
                got += len(chunk)
            records.read_to_end()
            end = records.get_record_offset() + records.get_record_length()
            if got < declared or os.pread(f.fileno(), 4, end) != b"\r\n\r\n":
                break
            pos, count = end + 4, count + 1
    except (ArchiveLoadFailed, EOFError, ValueError, zlib.error):
        pass
    return pos, count


def _plain_record_after(f: BinaryIO, start: int) -> int | None:
    f.seek(start)
    data = f.read()
    hit = data.find(b"WARC/1.", 1)
    return start + hit if hit != -1 else None


def _same_file(path: Path, fd: int) -> bool:
    """The name still refers to the file we opened (a crawl closing it may
    have renamed it since)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def repair_warc(path: Path) -> Repair:
    """Cut a WARC file after its last complete record; close an ``.open`` one."""
    is_open = path.name.endswith(OPEN_SUFFIX)
    closed = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    gz = closed.name.endswith(".gz")
    with open(path, "r+b") as f:
        if not try_lock(f.fileno()):
            return Repair(path, path, "in_use",
                          detail="still being written by a running crawl; not repaired")
        if not _same_file(path, f.fileno()):
            return Repair(path, closed, "valid", detail="closed by its crawl meanwhile")
        size = os.fstat(f.fileno()).st_size
        cut, records = _gzip_records(f, size) if gz else _plain_records(f, size)
        if cut < size:
            later = _gzip_record_after(f, cut, size) if gz else _plain_record_after(f, cut)
            if later is not None:
                return Repair(path, path, "unrepairable", kept_records=records, detail=(
                    f"corrupt after offset {cut}, but a complete record follows at offset "
                    f"{later}: not repaired (cutting would lose records)"))
        if cut == 0 and is_open:
            path.unlink()
            fsync_dir(path.parent)
            return Repair(path, closed, "removed", dropped=size,
                          detail=f"removed: no complete record in {size} bytes")
        if cut == 0:
            return Repair(path, path, "unrepairable",
                          detail="no complete WARC record: not repaired")
        if cut < size:
            f.truncate(cut)
            f.flush()
            os.fsync(f.fileno())
        if is_open:
            if closed.exists():
                return Repair(path, path, "unrepairable", kept_records=records,
                              detail=f"cannot close: {closed.name} exists")
            os.rename(path, closed)
            fsync_dir(path.parent)
    dropped = size - cut
    action = "truncated" if dropped else ("closed" if is_open else "valid")
    if dropped:
        detail = f"repaired: cut {dropped} bytes of an incomplete record after offset {cut}"
    else:
        detail = "repaired: all records complete" if is_open else "valid"
    detail += f" ({records} records kept)"
    if is_open:
        detail += f", closed as {closed.name}"
    return Repair(path, closed if is_open else path, action, dropped, records, detail)


def repair_jsonl(path: Path) -> Repair:
    """Drop an incomplete last line (or end a whole last record with its newline)."""
    with open(path, "r+b") as f:
        if not try_lock(f.fileno()):
            return Repair(path, path, "in_use",
                          detail="still being written by a running crawl; not repaired")
        size = os.fstat(f.fileno()).st_size
        start = size
        while start > 0:  # find the last newline, reading backwards
            step = min(_CHUNK, start)
            f.seek(start - step)
            block = f.read(step)
            nl = block.rfind(b"\n")
            if nl != -1:
                start = start - step + nl + 1
                break
            start -= step
        if start == size:
            return Repair(path, path, "valid")
        f.seek(start)
        tail = f.read()
        try:
            whole = isinstance(json.loads(tail), dict)
        except (ValueError, UnicodeDecodeError):
            whole = False
        if whole:
            f.seek(size)
            f.write(b"\n")
            action, dropped = "completed", 0
            detail = "repaired: the last record had no newline; added"
        else:
            f.truncate(start)
            action, dropped = "truncated", size - start
            detail = f"repaired: dropped an incomplete last line ({dropped} bytes)"
        f.flush()
        os.fsync(f.fileno())
    return Repair(path, path, action, dropped, detail=detail)


def leftovers(job: Path) -> Iterator[Path]:
    """Files of a job folder a killed crawl may have left needing repair: WARC
    files still named ``.open`` and the JSON lines files."""
    warcs = job / WARC_DIR
    if warcs.is_dir():
        yield from scan([warcs]).open_warcs
    if job.is_dir():
        yield from article_files(job)


def repair_files(paths: Iterable[Path]) -> list[Repair]:
    """Repair each WARC (``.warc``, ``.warc.gz``, ``.open``) or JSON lines file."""
    done = []
    for path in paths:
        if path.suffix == ".jsonl":
            done.append(repair_jsonl(path))
        else:
            done.append(repair_warc(path))
    return done
