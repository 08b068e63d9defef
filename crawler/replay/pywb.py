"""A pywb collection over a crawl's WARC files, and the ``wayback`` command
line that serves it.

:func:`build_collection` lays out a pywb root folder::

    ROOT/config.yaml
    ROOT/collections/<name>/archive/<file>.warc.gz   symlinks to the crawl's files
    ROOT/collections/<name>/indexes/index.cdxj       written by pywb's ``wb-manager reindex``

and :func:`wayback_argv` gives the command that serves it (pywb's ``wayback``
from the tools venv, see :mod:`crawler.replay.sidecar`). ``crawler serve``
uses both; tests start the server themselves with the same two functions.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crawler.jobfolder import kind_of, scan
from crawler.replay.sidecar import tool_env, tool_path

#: File names pywb indexes (its own list: ``pywb.indexer.cdxindexer.ALLOWED_EXT``).
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")

CONFIG_YAML = """\
# pywb configuration written by `crawler serve`.
# Each folder in collections/ is a collection: archive/ (WARC files, here
# symlinks to the crawl's) and indexes/index.cdxj.
collections_root: collections
framed_replay: true
enable_memento: true
"""
#: pywb's own Content-Security-Policy for archived content (``mp_`` responses:
#: what the replay frame shows), which keeps its loads on this server...
PYWB_CSP = ("default-src 'unsafe-eval' 'unsafe-inline' 'self' data: blob: mediastream: "
            "ws: wss: ; form-action 'self'")
#: ... plus ``sandbox`` without ``allow-same-origin``: the archived page runs in
#: an opaque origin, so its scripts cannot read pywb's pages or other captures
#: (fetch is cross-origin), nor script the replay frame around it, nor use the
#: server's cookies or storage; links, forms, pop-ups (sandboxed too) still work.
SANDBOX_CSP = PYWB_CSP + "; sandbox allow-scripts allow-forms allow-popups allow-modals " \
    "allow-downloads"


def config_yaml(sandbox: bool = True) -> str:
    """pywb's config.yaml; ``sandbox`` isolates archived pages (see SANDBOX_CSP)."""
    return CONFIG_YAML + f'csp-header: "{SANDBOX_CSP if sandbox else PYWB_CSP}"\n'

_COLL_UNSAFE = re.compile(r"[^\w-]+")


@dataclass
class Archives:
    """WARC files found under the paths given to ``crawler serve``/``wacz``."""

    files: list[Path] = field(default_factory=list)
    #: ``*.warc.gz.open`` files: still being written, so left out.
    open_files: list[Path] = field(default_factory=list)


def is_archive(path: Path) -> bool:
    return path.name.endswith(ARCHIVE_SUFFIXES)


def find_archives(paths: Iterable[str | Path]) -> Archives:
    """The WARC files named by ``paths``: files as given, folders searched
    recursively (a job folder's files are in its ``warc/``), skipping hidden
    folders. Raises ``FileNotFoundError`` for a path that does not exist and
    ``ValueError`` for a file that is not a WARC."""
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_file() and not is_archive(path) and kind_of(path) != "open_warc":
            raise ValueError(f"not a WARC file (.warc, .warc.gz): {raw}")
    found = scan(paths)
    return Archives(files=[p.resolve() for p in found.order if is_archive(p)],
                    open_files=[p.resolve() for p in found.open_warcs])


def collection_name(paths: Iterable[str | Path]) -> str:
    """The collection's name: the job's (the folder's name; for a ``warc/``
    folder, its parent's), else ``crawl``. Letters, digits, ``_`` and ``-``
    only, as pywb requires."""
    resolved = [Path(p).expanduser().resolve() for p in paths]
    name = "crawl"
    if len(resolved) == 1:
        path = resolved[0]
        if path.is_file():
            path = path.parent
        if path.name == "warc":
            path = path.parent
        name = path.name or name
    name = _COLL_UNSAFE.sub("-", name).strip("-_")
    return name or "crawl"


def _link_name(path: Path, taken: set[str]) -> str:
    name = path.name
    stem, suffix = name, ""
    for ext in sorted(ARCHIVE_SUFFIXES, key=len, reverse=True):
        if name.endswith(ext):
            stem, suffix = name[: -len(ext)], ext
            break
    n = 1
    while name in taken:
        name = f"{stem}-{n}{suffix}"
        n += 1
    taken.add(name)
    return name


def build_collection(archives: Iterable[str | Path], root: str | Path | None = None,
                     name: str = "crawl", venv: Path | None = None,
                     sandbox: bool = True) -> Path:
    """Lay out a pywb root with one collection ``name`` over ``archives``
    (WARC files, symlinked, not copied) and index it with pywb's own
    ``wb-manager reindex``. Returns the root (a new temporary folder when
    ``root`` is None; the caller removes it). An existing collection of
    that name under ``root`` is replaced. ``venv``: the tools venv (default:
    :func:`crawler.replay.sidecar.tools_venv_dir`). ``sandbox``: archived
    pages run in an opaque origin (:data:`SANDBOX_CSP`)."""
    files = [Path(a).expanduser().resolve() for a in archives]
    if not files:
        raise ValueError("no WARC files to serve")
    if not re.fullmatch(r"\w[\w-]*", name):
        raise ValueError(f"bad collection name {name!r} (letters, digits, _ and - only)")
    root = Path(tempfile.mkdtemp(prefix="crawler-pywb-")) if root is None else Path(root)
    root = root.resolve()
    coll = root / "collections" / name
    if coll.exists():
        shutil.rmtree(coll)  # symlinks are removed, never followed
    (coll / "archive").mkdir(parents=True)
    (coll / "indexes").mkdir()
    (root / "config.yaml").write_text(config_yaml(sandbox))
    taken: set[str] = set()
    for path in files:
        (coll / "archive" / _link_name(path, taken)).symlink_to(path)
    proc = subprocess.run([str(tool_path("wb-manager", venv)), "reindex", name], check=False,
                          cwd=root, env=tool_env(venv), capture_output=True, text=True)
    index = coll / "indexes" / "index.cdxj"
    if proc.returncode != 0 or not index.exists():
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        errors = [line for line in lines if line.startswith("Error")] or lines
        raise RuntimeError("pywb could not index the WARC files ("
                           + (errors[0] if errors else f"exit {proc.returncode}") + ")")
    return root


def wayback_argv(root: str | Path, host: str = "127.0.0.1", port: int = 8080,
                 threads: int = 4, venv: Path | None = None) -> list[str]:
    """The command that serves ``root`` with pywb's ``wayback``, bound to
    ``host``:``port`` (pywb's own default is 0.0.0.0; ours is loopback).
    Run it with ``cwd=root`` and ``env=sidecar.tool_env(venv)``."""
    return [str(tool_path("wayback", venv)), "--bind", host, "--port", str(port),
            "--threads", str(threads), "--directory", str(Path(root).resolve())]


def read_index(root: str | Path, name: str) -> list[dict]:
    """The collection's CDXJ index lines as dicts (``urlkey``, ``timestamp``
    and pywb's JSON fields: ``url``, ``mime``, ``status``, ``filename``...)."""
    entries = []
    index = Path(root) / "collections" / name / "indexes" / "index.cdxj"
    with open(index, encoding="utf-8") as fh:
        for line in fh:
            urlkey, timestamp, data = line.rstrip("\n").split(" ", 2)
            entries.append({"urlkey": urlkey, "timestamp": timestamp, **json.loads(data)})
    return entries


def first_page(root: str | Path, name: str) -> tuple[str, str] | None:
    """``(timestamp, url)`` of the earliest HTML page captured with status
    200 (the crawl's start page, usually), for a link to print."""
    pages = [(e["timestamp"], e["url"]) for e in read_index(root, name)
             if e.get("mime") in ("text/html", "application/xhtml+xml")
             and str(e.get("status")) == "200"]
    return min(pages) if pages else None
