"""Keep ``MANIFEST.md`` and ``manifest.json`` of ``tests/data/foreign/`` true.

``MANIFEST.md`` is the hand-kept table, one row per archive: file, writer,
source (tool and version, or the repository the file comes from), licence,
expectation (``valid`` or ``broken``) and its reason. This script fills in the
last column, the HTML pages warcio reads in the file, counted with warcio's
``ArchiveIterator`` itself (``benchmarks.foreign.warcio_count``: ``response``,
``revisit`` and ``resource`` records whose content type is HTML, up to where
warcio stops on a broken file; a WACZ counts the WARC files in its ``archive/``
folder). It sorts the rows, checks that every archive in the
folder has one and every row a file, and writes ``manifest.json``, the same
table for programs (``tests/test_foreign.py``, ``benchmarks/foreign.py``).

    python tests/data/foreign/make/manifest.py          # rewrite both
    python tests/data/foreign/make/manifest.py --check  # exit 1 when either is stale

Adding a file: put it in a folder of ``tests/data/foreign/``, add its row to
``MANIFEST.md`` (any number in the last column), run this script.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT))

from benchmarks.foreign import archives_under, warcio_count  # noqa: E402

FOLDER = Path(__file__).resolve().parents[1]
MANIFEST_MD = FOLDER / "MANIFEST.md"
MANIFEST_JSON = FOLDER / "manifest.json"
COLUMNS = ["file", "writer", "source", "licence", "expect", "reason", "html pages (warcio)"]


@dataclass
class Entry:
    file: str  #: path below tests/data/foreign/
    writer: str
    source: str
    licence: str
    expect: str  #: "valid" or "broken"
    reason: str
    html_pages: int = 0
    #: see benchmarks.foreign.WarcioCount.maybe_pages
    maybe_pages: int = 0
    records: int = 0
    #: where warcio stops reading the file, if it does ("" when it reads to the end)
    warcio_error: str = ""


def archives() -> list[str]:
    return [p.relative_to(FOLDER).as_posix() for p in archives_under(FOLDER)
            if "make" not in p.relative_to(FOLDER).parts]


def read_md(text: str) -> list[Entry]:
    entries = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or cells[0] in ("file", "") or set(cells[0]) <= set("-: "):
            continue
        if len(cells) != len(COLUMNS):
            raise SystemExit(f"MANIFEST.md: a row of {len(cells)} cells, not {len(COLUMNS)}: "
                             f"{line}")
        file, writer, source, licence, expect, reason = cells[:6]
        file = file.strip("`")
        if expect not in ("valid", "broken"):
            raise SystemExit(f"MANIFEST.md: {file}: expect is valid or broken, not {expect!r}")
        entries.append(Entry(file, writer, source, licence, expect, reason))
    return entries


def write_md(text: str, entries: list[Entry]) -> str:
    """``text`` with its table replaced by the rows of ``entries``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| file |"))
    end = start + 2
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    rows = [f"| `{e.file}` | {e.writer} | {e.source} | {e.licence} | {e.expect} | {e.reason} "
            f"| {e.html_pages} |" for e in entries]
    table = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS), *rows]
    return "\n".join([*lines[:start], *table, *lines[end:]]) + "\n"


def build() -> tuple[str, str]:
    """The MANIFEST.md and manifest.json texts as they should be."""
    md = MANIFEST_MD.read_text("utf-8")
    entries = sorted(read_md(md), key=lambda e: e.file)
    listed = [e.file for e in entries]
    on_disk = archives()
    problems = [f"no row in MANIFEST.md: {f}" for f in on_disk if f not in listed]
    problems += [f"no such file: {f}" for f in listed if f not in on_disk]
    problems += [f"two rows: {f}" for f in set(listed) if listed.count(f) > 1]
    if problems:
        raise SystemExit("MANIFEST.md: " + "; ".join(problems))
    for entry in entries:
        count = warcio_count(FOLDER / entry.file)
        entry.html_pages, entry.maybe_pages = count.html_pages, count.maybe_pages
        entry.records, entry.warcio_error = count.records, count.error
    data = {"about": "Written by make/manifest.py from MANIFEST.md and the files: do not edit.",
            "files": {e.file: {k: v for k, v in asdict(e).items() if k != "file"}
                      for e in entries}}
    return write_md(md, entries), json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    md, js = build()
    if "--check" in argv:
        stale = [p.name for p, text in ((MANIFEST_MD, md), (MANIFEST_JSON, js))
                 if not p.exists() or p.read_text("utf-8") != text]
        if stale:
            print(f"stale: {', '.join(stale)}: run {Path(__file__).name}")
        return 1 if stale else 0
    MANIFEST_MD.write_text(md, "utf-8")
    MANIFEST_JSON.write_text(js, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
