"""Per-archive checkpoints of ``crawler replay -o OUT``: a replay killed at any
moment resumes where it stopped and writes what an uninterrupted run writes.

The checkpoint is one SQLite file beside the output, ``OUT.checkpoint``. After
each archive is finished (every article of it written to OUT, flushed and
synced) one transaction records:

- the arguments of the run (:func:`crawler.replay.reextract.arguments`: the
  archives with their sizes, every option that changes the output, the
  extractor version);
- how many archives are done, and OUT's length in bytes then;
- the replay's counts, for the summary of the whole run;
- the finisher's state (:class:`crawler.finishing.ArticleFinisher`): the site
  template statistics (``SiteTemplates.to_json``), the articles it holds (held
  for their site's template, and copies waiting for their canonical page), and
  the article keys claimed, which are a table of the same file
  (:class:`ClaimsTable`), written inside the same transaction.

So a kill leaves the last committed state: OUT is cut back to its length then,
the archives done are skipped, and the finisher goes on as it was. Claims of
the archive cut short roll back with the transaction. The file is removed when
the replay ends. Held articles are pickled: a checkpoint is this machine's own
working state, not a file to share. Pure: no Scrapy.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.extraction.template import SiteTemplates, TemplateOptions
from crawler.finishing import ArticleFinisher
from crawler.schema import Article

SUFFIX = ".checkpoint"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    arguments TEXT NOT NULL,
    archives_done INTEGER NOT NULL,
    output_bytes INTEGER NOT NULL,
    counts TEXT NOT NULL,
    templates TEXT,
    held BLOB
);
CREATE TABLE IF NOT EXISTS claims (fp BLOB PRIMARY KEY) WITHOUT ROWID;
"""


class CheckpointError(Exception):
    """A checkpoint that cannot be resumed; the message says why, in one line."""


def checkpoint_path(output: Path) -> Path:
    return output.with_name(output.name + SUFFIX)


class ClaimsTable:
    """:class:`crawler.finishing.Claims` in the checkpoint's file: a key is taken
    by whoever came first (as :class:`crawler.finishing.LocalClaims`), and
    claims count once the checkpoint that follows them is saved."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    @staticmethod
    def _fp(key: str) -> bytes:
        return hashlib.blake2b(key.encode(), digest_size=16).digest()

    def taken(self, keys: set[str], owner: str) -> bool:
        return any(self.db.execute("SELECT 1 FROM claims WHERE fp = ?", (self._fp(k),))
                   .fetchone() is not None for k in keys)

    def claim(self, keys: set[str], owner: str) -> bool:
        if self.taken(keys, owner):
            return False
        self.db.executemany("INSERT OR IGNORE INTO claims VALUES (?)",
                            [(self._fp(k),) for k in keys])
        return True


@dataclass
class Saved:
    """What the last checkpoint holds."""

    archives_done: int
    output_bytes: int
    counts: dict[str, int]
    templates: dict[str, Any] | None
    held: dict[str, list[Article]]
    copies: dict[str, list[Article]]

    def restore(self, finisher: ArticleFinisher) -> None:
        """Put the held articles back into ``finisher`` (built on
        :meth:`templates_for` of this state)."""
        if finisher.holdback is not None:
            finisher.holdback.held = self.held
        finisher.copies = self.copies

    def templates_for(self, options: TemplateOptions | None) -> SiteTemplates | None:
        if options is None:
            return None
        if self.templates is None:
            return SiteTemplates(options)
        return SiteTemplates.from_json(self.templates, options)


class Checkpoint:
    """An open checkpoint file (see the module docstring); use :meth:`start` or
    :meth:`resume`."""

    def __init__(self, path: Path, db: sqlite3.Connection, saved: Saved | None) -> None:
        self.path = path
        self.db = db
        #: The state to resume from; None for a fresh start.
        self.saved = saved
        self.claims = ClaimsTable(db)

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, isolation_level=None)
        # a rollback journal: a transaction cut short by a kill is undone on the next open
        db.executescript("PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;" + _SCHEMA)
        return db

    @classmethod
    def start(cls, path: Path, arguments: dict[str, Any]) -> Checkpoint:
        """A new checkpoint for a run from the start (any earlier one is removed)."""
        remove(path)
        db = cls._connect(path)
        db.execute("INSERT INTO checkpoint VALUES (1, ?, 0, 0, '{}', NULL, NULL)",
                   (json.dumps(arguments, sort_keys=True),))
        db.execute("BEGIN")
        return cls(path, db, None)

    @classmethod
    def resume(cls, path: Path, arguments: dict[str, Any]) -> Checkpoint:
        """The checkpoint at ``path``, made with the same ``arguments``; raises
        :class:`CheckpointError` when it was made with others or is unreadable."""
        try:
            db = cls._connect(path)
            row = db.execute("SELECT arguments, archives_done, output_bytes, counts, templates, "
                             "held FROM checkpoint").fetchone()
        except sqlite3.DatabaseError as exc:
            raise CheckpointError(f"{path} is not a replay checkpoint ({exc}): give --restart "
                                  "to start over") from None
        if row is None:
            db.close()
            raise CheckpointError(f"{path} is empty: give --restart to start over")
        made_with = json.loads(row[0])
        differ = sorted(k for k in set(made_with) | set(arguments)
                        if made_with.get(k) != arguments.get(k))
        if differ:
            db.close()
            raise CheckpointError(f"{path} was made with other arguments ({', '.join(differ)} "
                                  "differ): give the same ones to resume, or --restart to "
                                  "start over")
        held, copies = pickle.loads(row[5]) if row[5] is not None else ({}, {})
        saved = Saved(archives_done=row[1], output_bytes=row[2], counts=json.loads(row[3]),
                      templates=json.loads(row[4]) if row[4] is not None else None,
                      held=held, copies=copies)
        db.execute("BEGIN")
        return cls(path, db, saved)

    def save(self, archives_done: int, output_bytes: int, counts: dict[str, int],
             finisher: ArticleFinisher) -> None:
        """Record the state after ``archives_done`` archives (claims made since
        the last save are committed with it)."""
        templates = finisher.templates.to_json() if finisher.templates is not None else None
        held = finisher.holdback.held if finisher.holdback is not None else {}
        self.db.execute(
            "UPDATE checkpoint SET archives_done = ?, output_bytes = ?, counts = ?, "
            "templates = ?, held = ? WHERE id = 1",
            (archives_done, output_bytes, json.dumps(dict(counts), sort_keys=True),
             None if templates is None else json.dumps(templates, separators=(",", ":")),
             pickle.dumps((held, finisher.copies), protocol=pickle.HIGHEST_PROTOCOL)))
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    def close(self) -> None:
        """Close, keeping the file (the replay did not finish)."""
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self.db.close()

    def remove(self) -> None:
        """Close and delete the file (the replay finished)."""
        self.close()
        remove(self.path)


def remove(path: Path) -> None:
    for name in (path, path.with_name(path.name + "-journal")):
        name.unlink(missing_ok=True)
