"""Verification of archives and article records: WARC structure and digests
(warcio), JSON lines against the schema, and every ``warc`` pointer resolving
to the response record of the same URL. Each problem is one line of text."""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.exceptions import ArchiveLoadFailed

from crawler.jsonl import read_lines
from crawler.schema import validator
from crawler.warc.reader import ArchiveError, read_records
from crawler.warc.repair import member_end


@dataclass
class CheckCounts:
    warc_files: int = 0
    records: int = 0
    json_lines: int = 0


def check_warc(path: Path, counts: CheckCounts | None = None) -> Iterator[str]:
    counts = counts or CheckCounts()
    counts.warc_files += 1
    offset = end = 0
    try:
        size = path.stat().st_size
        with open(path, "rb") as stream:
            # the bytes as stored: no content decoding (a br or gzip body is checked as is)
            for raw in read_records(stream, bodies=False, check_digests=True):
                offset, end = raw.offset, raw.offset + raw.length
                counts.records += 1
                checker = raw.record.digest_checker
                if checker.passed is False:
                    for problem in checker.problems:
                        yield f"{path}: offset {offset}: {problem}"
    except (ArchiveError, ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        yield f"{path}: unreadable after offset {offset} (truncated or corrupt): {exc}".rstrip()
        return
    if end + 4 == size and not path.name.endswith((".gz", ".gz.open")):
        with open(path, "rb") as f:  # uncompressed: warcio's length leaves out the last CRLFs
            f.seek(end)
            if f.read(4) == b"\r\n\r\n":
                end = size
    if end != size:
        yield (f"{path}: unreadable after offset {end} (truncated or corrupt): "
               f"{size - end} trailing bytes are no complete record")
    elif path.name.endswith((".gz", ".gz.open")):
        cut = incomplete_gzip_member(path)
        if cut is not None:
            yield f"{path}: truncated: the gzip member at offset {cut} is cut short"


def incomplete_gzip_member(path: Path) -> int | None:
    """Offset of the first gzip member that does not end properly, if any
    (warcio reads a cut-off last record without complaint). Streams the file:
    linear in its size, memory bounded."""
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        pos = 0
        while pos < size:
            end, _ = member_end(f, pos)
            if end is None:
                return pos
            pos = end
    return None


def resolve_pointer(base: Path, pointer: dict, url: str) -> str | None:
    """None when ``pointer`` locates the response record of ``url``, else the problem."""
    path = base / pointer["filename"]
    try:
        with open(path, "rb") as f:
            f.seek(pointer["offset"])
            data = f.read(pointer["length"])
        record = next(read_records(io.BytesIO(data), bodies=False)).record
    except FileNotFoundError:
        return f"WARC file not found: {path}"
    except (ArchiveError, StopIteration, OSError, EOFError, ValueError) as exc:
        return f"no WARC record at {path}:{pointer['offset']} ({exc or 'empty'})"
    if record.rec_type != "response":
        return f"record at {path}:{pointer['offset']} is a {record.rec_type}, not a response"
    target = record.rec_headers.get_header("WARC-Target-URI")
    if target != url:
        return f"record at {path}:{pointer['offset']} is for {target}, not {url}"
    if record.rec_headers.get_header("WARC-Record-ID") != pointer["record_id"]:
        return f"record at {path}:{pointer['offset']} has another WARC-Record-ID"
    return None


def check_jsonl(path: Path, counts: CheckCounts | None = None) -> Iterator[str]:
    counts = counts or CheckCounts()
    check = validator()
    for line in read_lines(path):
        where = f"{path}:{line.number}"
        if not line.complete:
            yield f"{where}: incomplete last line (no newline)"
        counts.json_lines += 1
        if line.data is None:
            yield f"{where}: {line.error}"
            continue
        record = line.data  # JSON: the schema says what is wrong with it, if anything
        errors = sorted(check.iter_errors(record), key=lambda e: list(e.path))
        for error in errors:
            field = "/".join(map(str, error.path)) or "record"
            yield f"{where}: {field}: {error.message}"
        if errors or not isinstance(record.get("warc"), dict):
            continue
        problem = resolve_pointer(path.parent, record["warc"], record["url"])
        if problem:
            yield f"{where}: warc pointer: {problem}"
