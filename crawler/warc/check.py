"""Verification of archives and article records, one line per problem.

- A WARC or ARC file, plain or gzipped, on its own or inside a WACZ: every
  record readable and whole (a block of Content-Length bytes followed by CRLF
  CRLF; a gzip member that ends), the header fields the spec makes mandatory
  and their forms (``fields.py``), block and payload digests in either
  convention for chunked payloads (``digests.py``), nothing after the last
  record. A last record followed by one CRLF instead of two (node-warc, pywb)
  is a note, not a problem. A WARC gzipped as one stream is named as such,
  with the fix.
- A WACZ: its zip, datapackage, pages and index, then each WARC inside as
  above (``waczcheck.py``).
- Article JSON lines: the schema, and every ``warc`` pointer (``pointers.py``).

Records are read by warcio's ``ArchiveIterator`` without its record parse:
the block is streamed here in bounded chunks (digests need its exact bytes,
which ``reader.read_records`` does not give) and never held whole.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from crawler.jsonl import read_lines
from crawler.schema import validator
from crawler.warc.digests import Digests
from crawler.warc.fields import arc_problems, field_problems
from crawler.warc.pointers import Pointers
from crawler.warc.reader import Archive
from crawler.warc.repair import member_end
from crawler.warc.walk import one_line, stored_records

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16
_TAIL = 64
#: What follows the last record of a plain WARC (False) or ARC (True) file:
#: as the format says, and what is tolerated (node-warc and pywb end a WARC with
#: one CRLF; a file cut right after the last block loses nothing).
_ENDINGS = {False: (b"\r\n\r\n",), True: (b"\n", b"")}
_TOLERATED = {False: (b"\r\n", b""), True: ()}
RECOMPRESS = "recompress it with: warcio recompress IN OUT"


@dataclass(frozen=True)
class Finding:
    """One line of a check: a problem, or a ``note`` (no failure)."""

    where: str
    text: str
    note: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {'note: ' if self.note else ''}{self.text}"


@dataclass
class CheckCounts:
    warc_files: int = 0
    arc_files: int = 0
    wacz_files: int = 0
    records: int = 0
    json_lines: int = 0
    #: Chunked payloads whose digest matched, by convention (``digests.py``).
    digests: Counter[str] = field(default_factory=Counter)


def sniff(path: Path) -> str | None:
    """``warc``, ``arc`` or ``wacz`` by a file's first bytes (for a name that
    does not say, such as ``x.warc.gz.bad``), or None."""
    with open(path, "rb") as f:
        head = f.read(_CHUNK)
    if head.startswith(b"PK\x03\x04"):
        return "wacz"
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return None
    if head.startswith(b"WARC/"):
        return "warc"
    return "arc" if head.startswith(b"filedesc://") else None


class _Tail:
    """A stream that counts what is read from it and keeps the last bytes: the
    bytes after the last record, once warcio has read to the end."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.pos = 0
        self.last = b""

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.pos += len(data)
        self.last = (self.last + data)[-_TAIL:]
        return data

    def tell(self) -> int:
        return self.pos


@dataclass
class _Walk:
    records: int = 0
    end: int = 0  # offset after the last record read
    last: int | None = None  # offset of the last record read
    arc: bool = False  # an ARC file
    failure: BaseException | None = None


@dataclass
class _Checked:
    """A record read: its problems, and whether its block is cut short."""

    offset: int
    problems: list[str]
    short: tuple[int, int] | None = None  # bytes of the block there, and declared


def _record(record: Any, counts: CheckCounts) -> _Checked:
    """Stream one record's block; what is wrong with it (offset set later)."""
    headers = record.rec_headers
    if record.format == "arc":
        problems = arc_problems(headers.headers)
        declared = record.length
        digests = None
    else:
        problems = field_problems(headers.headers)
        length = (headers.get_header("Content-Length") or "").strip()
        declared = int(length) if length.isdigit() else None
        digests = Digests(headers, (record.rec_type or "").strip().lower(),
                          headers.get_header("WARC-Target-URI"), declared or 0)
    got = 0
    while chunk := record.raw_stream.read(_CHUNK):
        got += len(chunk)
        if digests is not None:
            digests.feed(chunk)
    if declared is not None and got < declared:
        return _Checked(0, problems, (got, declared))
    if digests is not None:
        problems += digests.finish()
        if digests.convention:
            counts.digests[digests.convention] += 1
    return _Checked(0, problems)


def _walk(stream: _Tail, counts: CheckCounts, walk: _Walk) -> Iterator[_Checked]:
    def read_block(record: Any) -> _Checked:
        return _record(record, counts)

    try:
        for stored in stored_records(stream, read_block):
            counts.records += 1
            walk.records += 1
            walk.last, walk.end = stored.offset, stored.offset + stored.length
            walk.arc = stored.record.format == "arc"
            checked = stored.block
            checked.offset = stored.offset
            if stored.unterminated:
                checked.problems.append("the record is not followed by CRLF CRLF (is its "
                                        "Content-Length right?)")
            yield checked
    except OSError:
        raise
    except Exception as exc:  # warcio and zlib on broken bytes: many types
        walk.failure = exc


def check_archive(archive: Archive, size: int, counts: CheckCounts) -> Iterator[Finding]:
    """Check one WARC or ARC file, plain or gzipped (``size``: its length). The
    last record of a truncated file is reported as cut, nothing more (its
    digests cannot match, its header may be half there)."""
    where = archive.name
    with archive.open() as f:
        gz = f.read(2) == GZIP_MAGIC
    walk = _Walk()
    last: _Checked | None = None
    with archive.open() as f:
        tail = _Tail(f)
        for checked in _walk(tail, counts, walk):
            if last is not None:
                yield from _findings(where, last, gz)
            last = checked
    if walk.failure is not None:
        if last is not None:
            yield from _findings(where, last, gz)
        if gz and walk.records and _one_member(archive, size):
            yield Finding(where, "gzipped as one stream, not one gzip member per record "
                                 f"(replay tools cannot seek to its records): {RECOMPRESS}")
        else:
            yield Finding(where, f"unreadable after offset {walk.end} (truncated or corrupt): "
                                 f"{one_line(walk.failure)}")
    elif last is None:
        yield Finding(where, "no WARC or ARC record in it" + (" (empty file)" if not size else ""))
    elif gz:
        cut = _cut_member(archive, last.offset, size)
        if cut == last.offset:
            yield Finding(where, f"truncated: the gzip member at offset {cut} is cut short "
                                 "(the last record)")
            return
        yield from _findings(where, last, gz)
        if cut is not None:
            yield Finding(where, f"truncated: the gzip member at offset {cut} is cut short")
        elif walk.end != size:
            yield Finding(where, f"{size - walk.end} bytes after the last record (offset "
                                 f"{walk.end}) are no complete record")
    elif last.short:
        got, declared = last.short
        yield Finding(f"{where}: offset {last.offset}",
                      f"truncated: its block has {got} of its {declared} bytes")
    else:
        yield from _findings(where, last, gz)
        yield from _ending(where, tail, size, walk)


def _findings(where: str, checked: _Checked, gz: bool) -> Iterator[Finding]:
    at = f"{where}: offset {checked.offset}"
    for problem in checked.problems:
        yield Finding(at, problem)
    if checked.short and gz:
        yield Finding(at, "its gzip member ends after {} of its {} bytes (one record in "
                          "several gzip members?)".format(*checked.short))
    elif checked.short:
        yield Finding(at, "cut short: its block has {} of its {} bytes".format(*checked.short))


def _ending(where: str, tail: _Tail, size: int, walk: _Walk) -> Iterator[Finding]:
    """What follows the last record of a plain file."""
    rest = tail.last[len(tail.last) - (size - walk.end):] if size - walk.end <= _TAIL else None
    if rest in _ENDINGS[walk.arc]:
        return
    if rest in _TOLERATED[walk.arc]:
        ending = "one CRLF, not two" if rest == b"\r\n" else "nothing, not CRLF CRLF"
        yield Finding(where, f"the last record is followed by {ending} (tolerated)", note=True)
    elif rest is not None and not rest.strip():
        yield Finding(where, f"the last record is followed by {rest!r}, not CRLF CRLF (is its "
                             "Content-Length right?)")
    else:
        yield Finding(where, f"unreadable after offset {walk.end} (truncated or corrupt): "
                             f"{size - walk.end} trailing bytes are no complete record")


def _one_member(archive: Archive, size: int) -> bool:
    """Whether the whole file is one gzip member (``gzip file.warc``)."""
    with archive.open() as f:
        end, _ = member_end(f, 0)
    return end == size


def _cut_member(archive: Archive, start: int, size: int) -> int | None:
    """Offset of the first gzip member from ``start`` on that does not end properly
    (warcio reads a cut-off last member without complaint)."""
    with archive.open() as f:
        pos = start
        while pos < size:
            end, _ = member_end(f, pos)
            if end is None:
                return pos
            pos = end
    return None


def incomplete_gzip_member(path: Path) -> int | None:
    """Offset of the first gzip member of a file that does not end properly, if any."""
    return _cut_member(Archive(path), 0, path.stat().st_size)


def resolve_pointer(base: Path, pointer: dict, url: str) -> str | None:
    """None when ``pointer`` (relative to ``base``) locates a response of
    ``url``, directly or through a revisit; else the problem (``pointers.py``)."""
    return Pointers().check(base, pointer, url)


def check_warc(path: Path, counts: CheckCounts | None = None) -> Iterator[Finding]:
    """Check a WARC or ARC file on disk."""
    counts = counts if counts is not None else CheckCounts()
    try:
        kind = sniff(path)
        size = path.stat().st_size
        if kind == "arc" or (kind is None and ".arc" in path.name):
            counts.arc_files += 1
        else:
            counts.warc_files += 1
        yield from check_archive(Archive(path), size, counts)
    except OSError as exc:
        yield Finding(str(path), f"cannot read: {one_line(exc)}")


def check_jsonl(path: Path, counts: CheckCounts | None = None,
                pointers: Pointers | None = None) -> Iterator[Finding]:
    """Check an article JSON lines file: JSON, the schema, the ``warc`` pointers."""
    counts = counts if counts is not None else CheckCounts()
    pointers = pointers if pointers is not None else Pointers()
    check = validator()
    for line in read_lines(path):
        where = f"{path}:{line.number}"
        if not line.complete:
            yield Finding(where, "incomplete last line (no newline)")
        counts.json_lines += 1
        if line.data is None:
            yield Finding(where, str(line.error))
            continue
        record = line.data  # JSON: the schema says what is wrong with it, if anything
        errors = sorted(check.iter_errors(record), key=lambda e: list(e.path))
        for error in errors:
            name = "/".join(map(str, error.path)) or "record"
            yield Finding(where, f"{name}: {error.message}")
        if errors or not isinstance(record.get("warc"), dict):
            continue
        problem = pointers.check(path.parent, record["warc"], record["url"])
        if problem:
            yield Finding(where, f"warc pointer: {problem}")
