"""The job state store: one SQLite file per job (``<job>/state.sqlite``).

For every article URL it keeps the validators (ETag, Last-Modified), the
payload digest and WARC record of the last full capture, the last fetch time,
and the article's latest version, text digest, field digests and JSON
pointer. An article written under a copy's URL (an AMP copy) keeps the key of
the page it names canonical (``canonical``); that page, when dropped as its
duplicate, is kept with version 0 (its capture, no article of its own) and,
fetched in the same run, becomes the article's row (``settle``). Runs are
numbered; a run that did not finish is resumed by the next
start; each run's final stats and per-site counts are kept (``run_stats``),
and the pages whose extraction came out empty or short (``short_pages``).
Every change is committed at once (WAL journal), so a killed process loses
nothing already recorded. Pure: sqlite3 only.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, reason TEXT);
CREATE TABLE IF NOT EXISTS pages (
    key TEXT PRIMARY KEY, url TEXT NOT NULL,
    etag TEXT, last_modified TEXT, payload_digest TEXT,
    capture_record_id TEXT, capture_uri TEXT, capture_date TEXT,
    fetched_at TEXT NOT NULL, fetched_run INTEGER,
    version INTEGER NOT NULL DEFAULT 0, written_run INTEGER,
    article_warc TEXT, text_digest TEXT, fields TEXT, canonical TEXT);
CREATE TABLE IF NOT EXISTS run_stats (run INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS short_pages (key TEXT PRIMARY KEY, run INTEGER NOT NULL);
"""
#: Fields compared between versions of an article (``changed_fields``).
VERSIONED_FIELDS = ("title", "authors", "published", "modified", "text", "description",
                    "tags", "image", "language", "sitename", "canonical_url")


def digest(value: Any) -> str:
    data = json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha1(data).hexdigest()[:20]


def field_digests(record: dict[str, Any]) -> dict[str, str]:
    return {name: digest(record.get(name)) for name in VERSIONED_FIELDS}


@dataclass(frozen=True)
class Capture:
    """The validators and WARC record of one full capture of a URL."""

    etag: str | None = None
    last_modified: str | None = None
    payload_digest: str | None = None
    record_id: str | None = None
    uri: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class PageState:
    key: str
    url: str
    capture: Capture
    fetched_at: datetime
    version: int
    written_run: int | None
    article_warc: dict[str, Any] | None
    text_digest: str | None
    fields: dict[str, str]
    fetched_run: int | None = None
    #: The key of the page this article is a copy of (its same-site canonical).
    canonical: str | None = None


class JobStore(Protocol):
    """What the crawl asks of a job state store, in one process
    (:class:`StateStore`, SQLite) or over several workers
    (:class:`crawler.distributed.shared.RedisStateStore`). Both run through the
    same tests (``tests/test_store_contract.py``). The SQLite store alone also
    keeps per-run statistics and reconciles a killed run's lines (neither is
    used by a distributed crawl)."""

    #: A run that did not finish is resumed by the next start.
    resumed: bool

    @property
    def run(self) -> int: ...

    def finish_run(self, reason: str) -> None: ...

    def close(self) -> None: ...

    def get(self, key: str) -> PageState | None: ...

    def touch(self, key: str, url: str, fetched_at: datetime,
              capture: Capture | None) -> None: ...

    def record_article(self, key: str, record: dict[str, Any], fetched_at: datetime,
                       capture: Capture | None, canonical: str | None = None) -> None: ...

    def record_dropped(self, key: str, record: dict[str, Any], fetched_at: datetime,
                       capture: Capture | None) -> None: ...

    def copy_of(self, key: str) -> PageState | None: ...

    def settle(self, copy_key: str, key: str) -> bool: ...

    def count(self) -> int: ...


def _now() -> str:
    return datetime.now(UTC).isoformat()


class StateStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        if "canonical" not in {r[1] for r in self.db.execute("PRAGMA table_info(pages)")}:
            self.db.execute("ALTER TABLE pages ADD COLUMN canonical TEXT")  # an older job
        self.db.execute("CREATE INDEX IF NOT EXISTS pages_canonical ON pages (canonical) "
                        "WHERE canonical IS NOT NULL")
        self.run = self._open_run()
        #: Called with a failed write (disk full, read-only, I/O error) instead
        #: of raising it; the write is then lost (see ``reconcile``).
        self.on_write_error: Callable[[sqlite3.OperationalError], None] | None = None

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        try:
            self.db.execute(sql, params)
        except sqlite3.OperationalError as exc:
            if self.on_write_error is None:
                raise
            self.on_write_error(exc)

    def _open_run(self) -> int:
        """Resume the last run if it did not finish, else start a new one."""
        row = self.db.execute("SELECT id, finished FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        if row is not None and row[1] is None:
            self.resumed = True
            return int(row[0])
        self.resumed = False
        run = self.db.execute("INSERT INTO runs (started) VALUES (?)", (_now(),)).lastrowid
        assert run is not None  # the id of the row just inserted
        return run

    def finish_run(self, reason: str) -> None:
        self._write("UPDATE runs SET finished = ?, reason = ? WHERE id = ?",
                        (_now(), reason, self.run))

    def close(self) -> None:
        self.db.close()

    def get(self, key: str) -> PageState | None:
        row = self.db.execute(
            "SELECT key, url, etag, last_modified, payload_digest, capture_record_id, "
            "capture_uri, capture_date, fetched_at, version, written_run, article_warc, "
            "text_digest, fields, fetched_run, canonical FROM pages WHERE key = ?",
            (key,)).fetchone()
        if row is None:
            return None
        return PageState(
            key=row[0], url=row[1], capture=Capture(*row[2:8]),
            fetched_at=datetime.fromisoformat(row[8]), version=row[9], written_run=row[10],
            article_warc=json.loads(row[11]) if row[11] else None, text_digest=row[12],
            fields=json.loads(row[13]) if row[13] else {}, fetched_run=row[14],
            canonical=row[15])

    def touch(self, key: str, url: str, fetched_at: datetime, capture: Capture | None) -> None:
        """A fetch that changed no article: new fetch time (and capture, if any)."""
        if capture is None:
            self._write("UPDATE pages SET fetched_at = ?, fetched_run = ? WHERE key = ?",
                            (fetched_at.isoformat(), self.run, key))
            return
        self._write(
            "UPDATE pages SET fetched_at = ?, fetched_run = ?, etag = ?, last_modified = ?, "
            "payload_digest = ?, capture_record_id = ?, capture_uri = ?, capture_date = ? "
            "WHERE key = ?",
            (fetched_at.isoformat(), self.run, capture.etag, capture.last_modified,
             capture.payload_digest, capture.record_id, capture.uri, capture.date, key))

    def record_article(self, key: str, record: dict[str, Any], fetched_at: datetime,
                       capture: Capture | None, canonical: str | None = None) -> None:
        """An article version was written (``canonical``: the key of the page
        it is a copy of, if any)."""
        self._upsert(key, record, fetched_at, capture, record.get("version") or 1, canonical)

    def record_dropped(self, key: str, record: dict[str, Any], fetched_at: datetime,
                       capture: Capture | None) -> None:
        """A page dropped as the duplicate of an article written under another
        URL: its capture and text, version 0 (nothing written under its URL).
        A page that has an article of its own is left as it is."""
        self._upsert(key, record, fetched_at, capture, 0, None, only_dropped=True)

    def _upsert(self, key: str, record: dict[str, Any], fetched_at: datetime,
                capture: Capture | None, version: int, canonical: str | None,
                only_dropped: bool = False) -> None:
        capture = capture or Capture()
        self._write(
            "INSERT INTO pages (key, url, etag, last_modified, payload_digest, "
            "capture_record_id, capture_uri, capture_date, fetched_at, fetched_run, version, "
            "written_run, article_warc, text_digest, fields, canonical) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET url = excluded.url, etag = excluded.etag, "
            "last_modified = excluded.last_modified, payload_digest = excluded.payload_digest, "
            "capture_record_id = excluded.capture_record_id, capture_uri = excluded.capture_uri, "
            "capture_date = excluded.capture_date, fetched_at = excluded.fetched_at, "
            "fetched_run = excluded.fetched_run, version = excluded.version, "
            "written_run = excluded.written_run, article_warc = excluded.article_warc, "
            "text_digest = excluded.text_digest, fields = excluded.fields, "
            "canonical = excluded.canonical" + (" WHERE pages.version < 1" if only_dropped else ""),
            (key, record["url"], capture.etag, capture.last_modified, capture.payload_digest,
             capture.record_id, capture.uri, capture.date, fetched_at.isoformat(), self.run,
             version, self.run if version else None,
             json.dumps(record.get("warc")) if record.get("warc") and version else None,
             digest(record.get("text")), json.dumps(field_digests(record)), canonical))

    def copy_of(self, key: str) -> PageState | None:
        """An article written under another URL that names ``key`` canonical."""
        row = self.db.execute("SELECT key FROM pages WHERE canonical = ? AND key != ? "
                              "AND version >= 1 LIMIT 1", (key, key)).fetchone()
        return self.get(row[0]) if row else None

    def settle(self, copy_key: str, key: str) -> bool:
        """When the article at ``copy_key`` (a copy naming ``key`` canonical) and
        the page ``key`` dropped as its duplicate were both fetched in this run,
        whichever came first: the article's version, run and JSON pointer move
        to ``key``'s row, which keeps its own capture and text digests (its next
        re-check is a conditional request), and the copy's row goes (the copy is
        then a duplicate like any other). Returns True when moved."""
        copy, page = self.get(copy_key), self.get(key)
        if (copy is None or page is None or copy.canonical != key or copy.version < 1
                or copy.written_run != self.run or page.version >= 1
                or page.fetched_run != self.run):
            return False
        self._write("UPDATE pages SET version = ?, written_run = ?, article_warc = ? "
                    "WHERE key = ?", (copy.version, copy.written_run,
                                      json.dumps(copy.article_warc) if copy.article_warc else None,
                                      key))
        self._write("DELETE FROM pages WHERE key = ?", (copy_key,))
        return True

    def count(self) -> int:
        """Articles known (pages kept only as a duplicate's capture not counted)."""
        return int(self.db.execute("SELECT count(*) FROM pages WHERE version >= 1").fetchone()[0])

    def run_started(self) -> datetime:
        """When the current run first started (a resumed run: its first attempt)."""
        row = self.db.execute("SELECT started FROM runs WHERE id = ?", (self.run,)).fetchone()
        return datetime.fromisoformat(row[0])

    def reconcile(self, records: Iterable[dict[str, Any]], key: Callable[[str], str],
                  canonical: Callable[[dict[str, Any]], str | None] = lambda record: None) -> int:
        """Record the article versions in ``records`` (JSON lines this run wrote)
        that the state does not know: a crawl killed after writing a line but
        before recording it. Their captures are unknown (no validators: the
        next re-check is a full fetch). ``canonical`` gives the key of the page
        a record is a copy of: a copy's line whose article moved to that page's
        row (``settle``) is known. Returns how many were recorded."""
        added = 0
        for record in records:
            k, version = key(record["url"]), record.get("version") or 1
            previous = self.get(k)
            if previous is not None and previous.version >= version:
                continue
            home = canonical(record)
            settled = self.get(home) if home is not None else None
            if settled is not None and (settled.version > version or (
                    settled.version == version and settled.article_warc == record.get("warc"))):
                continue
            when = record.get("fetched_at") or _now()
            self.record_article(k, record, datetime.fromisoformat(when), None, home)
            added += 1
        return added

    def run_stats(self, run: int) -> dict[str, Any] | None:
        """What ``save_run_stats`` stored for ``run`` (JSON)."""
        row = self.db.execute("SELECT data FROM run_stats WHERE run = ?", (run,)).fetchone()
        return json.loads(row[0]) if row else None

    def short_before(self, key: str) -> bool:
        """True when the page's extraction was empty or short in an earlier run."""
        row = self.db.execute("SELECT run FROM short_pages WHERE key = ?", (key,)).fetchone()
        return row is not None and row[0] < self.run

    def mark_short(self, key: str, short: bool) -> None:
        """Remember (or forget) that the page's extraction came out empty or short."""
        if short:
            self._write("INSERT OR IGNORE INTO short_pages (key, run) VALUES (?, ?)",
                            (key, self.run))
        else:
            self._write("DELETE FROM short_pages WHERE key = ?", (key,))

    def save_run_stats(self, data: dict[str, Any]) -> None:
        """Keep the current run's final stats (``extensions/runstats.py``)."""
        self._write("INSERT OR REPLACE INTO run_stats (run, data) VALUES (?, ?)",
                        (self.run, json.dumps(data, ensure_ascii=False, sort_keys=True)))


@dataclass(frozen=True)
class RunInfo:
    """One run of a job as the state file records it."""

    run: int
    started: str
    finished: str | None
    reason: str | None
    #: What ``save_run_stats`` stored, None for a run that stored nothing.
    data: dict[str, Any] | None

    @property
    def health(self) -> list[dict[str, Any]]:
        """The health warnings the run stored (none when it stored nothing)."""
        return (self.data or {}).get("health", [])


def read_runs(path: Path) -> list[RunInfo]:
    """Every run in a job's state file, oldest first, opened read-only (a
    crawl may be writing it)."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            rows = db.execute("SELECT runs.id, started, finished, reason, run_stats.data "
                              "FROM runs LEFT JOIN run_stats ON run_stats.run = runs.id "
                              "ORDER BY runs.id").fetchall()
        except sqlite3.OperationalError:  # a state file from before run stats
            rows = [(*r, None) for r in db.execute(
                "SELECT id, started, finished, reason FROM runs ORDER BY id").fetchall()]
    finally:
        db.close()
    return [RunInfo(run=r[0], started=r[1], finished=r[2], reason=r[3],
                    data=json.loads(r[4]) if r[4] else None) for r in rows]
