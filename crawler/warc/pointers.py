"""Where an article record's ``warc`` pointer leads, checked.

A pointer (``filename``, ``offset``, ``length``, ``record_id``) must locate a
record of the article's URL with that id: a ``response``, or a ``revisit``
(replay of a deduplicated crawl) whose original is a response. The file is a
WARC, or a WARC inside a WACZ (``crawl.wacz#archive/data.warc.gz``, the form
``crawler replay`` writes), relative to the JSON lines file's folder.

A revisit's original is found by ``WARC-Refers-To``, else by URI
(``WARC-Refers-To-Target-URI`` or its own) and payload digest, else by URI and
``WARC-Refers-To-Date``; it is looked for in the revisit's own file, the other
WARC files of its WACZ, the archives the check was given, the job's ``warc/``
folder and, last, the other WARC files beside the revisit's. Each file is
read once (headers only, bodies streamed past) and only when a revisit needs
it. Pure: warcio, no Scrapy.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.jobfolder import WACZ_SUFFIX, WARC_DIR, is_job, kind_of, scan
from crawler.warc.originals import original_keys, revisit_keys
from crawler.warc.reader import Archive, ArchiveError, find_archives
from crawler.warc.walk import one_line, stored_records

_MAX_HOPS = 10


@dataclass(frozen=True)
class _Seen:
    """A record as indexed: where it is and what it is."""

    archive: Archive
    offset: int
    rec_type: str


def archive_of(base: Path, filename: str) -> Archive:
    """The archive a pointer's ``filename`` names (a ``#`` after ``.wacz``
    names a member of the WACZ)."""
    path, hash_, member = filename.partition("#")
    if hash_ and path.endswith(WACZ_SUFFIX):
        return Archive(base / path, member)
    return Archive(base / filename)


def _headers(archive: Archive, offset: int) -> tuple[Any, int]:
    """The WARC headers and length of the record at ``offset``."""
    with archive.open() as stream:
        stream.seek(offset)
        stored = next(stored_records(stream))
        return stored.record.rec_headers, stored.length


class Pointers:
    """Checks pointers; ``archives`` are those the check was given (searched
    for revisits' originals). Keeps an index of the records of the files it
    had to read for a revisit."""

    def __init__(self, archives: Sequence[Archive] = ()) -> None:
        self.archives = list(archives)
        self._read: set[str] = set()
        #: records by WARC-Record-ID, and responses by their original keys too
        self._by_key: dict[str, _Seen] = {}
        self._by_date: dict[tuple[str, str], str] = {}

    def check(self, base: Path, pointer: dict, url: str) -> str | None:
        """None when ``pointer`` locates a response of ``url`` (directly or
        through a revisit), else the problem."""
        archive = archive_of(base, str(pointer["filename"]))
        where = f"{archive.name}:{pointer['offset']}"
        try:
            headers, length = _headers(archive, int(pointer["offset"]))
        except FileNotFoundError:
            return f"WARC file not found: {archive.path}"
        except OSError as exc:
            return f"cannot read {archive.path}: {one_line(exc)}"
        except KeyError:
            return f"no {archive.member} in {archive.path}"
        except zipfile.BadZipFile as exc:
            return f"{archive.path} is not a WACZ (zip) file: {exc}"
        except StopIteration:
            return f"no WARC record at {where} (end of file)"
        except Exception as exc:  # warcio and zlib on any bytes: many types
            return f"no WARC record at {where} ({one_line(exc)})"
        rec_type = headers.get_header("WARC-Type")
        if rec_type not in ("response", "revisit"):
            return f"record at {where} is a {rec_type}, not a response or revisit"
        target = headers.get_header("WARC-Target-URI")
        if target != url:
            return f"record at {where} is for {target}, not {url}"
        if headers.get_header("WARC-Record-ID") != pointer["record_id"]:
            return f"record at {where} has another WARC-Record-ID"
        if length != pointer["length"]:
            return f"record at {where} is {length} bytes long, not {pointer['length']}"
        if rec_type == "revisit":
            return self._resolve(archive, base, headers, url)
        return None

    def _resolve(self, archive: Archive, base: Path, headers: Any, url: str) -> str | None:
        """None when the revisit with ``headers`` resolves to a response."""
        searched = 0
        for candidate in self._candidates(archive, base):
            if candidate.name not in self._read:
                self._index(candidate)
                searched += 1
            problem = self._original(headers, url)
            if problem != "":
                return problem
        refers = " or ".join(revisit_keys(headers, url)) or "(named by no key)"
        return (f"revisit of {url}: original {refers} not found (in {len(self._read)} "
                "WARC file(s) read)")

    def _original(self, headers: Any, url: str) -> str | None:
        """None: resolved to a response; a problem; or "" when not found yet."""
        for _ in range(_MAX_HOPS):
            seen = self._lookup(headers, url)
            if seen is None:
                return ""
            if seen.rec_type == "response":
                return None
            if seen.rec_type != "revisit":
                return f"revisit of {url} refers to a {seen.rec_type} record ({seen.archive.name})"
            try:
                headers, _ = _headers(seen.archive, seen.offset)
            except Exception as exc:  # it was read once already: changed since?
                return f"revisit of {url}: cannot read {seen.archive.name}: {one_line(exc)}"
            url = headers.get_header("WARC-Target-URI") or url
        return f"revisit of {url}: more than {_MAX_HOPS} revisits in a chain"

    def _lookup(self, headers: Any, url: str) -> _Seen | None:
        for key in revisit_keys(headers, url):
            if key in self._by_key:
                return self._by_key[key]
        uri = headers.get_header("WARC-Refers-To-Target-URI") or url
        record_id = self._by_date.get((uri, headers.get_header("WARC-Refers-To-Date") or ""))
        return self._by_key.get(record_id) if record_id else None

    def _candidates(self, archive: Archive, base: Path) -> Iterable[Archive]:
        yield archive
        if archive.member is not None:
            yield from _quiet_archives([archive.path])
        yield from self.archives
        if is_job(base) and (base / WARC_DIR).is_dir():
            yield from (Archive(p) for p in scan([base / WARC_DIR]).warcs)
        if archive.member is None and archive.path.parent.is_dir():
            yield from (Archive(p) for p in sorted(archive.path.parent.iterdir())
                        if kind_of(p) == "warc")

    def _index(self, archive: Archive) -> None:
        self._read.add(archive.name)
        # what a broken file holds before the break is indexed; its own check reports it
        with contextlib.suppress(Exception), archive.open() as stream:
            for stored in stored_records(stream):
                self._add(archive, stored.offset, stored.record.rec_headers)

    def _add(self, archive: Archive, offset: int, headers: Any) -> None:
        record_id = headers.get_header("WARC-Record-ID") or ""
        rec_type = headers.get_header("WARC-Type") or ""
        if not record_id:
            return
        seen = _Seen(archive, offset, rec_type)
        if rec_type != "response":
            self._by_key.setdefault(record_id, seen)
            return
        uri = headers.get_header("WARC-Target-URI") or ""
        for key in original_keys(record_id, uri, headers.get_header("WARC-Payload-Digest")):
            self._by_key.setdefault(key, seen)
        self._by_date.setdefault((uri, headers.get_header("WARC-Date") or ""), record_id)


def _quiet_archives(paths: Sequence[Path]) -> list[Archive]:
    try:
        return find_archives(paths)
    except ArchiveError:
        return []
