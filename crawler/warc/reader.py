"""Reading our archives back: the WARC files of a path (folders, ``.warc``,
``.warc.gz``, ``.wacz``) and the fetched pages in them, revisits resolved to
their original payload. Pure: warcio, no network."""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from crawler.items import Page
from crawler.jobfolder import WACZ_SUFFIX, WARC_SUFFIXES, kind_of, scan
from crawler.warc.payload import PayloadError, decode_body

logger = logging.getLogger(__name__)
#: A WARC-Record-ID: a URI in angle brackets (as the article schema has it).
RECORD_ID = re.compile(r"<[^<>\s]+>")


class ArchiveError(Exception):
    """A path that is not an archive we can read."""


class WarcFormatError(ArchiveError):
    """Bytes in a WARC file that are not a readable record (truncated, corrupt)."""


@dataclass(frozen=True)
class Archive:
    """One WARC file, on disk or inside a WACZ (``member``)."""

    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        return f"{self.path}#{self.member}" if self.member else str(self.path)

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        if self.member is None:
            with open(self.path, "rb") as f:
                yield f
        else:
            with zipfile.ZipFile(self.path) as z, z.open(self.member) as f:
                yield f  # type: ignore[misc]


def find_archives(paths: Sequence[str | Path]) -> list[Archive]:
    """Every WARC under ``paths``, in name order within each folder. Files still
    being written (``.open``) are skipped in folders."""
    found: list[Archive] = []
    for raw in paths:
        try:
            files = scan([raw])
        except FileNotFoundError as exc:
            raise ArchiveError(str(exc)) from None
        explicit = Path(raw).is_file()
        for f in files.order + files.other:
            kind = kind_of(f)
            if kind in ("warc", "wacz") or explicit:
                found.extend(_expand(f))
    return found


def _expand(path: Path) -> list[Archive]:
    if path.name.endswith(WACZ_SUFFIX):
        try:
            with zipfile.ZipFile(path) as z:
                members = sorted(n for n in z.namelist()
                                 if n.startswith("archive/") and n.endswith(WARC_SUFFIXES))
        except zipfile.BadZipFile as exc:
            raise ArchiveError(f"not a WACZ (zip) file: {path}: {exc}") from None
        return [Archive(path, m) for m in members]
    if kind_of(path) in ("warc", "open_warc"):
        return [Archive(path)]
    raise ArchiveError(f"not a WARC or WACZ file: {path}")


def warc_date(value: str | None) -> datetime:
    """A WARC-Date as an aware UTC datetime; missing or unreadable: now (logged)."""
    if value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
        except (ValueError, OverflowError):
            logger.warning("unreadable WARC-Date %r: using the current time", value)
    return datetime.now(UTC)


def http_status(headers: StatusAndHeaders) -> int:
    """The status code of an HTTP response record; 0 when it is not a number."""
    code = (headers.get_statuscode() or "").strip()
    return int(code) if code.isascii() and code.isdigit() and len(code) <= 3 else 0


@dataclass
class RawRecord:
    """A record as read by :func:`read_records`: ``body`` is the HTTP payload
    with chunked framing removed but still content-coded (see ``payload.py``)."""

    record: ArcWarcRecord
    offset: int
    length: int
    body: bytes


def read_records(stream: BinaryIO, *, bodies: bool = True,
                 check_digests: bool = False) -> Iterator[RawRecord]:
    """warcio's records of ``stream`` with their offsets (and bodies). warcio
    fails on broken bytes with many exception types (``ArchiveLoadFailed``,
    ``ValueError``, ``zlib.error``, ``AttributeError`` for a response without
    ``WARC-Target-URI``...): each becomes a :class:`WarcFormatError` naming the
    offset after the last good record. ``OSError`` (the disk) passes through."""
    records = ArchiveIterator(stream, check_digests=check_digests)
    iterator = iter(records)
    end = 0
    while True:
        try:
            record = next(iterator)
            body = b""
            if bodies:
                body = read_raw_body(record)
            offset, length = records.get_record_offset(), records.get_record_length()
        except StopIteration:
            return
        except OSError:
            raise
        except Exception as exc:  # warcio's parser on hostile bytes
            raise WarcFormatError(f"no readable WARC record after offset {end}: "
                                  f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
        end = offset + length
        yield RawRecord(record, offset, length, body)


def read_raw_body(record: ArcWarcRecord) -> bytes:
    stream = record.raw_stream
    http = record.http_headers
    if http is not None and (http.get_header("Transfer-Encoding") or "").lower() == "chunked":
        stream = ChunkedDataReader(stream)  # falls back to the raw bytes when not chunked
    return stream.read()


@dataclass
class _Original:
    archive: Archive
    offset: int
    length: int
    record_id: str


def iter_pages(archive: Archive, display_name: str,
               originals: dict[str, _Original] | None = None) -> Iterator[Page]:
    """Pages of one WARC: its ``response`` records, and its ``revisit`` records
    resolved to the original they refer to (by ``WARC-Refers-To`` or by URI and
    payload digest). ``originals`` is shared across the archives of a replay so
    a revisit can refer to an earlier file. A truncated or broken file yields
    what it has, then logs the problem; a record whose body cannot be decoded
    is skipped with a warning. Never raises for what the file holds."""
    originals = originals if originals is not None else {}
    try:
        with archive.open() as stream:
            for raw in read_records(stream):
                record = raw.record
                rtype = record.rec_type
                headers = record.rec_headers
                url = headers.get_header("WARC-Target-URI")
                if rtype not in ("response", "revisit") or record.http_headers is None or not url:
                    continue
                record_id = headers.get_header("WARC-Record-ID") or ""
                if not RECORD_ID.fullmatch(record_id):  # mandatory; the pointer needs it
                    logger.warning("%s: skipping the record of %s at offset %d: bad "
                                   "WARC-Record-ID %r", archive.name, url, raw.offset, record_id)
                    continue
                pointer = {"filename": display_name, "offset": raw.offset, "length": raw.length,
                           "record_id": record_id}
                if rtype == "response":
                    original = _Original(archive, raw.offset, raw.length, record_id)
                    originals[record_id] = original
                    digest = headers.get_header("WARC-Payload-Digest")
                    if digest:
                        originals[f"{url} {digest}"] = original
                else:
                    refers = headers.get_header("WARC-Refers-To") or (
                        f"{url} {headers.get_header('WARC-Payload-Digest')}")
                    known = originals.get(refers)
                    if known is None:
                        logger.warning("revisit of %s: original %s not found", url, refers)
                        continue
                    original = known
                try:
                    if rtype == "response":
                        body = decode_body(raw.body, record.http_headers)
                    else:  # the original's body, decoded by the original's headers
                        body = read_payload(original.archive, original.offset)
                except (PayloadError, ArchiveError, OSError, EOFError, zipfile.BadZipFile) as exc:
                    logger.warning("%s: skipping the record of %s at offset %d: %s",
                                   archive.name, url, raw.offset, exc)
                    continue
                yield Page(url=url, status=http_status(record.http_headers), body=body,
                           content_type=record.http_headers.get_header("Content-Type"),
                           fetched_at=warc_date(headers.get_header("WARC-Date")),
                           warc=pointer, meta={"record_type": rtype})
    except (ArchiveError, OSError, EOFError, zipfile.BadZipFile) as exc:
        logger.error("%s: unreadable after the records above (%s)", archive.name, exc)


def read_payload(archive: Archive, offset: int) -> bytes:
    """The decoded HTTP body of the response record at ``offset``. Raises
    :class:`WarcFormatError` when there is no readable record there and
    :class:`~crawler.warc.payload.PayloadError` when its body cannot be decoded."""
    with archive.open() as stream:
        if archive.member is None:
            stream.seek(offset)
        else:  # zip members are streams: skip forward
            stream.read(offset)
        for raw in read_records(stream):
            return decode_body(raw.body, raw.record.http_headers)
    raise WarcFormatError(f"{archive.name}: no WARC record at offset {offset}")
