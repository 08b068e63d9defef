"""The archives of some paths, one owner: the WARC and ARC files of folders,
``.warc``, ``.warc.gz``, ``.arc``, ``.arc.gz`` and ``.wacz`` files, in capture
order, each opened as a seekable stream. Pure: warcio, no network.

A WARC inside a WACZ that is stored, not deflated (as the WACZ spec asks), is
read straight from the zip file: finding a revisit's original there is one seek,
as in a plain file. A deflated one seeks by reading forward from its start.

warcio writes two warnings to ``sys.stderr`` itself (a record not followed by
its blank lines, in ``archiveiterator``; a gzip member that breaks off, in
``bufferedreaders``): ``crawler.compat.route_warcio_warnings`` gives both
modules a ``sys`` whose ``stderr`` logs to the reader's logger
(``crawler.warc.reader``), so every line of reading goes through ``logging``.
"""

from __future__ import annotations

import functools
import io
import logging
import struct
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.timeutils import timestamp_to_iso_date

from crawler.compat import route_warcio_warnings
from crawler.jobfolder import WACZ_SUFFIX, kind_of, scan, wacz_warcs

logger = logging.getLogger("crawler.warc.reader")


class ArchiveError(Exception):
    """A path that is not an archive we can read."""


route_warcio_warnings(lambda line: logger.warning("warcio: %s", line))


# --- archives ----------------------------------------------------------------------

@dataclass(frozen=True)
class Archive:
    """One WARC or ARC file, on disk or inside a WACZ (``member``)."""

    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        return f"{self.path}#{self.member}" if self.member else str(self.path)

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """The archive's bytes, seekable (a deflated WACZ member seeks by reading
        forward from its start)."""
        if self.member is None:
            with open(self.path, "rb") as f:
                yield f
            return
        stat = self.path.stat()
        span = _stored_span(self.path, self.member, stat.st_mtime_ns, stat.st_size)
        if span is None:
            with zipfile.ZipFile(self.path) as z, z.open(self.member) as f:
                yield f  # type: ignore[misc]
            return
        with open(self.path, "rb", buffering=0) as raw:
            yield io.BufferedReader(_Slice(raw, *span), buffer_size=1 << 16)


@functools.lru_cache(maxsize=256)
def _stored_span(path: Path, member: str, mtime_ns: int, size: int) -> tuple[int, int] | None:
    """(offset in the zip file, size) of a stored, unencrypted member's data;
    None when it is compressed. ``mtime_ns`` and ``size`` key the cache."""
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
            return None
        assert z.fp is not None
        z.fp.seek(info.header_offset)
        header = z.fp.read(30)  # the local file header: its name and extra field may differ
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local file header for {member}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_length + extra_length, info.file_size


class _Slice(io.RawIOBase):
    """``size`` bytes of ``raw`` from ``start``, seekable."""

    def __init__(self, raw: BinaryIO, start: int, size: int) -> None:
        self._raw, self._start, self._size, self._pos = raw, start, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self._size - self._pos)
        if n <= 0:
            return 0
        self._raw.seek(self._start + self._pos)
        got = self._raw.readinto(memoryview(buffer)[:n])  # type: ignore[attr-defined]
        self._pos += got or 0
        return got or 0


def find_archives(paths: Sequence[str | Path]) -> list[Archive]:
    """Every WARC and ARC file under ``paths``, and the WARCs in their WACZ
    files, in capture order (:func:`capture_order`). Files still being written
    (``.open``) are skipped in folders."""
    found: list[Archive] = []
    for raw in paths:
        try:
            files = scan([raw])
        except FileNotFoundError as exc:
            raise ArchiveError(str(exc)) from None
        explicit = Path(raw).is_file()
        for f in files.order + files.other:
            if kind_of(f) in ("warc", "wacz", "arc") or explicit:
                found.extend(_expand(f))
    return capture_order(found)


def _expand(path: Path) -> list[Archive]:
    if path.name.endswith(WACZ_SUFFIX):
        try:
            with zipfile.ZipFile(path) as z:
                members = wacz_warcs(z.namelist())
        except zipfile.BadZipFile as exc:
            raise ArchiveError(f"not a WACZ (zip) file: {path}: {exc}") from None
        return [Archive(path, m) for m in members]
    if kind_of(path) in ("warc", "open_warc", "arc"):
        return [Archive(path)]
    raise ArchiveError(f"not a WARC, ARC or WACZ file: {path}")


def capture_order(archives: Sequence[Archive]) -> list[Archive]:
    """``archives`` by the date of each one's first record (a WARC's
    warcinfo or first capture, an ARC's archive date), so that a URL captured
    in several files comes out as first captured and an original comes before
    its revisits. Ties, and files whose first record has no readable date
    (those last), keep the order given."""
    dated = [(first_date(a), i, a) for i, a in enumerate(archives)]
    dated.sort(key=lambda t: (t[0] is None, t[0] or datetime.min.replace(tzinfo=UTC), t[1]))
    return [a for _, _, a in dated]


def first_date(archive: Archive) -> datetime | None:
    """The date of ``archive``'s first record, or None when it has none."""
    try:
        with archive.open() as stream:
            record = next(iter(ArchiveIterator(stream)), None)
    except Exception:  # warcio on hostile bytes: reading the file reports it
        return None
    return parse_date(record_date(record)) if record is not None else None


def record_date(record: ArcWarcRecord) -> str | None:
    """A record's capture date as in its WARC-Date (ISO 8601)."""
    if record.format == "arc":
        stamp = record.rec_headers.get_header("archive-date") or ""
        return timestamp_to_iso_date(stamp) if stamp.isdigit() else None
    return record.rec_headers.get_header("WARC-Date")


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        return None

