"""Archives that other tools wrote (``tests/data/foreign/``, ``MANIFEST.md``):
``crawler replay`` accounts for every HTML page warcio reads in them, each an
article or a non-article under a named reason; ``crawler check`` passes every
valid file and flags every broken one with a one-line message; no traceback
anywhere. Replay runs once per folder of the corpus, as users replay a folder
(a revisit's original may be in another file of it); check runs per file in
this process. ``python -m benchmarks.foreign`` prints the same, file by file."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from benchmarks.foreign import WarcioCount, accounting_problem, parse_replay
from tests.conftest import DATA, run_cli, run_crawler

CORPUS = DATA / "foreign"
MANIFEST: dict[str, dict] = json.loads((CORPUS / "manifest.json").read_text("utf-8"))["files"]
FOLDERS = sorted({name.split("/")[0] for name in MANIFEST})
#: A negative offset in a message (issue 19, 6: a WARC gzipped as one stream).
NEGATIVE_OFFSET = re.compile(r"offset -\d")


def in_folder(folder: str) -> dict[str, dict]:
    return {name: e for name, e in MANIFEST.items() if name.split("/")[0] == folder}


def test_manifest_is_current() -> None:
    """Every archive in the folder has its row, every row its file, and the page
    counts are warcio's on the files as they are (make/manifest.py)."""
    script = CORPUS / "make" / "manifest.py"
    spec = importlib.util.spec_from_file_location("foreign_manifest", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    try:
        spec.loader.exec_module(module)
        md, js = module.build()
    finally:
        del sys.modules[spec.name]
    assert (CORPUS / "MANIFEST.md").read_text("utf-8") == md, "run make/manifest.py"
    assert (CORPUS / "manifest.json").read_text("utf-8") == js, "run make/manifest.py"
    assert {e["expect"] for e in MANIFEST.values()} == {"valid", "broken"}
    assert sum(e["html_pages"] for e in MANIFEST.values()) > 50


def test_corpus_is_small() -> None:
    size = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    assert size < 3_000_000


@pytest.mark.parametrize("folder", FOLDERS)
def test_replay_accounts_for_every_html_page(folder: str, tmp_path: Path) -> None:
    entries = in_folder(folder)
    proc = run_crawler("replay", "-o", str(tmp_path / "out.jsonl"), str(CORPUS / folder))
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output
    assert not NEGATIVE_OFFSET.search(output), output
    count = WarcioCount()
    for entry in entries.values():
        count.add(WarcioCount(entry["html_pages"], entry["maybe_pages"]))
    problem = accounting_problem(count, parse_replay(proc))
    assert problem is None, f"{folder}/ ({len(entries)} files): {problem}\n{proc.stderr[-3000:]}"


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_check(name: str) -> None:
    entry = MANIFEST[name]
    path = CORPUS / name
    result = run_cli("check", str(path))
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert not NEGATIVE_OFFSET.search(output), output
    if entry["expect"] == "valid":
        assert result.returncode == 0, f"a valid file ({entry['reason']}) flagged:\n{output}"
        return
    problems = [line for line in output.splitlines() if path.name in line]
    assert result.returncode == 1 and problems, (
        f"a broken file ({entry['reason']}) not flagged (exit {result.returncode}):\n{output}")
