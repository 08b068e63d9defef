"""The originals of revisit records: where each response record of a replay
is, found by its WARC-Record-ID or by its URI and payload digest, and the
revisits still waiting for theirs.

A revisit may come before its original: Webrecorder writes some so within a
file, and the files of a replay may be given in any order. A revisit whose
original is not known yet waits; it is resolved when the original comes (in
this file or a later one), and :meth:`Originals.close` reports those whose
original never came. The first capture of a key is kept (revisits of the same
payload resolve to the earliest).

The records are kept in a private temporary SQLite database (``""``: in memory
while small, spilled to a temporary file by SQLite past its page cache, gone
when closed), so a replay of millions of records keeps its memory flat; only
the waiting revisits are held in memory. Pure: no Scrapy.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from crawler.items import Page
    from crawler.warc.reader import Archive

logger = logging.getLogger("crawler.warc.reader")


def original_keys(record_id: str, url: str, digest: str | None) -> tuple[str, ...]:
    """The keys a response record is found by as an original: its
    WARC-Record-ID, and its target URI with its payload digest."""
    return (record_id, f"{url} {digest}") if digest else (record_id,)


def revisit_keys(headers: Any, url: str) -> tuple[str, ...]:
    """The keys a revisit record (warcio headers, target ``url``) names its
    original by, in order: its WARC-Refers-To, then the original's URI
    (WARC-Refers-To-Target-URI, or the revisit's own) with its payload digest."""
    digest = headers.get_header("WARC-Payload-Digest")
    uri = headers.get_header("WARC-Refers-To-Target-URI") or url
    return tuple(k for k in (headers.get_header("WARC-Refers-To"),
                             f"{uri} {digest}" if digest else None) if k)


@dataclass
class _Original:
    """Where an original's record is, and what its HTTP headers say (for a
    revisit that has none of its own)."""

    archive: Archive
    offset: int
    length: int
    record_id: str
    status: int = 0
    content_type: str | None = None


@dataclass(eq=False)
class Waiting:
    """A revisit whose original is not known yet: its page, all but what the
    original gives (the body, and status and type when it has no HTTP headers)."""

    page: Page
    keys: tuple[str, ...]
    #: Whether the revisit's own HTTP headers gave the status and type.
    has_http: bool
    #: The revisit's archive (its name), for messages.
    archive: str
    resolved: bool = field(default=False)


class Store(Protocol):
    def get(self, key: str, /) -> _Original | None: ...

    def setdefault(self, key: str, value: _Original, /) -> _Original: ...


class SqliteStore:
    """A :class:`Store` in a private temporary SQLite database."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")
        self._db.execute("CREATE TABLE original (key TEXT PRIMARY KEY, archive INTEGER, "
                         "offset INTEGER, length INTEGER, record_id TEXT, status INTEGER, "
                         "content_type TEXT)")
        self._archives: list[Archive] = []
        self._numbers: dict[Archive, int] = {}

    def get(self, key: str, /) -> _Original | None:
        row = self._db.execute("SELECT archive, offset, length, record_id, status, content_type "
                               "FROM original WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        number, offset, length, record_id, status, content_type = row
        return _Original(self._archives[number], offset, length, record_id, status, content_type)

    def setdefault(self, key: str, value: _Original, /) -> _Original:
        number = self._numbers.get(value.archive)
        if number is None:
            number = self._numbers[value.archive] = len(self._archives)
            self._archives.append(value.archive)
        self._db.execute("INSERT OR IGNORE INTO original VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (key, number, value.offset, value.length, value.record_id,
                          value.status, value.content_type))
        return self.get(key) or value

    def close(self) -> None:
        self._db.close()


class Originals:
    """The originals seen so far and the revisits waiting for theirs. One for
    all the archives of a replay, given to each :func:`~crawler.warc.reader.iter_pages`
    call; :meth:`close` after the last. ``store``: where the originals are kept
    (a plain ``dict`` works; the default is :class:`SqliteStore`)."""

    def __init__(self, store: Store | MutableMapping[str, _Original] | None = None) -> None:
        self._store: Store | MutableMapping[str, _Original] = (
            store if store is not None else SqliteStore())
        self._waiting: dict[str, list[Waiting]] = {}
        #: The waiting revisits by id, in the order they came.
        self._pending: dict[int, Waiting] = {}

    def add(self, original: _Original, keys: Iterable[str]) -> list[Waiting]:
        """Record ``original`` under ``keys``; the revisits that were waiting
        for it, now resolved (in the order they came)."""
        found: list[Waiting] = []
        for key in keys:
            self._store.setdefault(key, original)
            for waiting in self._waiting.pop(key, ()):
                if not waiting.resolved:
                    waiting.resolved = True
                    del self._pending[id(waiting)]
                    found.append(waiting)
        return found

    def find(self, keys: Iterable[str]) -> _Original | None:
        for key in keys:
            original = self._store.get(key)
            if original is not None:
                return original
        return None

    def wait(self, waiting: Waiting) -> None:
        """Keep ``waiting`` until :meth:`add` gives its original (or :meth:`close`)."""
        self._pending[id(waiting)] = waiting
        for key in waiting.keys:
            self._waiting.setdefault(key, []).append(waiting)

    def unresolved(self) -> list[Waiting]:
        """The revisits still waiting, in the order they came."""
        return list(self._pending.values())

    def close(self) -> list[Waiting]:
        """Report each revisit whose original never came (a warning each), free
        the store, and return those revisits."""
        left = self.unresolved()
        for waiting in left:
            if waiting.keys:
                logger.warning("revisit of %s: original %s not found", waiting.page.url,
                               " or ".join(waiting.keys))
            else:
                logger.warning("revisit of %s: names no original (no WARC-Refers-To or "
                               "WARC-Payload-Digest)", waiting.page.url)
        self._waiting.clear()
        self._pending.clear()
        if isinstance(self._store, SqliteStore):
            self._store.close()
        return left
