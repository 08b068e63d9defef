"""A rolling, per-record-gzipped WARC/1.1 writer.

Files are named ``<prefix>-<timestamp>-<host>-<pid>-<serial>.warc.gz``; the
file being written carries a trailing ``.open`` and is renamed when closed or
rolled over past ``max_size``. Each file starts with a ``warcinfo`` record.
Records are flushed as they are written, so a killed process leaves every
complete record readable (an interrupted last record can be cut off).
"""

from __future__ import annotations

import os
import socket
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from crawler.warc.records import (
    HttpRequestData,
    HttpResponseData,
    RefersTo,
    build_exchange,
    build_revisit,
)

OPEN_SUFFIX = ".open"


class _GzipMember:
    """One gzip member per record, like warcio's ``GzippingWrapper`` but at a
    chosen level: warcio's fixed level 9 costs ~1.8x the CPU of level 6 on
    HTML for a 0.5 % smaller file (docs/benchmarks.md)."""

    def __init__(self, out: BinaryIO, level: int) -> None:
        self.compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
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


def warc_filename(prefix: str, serial: int, when: datetime | None = None,
                  host: str | None = None, pid: int | None = None) -> str:
    when = when or datetime.now(timezone.utc)
    stamp = when.strftime("%Y%m%d%H%M%S") + f"{when.microsecond // 1000:03d}"
    host = (host or socket.gethostname()).replace("-", "_").replace("/", "_")
    return f"{prefix}-{stamp}-{host}-{pid or os.getpid()}-{serial:05d}.warc.gz"


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
    ) -> None:
        if not 0 <= gzip_level <= 9:
            raise ValueError(f"gzip level must be 0-9, not {gzip_level}")
        self.gzip_level = gzip_level
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_size = max_size
        self.info = dict(info or {})
        self.redact_headers = tuple(redact_headers)
        self.closed_files: list[Path] = []
        self.records_written = 0
        self._serial = 0
        self._file: BinaryIO | None = None
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
        self._path = self.directory / name
        self._file = open(self.directory / (name + OPEN_SUFFIX), "xb")
        self._writer = _LeveledWARCWriter(self._file, self.gzip_level, warc_version="1.1")
        info = {"software": "crawler", "hostname": socket.gethostname(),
                "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}
        info.update({k: str(v) for k, v in self.info.items()})
        record = self._writer.create_warcinfo_record(name, info)
        self._write(record)

    def _write(self, record) -> tuple[int, int]:
        assert self._file is not None and self._writer is not None
        offset = self._file.tell()
        self._writer.write_record(record)
        self._file.flush()
        self.records_written += 1
        return offset, self._file.tell() - offset

    def write_exchange(self, request: HttpRequestData, response: HttpResponseData,
                       when: datetime | None = None, *, revisit_of: RefersTo | None = None,
                       profile: str | None = None) -> RecordPointer:
        """Write the response (or, with ``revisit_of``, revisit) record and the
        request record of one fetch; return where the first one is."""
        if self._file is None:
            self._open()
        assert self._writer is not None and self._path is not None
        # warcio formats naive UTC datetimes: "2026-11-26T15:54:23.267629Z"
        when = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)
        warc_date = datetime_to_iso_date(when, use_micros=True)
        if revisit_of is not None:
            resp, req = build_revisit(self._writer, request, response, revisit_of,
                                      profile=profile or "", warc_date=warc_date,
                                      redact=self.redact_headers)
        else:
            resp, req = build_exchange(self._writer, request, response, warc_date=warc_date,
                                       redact=self.redact_headers)
        offset, length = self._write(resp)
        self._write(req)
        pointer = RecordPointer(self._path, offset, length,
                                resp.rec_headers.get_header("WARC-Record-ID"), warc_date)
        if self._file is not None and self._file.tell() >= self.max_size:
            self.close()
        return pointer

    def close(self) -> None:
        if self._file is None:
            return
        assert self._path is not None
        self._file.close()
        os.replace(self._path.with_name(self._path.name + OPEN_SUFFIX), self._path)
        self.closed_files.append(self._path)
        self._file = self._writer = None
