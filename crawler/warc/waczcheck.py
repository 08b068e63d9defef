"""Verification of a WACZ file (the zip ``crawler wacz``, Browsertrix and
ArchiveWeb.page write), one line per problem: a readable zip; its
``datapackage.json``, every file it lists present with its size and hash;
every WARC under ``archive/`` checked as a WARC file (``check.py``); the page
lists (``pages/*.jsonl``) JSON with a URL per page; every CDXJ index line
naming a WARC of the zip and a range inside it. Streams each file once (the
hashes) and each WARC once more (its records); the index lines are read, not
resolved record by record. Pure: the standard library and ``check.py``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crawler.jobfolder import wacz_warcs
from crawler.warc.check import CheckCounts, Finding, check_archive
from crawler.warc.reader import Archive
from crawler.warc.walk import one_line

DATAPACKAGE = "datapackage.json"
_CHUNK = 1 << 20
#: What zipfile raises on a damaged zip or member (a compression method it
#: does not know, an encrypted member, a bad CRC, deflate data cut short).
ZIP_ERRORS = (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError,
              ValueError, zlib.error)


def check_wacz(path: Path, counts: CheckCounts | None = None) -> Iterator[Finding]:
    counts = counts if counts is not None else CheckCounts()
    counts.wacz_files += 1
    where = str(path)
    try:
        with zipfile.ZipFile(path) as z:
            sizes = {info.filename: info.file_size for info in z.infolist()}
            problems = [*_datapackage(z, sizes), *_pages(z, sizes), *_indexes(z, sizes)]
    except ZIP_ERRORS as exc:
        yield Finding(where, f"not a readable WACZ (zip) file: {one_line(exc)}")
        return
    warcs = wacz_warcs(sizes)
    if not warcs:
        yield Finding(where, "no WARC file under archive/")
    for text in problems:
        yield Finding(where, text)
    for member in warcs:
        counts.warc_files += 1
        try:
            yield from check_archive(Archive(path, member), sizes[member], counts)
        except ZIP_ERRORS as exc:
            yield Finding(f"{where}#{member}", f"unreadable in the zip: {one_line(exc)}")


def _digest(z: zipfile.ZipFile, name: str, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with z.open(name) as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _datapackage(z: zipfile.ZipFile, sizes: dict[str, int]) -> Iterator[str]:
    if DATAPACKAGE not in sizes:
        yield f"no {DATAPACKAGE}"
        return
    try:
        package = json.loads(z.read(DATAPACKAGE))
        resources = package["resources"]
        assert isinstance(resources, list)
    except (*ZIP_ERRORS, KeyError, TypeError, AssertionError) as exc:
        yield f"{DATAPACKAGE} is not a data package with resources: {one_line(exc)}"
        return
    for resource in resources:
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            yield f"{DATAPACKAGE}: a resource without a path: {resource!r:.80}"
            continue
        name = resource["path"]
        if name not in sizes:
            yield f"{DATAPACKAGE} lists {name}, which is not in the zip"
            continue
        stats: dict[str, Any] = resource.get("stats") or resource  # WACZ 1.0 / 1.1
        size = stats.get("bytes")
        if isinstance(size, int) and size != sizes[name]:
            yield f"{name} has {sizes[name]} bytes, {DATAPACKAGE} says {size}"
        claimed = str(stats.get("hash") or "")
        algorithm, _, value = claimed.rpartition(":")
        algorithm = (algorithm or str(resource.get("hashing") or "sha256")).lower()
        if not value or algorithm.replace("-", "") not in hashlib.algorithms_available:
            yield f"{DATAPACKAGE}: {name}: no hash it can check ({claimed!r:.80})"
            continue
        try:
            digest = _digest(z, name, algorithm.replace("-", ""))
        except ZIP_ERRORS as exc:
            yield f"{name}: unreadable in the zip: {one_line(exc)}"
            continue
        if digest != value.lower():
            yield f"{name} does not match its hash in {DATAPACKAGE}"


def _lines(z: zipfile.ZipFile, name: str) -> Iterator[tuple[int, bytes]]:
    with z.open(name) as raw:
        stream = gzip.GzipFile(fileobj=raw) if name.endswith(".gz") else raw
        yield from enumerate(stream, 1)


def _pages(z: zipfile.ZipFile, sizes: dict[str, int]) -> Iterator[str]:
    """Each page list is JSON lines: a header, then a URL per page (the first
    bad line of each list)."""
    for name in sorted(n for n in sizes if n.startswith("pages/") and n.endswith(".jsonl")):
        try:
            problem = next(_page_problems(z, name), None)
        except ZIP_ERRORS as exc:
            problem = f"unreadable: {one_line(exc)}"
        if problem:
            yield f"{name}{problem}"


def _page_problems(z: zipfile.ZipFile, name: str) -> Iterator[str]:
    for number, line in _lines(z, name):
        try:
            page = json.loads(line)
        except ValueError:
            yield f":{number}: not JSON"
            continue
        if not isinstance(page, dict):
            yield f":{number}: not a JSON object"
        elif not (number == 1 and "format" in page) and not isinstance(page.get("url"), str):
            yield f":{number}: a page without a url"


def _indexes(z: zipfile.ZipFile, sizes: dict[str, int]) -> Iterator[str]:
    """Each CDXJ line names a WARC under ``archive/`` and a range inside it
    (the first bad line of each index; ``index.idx`` of a ZipNum index is
    the index of the index: not read)."""
    for name in sorted(n for n in sizes if n.startswith("indexes/")
                       and n.endswith((".cdx", ".cdxj", ".cdx.gz", ".cdxj.gz"))):
        try:
            for number, line in _lines(z, name):
                problem = _index_line(line, sizes)
                if problem:
                    yield f"{name}:{number}: {problem}"
                    break
        except ZIP_ERRORS as exc:
            yield f"{name}: unreadable: {one_line(exc)}"


def _index_line(line: bytes, sizes: dict[str, int]) -> str | None:
    parts = line.split(b" ", 2)
    try:
        entry = json.loads(parts[2]) if len(parts) == 3 else None
    except ValueError:
        entry = None
    if not isinstance(entry, dict):
        return "not a CDXJ line (key, timestamp, JSON)"
    if "filename" not in entry:
        return None  # not a capture (a revisit-less meta line, say)
    member = f"archive/{entry['filename']}"
    if member not in sizes:
        return f"names {entry['filename']}, which is not under archive/"
    try:
        end = int(entry["offset"]) + int(entry["length"])
    except (KeyError, TypeError, ValueError):
        return "no offset and length"
    if end > sizes[member]:
        return f"range ends at {end}, after the end of {member} ({sizes[member]} bytes)"
    return None
