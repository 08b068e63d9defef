"""A set of request fingerprints kept on disk, not in memory.

A crawl remembers every URL it has asked for; in a Python set that costs
~100 bytes per URL and grows with the site. :class:`SeenStore` keeps the
fingerprints in a private SQLite database (a temporary file deleted when the
store closes; only a bounded page cache stays in memory), so memory stays flat
however many pages a crawl discovers. Membership is exact. Pure: no Scrapy.
"""

from __future__ import annotations

import sqlite3


class SeenStore:
    """Fingerprints (bytes) seen by this process; :meth:`add` tells new ones."""

    def __init__(self, path: str = "", cache_kib: int = 8192) -> None:
        # "" is SQLite's private temporary database, removed on close
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.executescript(f"""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA temp_store = FILE;
            PRAGMA cache_size = -{int(cache_kib)};
            CREATE TABLE IF NOT EXISTS seen (fp BLOB PRIMARY KEY) WITHOUT ROWID;
            BEGIN;
        """)
        self._pending = 0
        self._count = self._db.execute("SELECT count(*) FROM seen").fetchone()[0]

    def add(self, fp: bytes) -> bool:
        """Record ``fp``; True when it was not there before."""
        cur = self._db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (fp,))
        if cur.rowcount != 1:
            return False
        self._count += 1
        self._pending += 1
        if self._pending >= 10_000:  # bound the transaction's memory
            self._db.execute("COMMIT")
            self._db.execute("BEGIN")
            self._pending = 0
        return True

    def __contains__(self, fp: bytes) -> bool:
        return self._db.execute("SELECT 1 FROM seen WHERE fp = ?", (fp,)).fetchone() is not None

    def __len__(self) -> int:
        return self._count

    def close(self) -> None:
        if self._db is not None:
            self._db.execute("COMMIT")
            self._db.close()
            self._db = None  # type: ignore[assignment]
