"""A job folder's layout, one owner: every file name and glob in
``<CRAWLER_OUTPUT_DIR>/<job>/``, and the job folders a user's path names.

Layout::

    articles-<timestamp>-<host>-<pid>.jsonl      article records, one file per
                                                 process and run, oldest first
    state.sqlite                                 job state (re-checks, versions, runs)
    site-templates.json                          site-template statistics
    queue/                                       pending requests of a run (removed at its end)
    warc/<prefix>-<timestamp>-<host>-<pid>-<serial>.warc.gz
                                                 captures; ``.open`` added while written
    warc/index.cdxj                              CDXJ index of the captures
    warc/.index.cdxj.<host>.<pid>.part           a running crawl's part of the index

``warc.filename`` in a record is relative to the job folder. A distributed
crawl's workers each write their own ``articles-*`` and WARC files into the
same layout. Pure: no Scrapy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ARTICLES_PREFIX = "articles-"
ARTICLES_SUFFIX = ".jsonl"
ARTICLES_GLOB = f"{ARTICLES_PREFIX}*{ARTICLES_SUFFIX}"
STATE_FILE = "state.sqlite"
TEMPLATES_FILE = "site-templates.json"
QUEUE_DIR = "queue"
WARC_DIR = "warc"
#: Added to a WARC file's name while it is being written.
OPEN_SUFFIX = ".open"
WARC_SUFFIXES = (".warc", ".warc.gz")


class JobFolderError(ValueError):
    """A path that names no job folder (or several where one is needed)."""


def articles_name(stamp: str, tag: str) -> str:
    """The name of a process's article file for a run (``stamp``: the run's
    start, ``tag``: host and pid)."""
    return f"{ARTICLES_PREFIX}{stamp}-{tag}{ARTICLES_SUFFIX}"


def article_files(job: Path) -> list[Path]:
    """A job folder's article files, oldest first (their names start with the time)."""
    return sorted(p for p in Path(job).glob(ARTICLES_GLOB) if p.is_file())


def is_job(path: Path) -> bool:
    """Whether ``path`` is a job folder: it holds article files, a job state or
    a ``warc/`` folder."""
    path = Path(path)
    return path.is_dir() and (bool(article_files(path)) or (path / STATE_FILE).is_file()
                              or (path / WARC_DIR).is_dir())


def jobs_in(path: Path) -> list[Path]:
    """The job folders ``path`` names: itself, or the job folders right inside
    it (an output root such as ``archive/``), in name order."""
    path = Path(path)
    if is_job(path):
        return [path]
    if not path.is_dir():
        return []
    return sorted(child for child in path.iterdir() if is_job(child))


def one_job(path: Path) -> Path:
    """The job folder ``path`` names: a job folder, or an output root holding
    exactly one. Raises :class:`JobFolderError` naming the jobs when it holds
    several, or saying so when it holds none."""
    path = Path(path)
    if not path.exists():
        raise JobFolderError(f"no such file or folder: {path}")
    found = jobs_in(path)
    if len(found) == 1:
        return found[0]
    if not found:
        raise JobFolderError(f"no job folder in {path} (no {ARTICLES_GLOB}, {STATE_FILE} "
                             f"or {WARC_DIR}/)")
    names = ", ".join(str(p) for p in found)
    raise JobFolderError(f"{path} holds {len(found)} jobs; name one: {names}")


def job_of(path: Path) -> Path | None:
    """The job folder a file in it belongs to (an article file, a WARC in
    ``warc/``), or None."""
    path = Path(path)
    parent = path.parent
    if parent.name == WARC_DIR and is_job(parent.parent):
        return parent.parent
    return parent if is_job(parent) else None


ARC_SUFFIXES = (".arc", ".arc.gz")
WACZ_SUFFIX = ".wacz"
#: Where a WACZ keeps its WARC files.
WACZ_ARCHIVE_DIR = "archive/"


def wacz_warcs(names: Iterable[str]) -> list[str]:
    """The WARC files among a WACZ's member ``names``, in name order."""
    return sorted(n for n in names if n.startswith(WACZ_ARCHIVE_DIR) and n.endswith(WARC_SUFFIXES))


@dataclass
class Found:
    """The archive and record files under some paths, in the order found
    (paths as given; a folder's files in name order), and by kind."""

    #: Every file of a known kind (:func:`kind_of`).
    order: list[Path] = field(default_factory=list)
    #: Files named explicitly that are none of these.
    other: list[Path] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Path]:
        return [p for p in self.order if kind_of(p) == kind]

    @property
    def warcs(self) -> list[Path]:
        """Closed WARC files."""
        return self.of_kind("warc")

    @property
    def open_warcs(self) -> list[Path]:
        """WARC files still being written (``.open``)."""
        return self.of_kind("open_warc")

    @property
    def wacz(self) -> list[Path]:
        return self.of_kind("wacz")

    @property
    def arcs(self) -> list[Path]:
        return self.of_kind("arc")

    @property
    def jsonl(self) -> list[Path]:
        return self.of_kind("jsonl")


def kind_of(path: Path) -> str | None:
    """``warc``, ``open_warc``, ``wacz``, ``arc``, ``jsonl`` or None."""
    name = path.name
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(OPEN_SUFFIX) and name[:-len(OPEN_SUFFIX)].endswith(WARC_SUFFIXES):
        return "open_warc"
    if name.endswith(WACZ_SUFFIX):
        return "wacz"
    if name.endswith(ARC_SUFFIXES):
        return "arc"
    if name.endswith(ARTICLES_SUFFIX):
        return "jsonl"
    return None


def scan(paths: Iterable[str | Path]) -> Found:
    """The archive and record files ``paths`` name: files as given, folders
    searched recursively (hidden folders skipped), each real file once.
    Raises ``FileNotFoundError`` for a path that does not exist."""
    found = Found()
    seen: set[Path] = set()

    def add(path: Path, explicit: bool) -> None:
        real = path.resolve()
        if real in seen:
            return
        seen.add(real)
        if kind_of(path) is not None:
            found.order.append(path)
        elif explicit:
            found.other.append(path)

    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if child.is_file() and not any(p.startswith(".") for p in rel.parts[:-1]):
                    add(child, explicit=False)
        elif path.is_file():
            add(path, explicit=True)
        else:
            raise FileNotFoundError(f"no such file or folder: {raw}")
    return found
