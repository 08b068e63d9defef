"""A rolling, per-record-gzipped WARC/1.1 writer.

Files are named ``<prefix>-<timestamp>-<host>-<pid>-<serial>.warc.gz``; the
file being written carries a trailing ``.open`` and is renamed when closed or
rolled over past ``max_size``. Each file starts with a ``warcinfo`` record.
Each fetch's records are built in memory and written with one ``write``
loop straight to the file (no buffer of ours), so a killed process leaves
every complete record readable and at most one incomplete exchange at the end
(``crawler check --repair`` cuts it off). A write that fails (disk full, I/O
error) is undone: the file is cut back to the end of the last whole exchange
before the error is raised. The file being written is locked
(``crawler/filelock.py``) so a repair never touches it; it is flushed to disk
(fsync) and renamed before the lock goes.
"""

from __future__ import annotations

import io
import os
import re
import socket
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import BinaryIO, Protocol

from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from crawler.filelock import try_lock
from crawler.warc.capture import (
    HttpRequestData,
    HttpResponseData,
    RefersTo,
    build_exchange,
    build_revisit,
)

zlib: ModuleType
isal_zlib: ModuleType | None
try:  # zlib-ng: the same gzip at the same level in half the CPU
    from zlib_ng import zlib_ng as zlib
except ImportError:  # pragma: no cover - a platform without its wheel
    import zlib
try:  # ISA-L's igzip: levels 1-3, several times faster than zlib's
    from isal import isal_zlib
except ImportError:  # pragma: no cover - a platform without its wheel
    isal_zlib = None

OPEN_SUFFIX = ".open"


class Compressor(Protocol):
    """zlib-ng's or ISA-L's compress object."""

    def compress(self, data: bytes, /) -> bytes: ...

    def flush(self) -> bytes: ...


def compressor(level: int) -> Compressor:
    """A gzip compressor at ``level``: 1-3 ISA-L's igzip (its own three levels,
    ~0.4-0.6 ms per 180 kB HTML page, files ~11-15 % larger than at 6), 4-9 and
    0 (stored) zlib-ng (~2 ms at 6; level 9, warcio's, ~3x that for 0.5 %)."""
    if 1 <= level <= 3 and isal_zlib is not None:
        return isal_zlib.compressobj(level, isal_zlib.DEFLATED, isal_zlib.MAX_WBITS + 16)
    return zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)


class _GzipMember:
    """One gzip member per record, like warcio's ``GzippingWrapper`` but at a
    chosen level and with a faster deflate (:func:`compressor`)."""

    def __init__(self, out: BinaryIO, level: int) -> None:
        self.compressor = compressor(level)
        self.out = out

    def write(self, buff: bytes) -> None:
        self.out.write(self.compressor.compress(buff))

    def flush(self) -> None:
        self.out.write(self.compressor.flush())
        self.out.flush()


class _LeveledWARCWriter(WARCWriter):
    """warcio's writer with per-record gzip at ``level``."""

    def __init__(self, filebuf: BinaryIO, level: int, **kwargs: object) -> None:
        super().__init__(filebuf, gzip=False, **kwargs)
        self.level = level

    def _write_warc_record(self, out, record) -> None:
        super()._write_warc_record(_GzipMember(out, self.level), record)


@dataclass(frozen=True)
class RecordPointer:
    """Locates one record: ``offset`` and ``length`` in bytes within ``path``."""

    path: Path
    offset: int
    length: int
    record_id: str
    date: str = ""


_UNSAFE_PART = re.compile(r"[^A-Za-z0-9._-]+")


def _name_part(value: str, fallback: str) -> str:
    """A file-name part: no separator, NUL or leading dot, at most 80 characters."""
    return _UNSAFE_PART.sub("_", value).strip("._")[:80] or fallback


def warc_filename(prefix: str, serial: int, when: datetime | None = None,
                  host: str | None = None, pid: int | None = None) -> str:
    """``<prefix>-<timestamp>-<host>-<pid>-<serial>.warc.gz``; the prefix and
    host reduced to letters, digits, ``.``, ``_`` (and ``-`` in the prefix),
    so no value makes a name outside the WARC folder."""
    when = when or datetime.now(UTC)
    stamp = when.strftime("%Y%m%d%H%M%S") + f"{when.microsecond // 1000:03d}"
    host = _name_part((host or socket.gethostname()).replace("-", "_"), "host")
    return (f"{_name_part(prefix, 'crawler')}-{stamp}-{host}-{pid or os.getpid()}-"
            f"{serial:05d}.warc.gz")


class RollingWarcWriter:
    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        prefix: str = "crawler",
        max_size: int = 1_000_000_000,
        info: Mapping[str, object] | None = None,
        redact_headers: Iterable[str] = (),
        gzip_level: int = 6,
        on_write: Callable[[str, Sequence, list[tuple[int, int]]], None] | None = None,
    ) -> None:
        if not 0 <= gzip_level <= 9:
            raise ValueError(f"gzip level must be 0-9, not {gzip_level}")
        self.gzip_level = gzip_level
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_size = max_size
        self.info = dict(info or {})
        self.redact_headers = tuple(redact_headers)
        self.on_write = on_write  # (file name, records, their spans) after each write
        self.closed_files: list[Path] = []
        self.records_written = 0
        self._serial = 0
        self._file: io.FileIO | None = None
        self._size = 0
        self._dirty = False  # a failed write could not be undone: leave the file .open
        self._path: Path | None = None
        self._writer: WARCWriter | None = None

    @property
    def current_path(self) -> Path | None:
        """Final name (without ``.open``) of the file being written."""
        return self._path

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = warc_filename(self.prefix, self._serial)
        self._serial += 1
        open_path = self.directory / (name + OPEN_SUFFIX)
        self._file = io.FileIO(open_path, "xb")
        try_lock(self._file.fileno())
        self._path = self.directory / name
        self._size = 0
        self._dirty = False
        self._writer = _LeveledWARCWriter(io.BytesIO(), self.gzip_level, warc_version="1.1")
        info = {"software": "crawler", "hostname": socket.gethostname(),
                "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}
        info.update({k: str(v) for k, v in self.info.items()})
        try:
            self._append(self._writer.create_warcinfo_record(name, info))
        except OSError:
            self._file.close()
            self._file = self._writer = None
            open_path.unlink(missing_ok=True)
            raise

    def _append(self, *records) -> list[tuple[int, int]]:
        """Write ``records`` whole, or (on an error) not at all; return the
        offset and length of each."""
        assert self._file is not None and self._writer is not None
        buf = io.BytesIO()
        self._writer.out = buf
        spans = []
        for record in records:
            start = buf.tell()
            self._writer.write_record(record)
            spans.append((self._size + start, buf.tell() - start))
        data = buf.getvalue()
        done = 0
        try:
            while done < len(data):
                done += self._file.write(data[done:]) or 0
        except OSError:
            if done:
                try:
                    os.ftruncate(self._file.fileno(), self._size)
                    self._file.seek(self._size)
                except OSError:
                    self._dirty = True
            raise
        self._size += len(data)
        self.records_written += len(records)
        if self.on_write is not None:
            assert self._path is not None
            self.on_write(self._path.name, records, spans)
        return spans

    def write_exchange(self, request: HttpRequestData, response: HttpResponseData,
                       when: datetime | None = None, *, revisit_of: RefersTo | None = None,
                       profile: str | None = None) -> RecordPointer:
        """Write the response (or, with ``revisit_of``, revisit) record and the
        request record of one fetch; return where the first one is."""
        if self._file is None:
            self._open()
        assert self._writer is not None and self._path is not None
        # warcio formats naive UTC datetimes: "2026-11-26T15:54:23.267629Z"
        when = (when or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
        warc_date = datetime_to_iso_date(when, use_micros=True)
        if revisit_of is not None:
            resp, req = build_revisit(self._writer, request, response, revisit_of,
                                      profile=profile or "", warc_date=warc_date,
                                      redact=self.redact_headers)
        else:
            resp, req = build_exchange(self._writer, request, response, warc_date=warc_date,
                                       redact=self.redact_headers)
        (offset, length), _ = self._append(resp, req)
        pointer = RecordPointer(self._path, offset, length,
                                resp.rec_headers.get_header("WARC-Record-ID"), warc_date)
        if self._size >= self.max_size:
            self.close()
        return pointer

    def close(self) -> None:
        """Flush the file to disk and give it its closed name (while still
        locked). A file whose failed write could not be undone stays ``.open``."""
        if self._file is None:
            return
        assert self._path is not None
        file, self._file, self._writer = self._file, None, None
        try:
            if not self._dirty:
                os.fsync(file.fileno())
                os.replace(self._path.with_name(self._path.name + OPEN_SUFFIX), self._path)
                self.closed_files.append(self._path)
                fsync_dir(self.directory)
        finally:
            file.close()


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
