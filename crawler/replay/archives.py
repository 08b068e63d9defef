"""Reading our archives back: the WARC files of a path (folders, ``.warc``,
``.warc.gz``, ``.wacz``) and the fetched pages in them, revisits resolved to
their original payload. Pure: warcio, no network."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.items import Page

logger = logging.getLogger(__name__)
WARC_SUFFIXES = (".warc", ".warc.gz")


class ArchiveError(Exception):
    """A path that is not an archive we can read."""


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


def find_archives(paths: list[str | Path]) -> list[Archive]:
    """Every WARC under ``paths``, in name order within each folder. Files still
    being written (``.open``) are skipped in folders."""
    found: list[Archive] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*")
                           if p.is_file() and (p.name.endswith(WARC_SUFFIXES)
                                               or p.suffix == ".wacz"))
            for f in files:
                found.extend(_expand(f))
        elif path.is_file():
            found.extend(_expand(path))
        else:
            raise ArchiveError(f"no such file or folder: {path}")
    return found


def _expand(path: Path) -> list[Archive]:
    if path.suffix == ".wacz":
        try:
            with zipfile.ZipFile(path) as z:
                members = sorted(n for n in z.namelist()
                                 if n.startswith("archive/") and n.endswith(WARC_SUFFIXES))
        except zipfile.BadZipFile as exc:
            raise ArchiveError(f"not a WACZ (zip) file: {path}: {exc}") from None
        return [Archive(path, m) for m in members]
    if path.name.endswith(WARC_SUFFIXES) or path.name.endswith(".open"):
        return [Archive(path)]
    raise ArchiveError(f"not a WARC or WACZ file: {path}")


def warc_date(value: str | None) -> datetime:
    if not value:
        return datetime.now(timezone.utc)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


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
    what it has, then logs the problem."""
    originals = originals if originals is not None else {}
    try:
        with archive.open() as stream:
            records = ArchiveIterator(stream)
            for record in records:
                rtype = record.rec_type
                if rtype not in ("response", "revisit") or record.http_headers is None:
                    continue
                headers = record.rec_headers
                url = headers.get_header("WARC-Target-URI")
                record_id = headers.get_header("WARC-Record-ID")
                body = record.content_stream().read() if rtype == "response" else b""
                offset, length = records.get_record_offset(), records.get_record_length()
                pointer = {"filename": display_name, "offset": offset, "length": length,
                           "record_id": record_id}
                if rtype == "response":
                    original = _Original(archive, offset, length, record_id)
                    originals[record_id] = original
                    digest = headers.get_header("WARC-Payload-Digest")
                    if digest:
                        originals[f"{url} {digest}"] = original
                else:
                    refers = headers.get_header("WARC-Refers-To") or (
                        f"{url} {headers.get_header('WARC-Payload-Digest')}")
                    original = originals.get(refers)
                    if original is None:
                        logger.warning("revisit of %s: original %s not found", url, refers)
                        continue
                    body = read_payload(original.archive, original.offset)
                    pointer = dict(pointer, record_id=record_id)
                status = int(record.http_headers.get_statuscode() or 0)
                yield Page(url=url, status=status, body=body,
                           content_type=record.http_headers.get_header("Content-Type"),
                           fetched_at=warc_date(headers.get_header("WARC-Date")),
                           warc=pointer, meta={"record_type": rtype})
    except (ArchiveLoadFailed, OSError, EOFError, zipfile.BadZipFile) as exc:
        logger.error("%s: unreadable after the records above (%s)", archive.name, exc)


def read_payload(archive: Archive, offset: int) -> bytes:
    with archive.open() as stream:
        if archive.member is None:
            stream.seek(offset)
        else:  # zip members are streams: skip forward
            stream.read(offset)
        record = next(iter(ArchiveIterator(stream)))
        return record.content_stream().read()
