"""The CDXJ index kept while writing equals cdxj-indexer's full re-index of
the folder, across runs, rolled files, revisits, leftovers and removals."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from crawler.warc import (
    PROFILE_NOT_MODIFIED,
    HttpRequestData,
    HttpResponseData,
    RefersTo,
    RollingWarcWriter,
    payload_digest,
)
from crawler.warc.index import INDEX_NAME, warcs_in, write_cdxj
from crawler.warc.liveindex import LiveIndex, line_filename


def crawl(folder: Path, pages: int, *, prefix: str = "t", live: bool = True,
          max_size: int = 1_000_000_000) -> tuple[RollingWarcWriter, LiveIndex]:
    """Write ``pages`` exchanges (HTML, a redirect, a 404, image, a revisit)
    like a crawl does; with ``live`` the index lines are kept as they go."""
    index = LiveIndex(folder)
    writer = RollingWarcWriter(folder, prefix=prefix, max_size=max_size,
                               on_write=index.add if live else None)
    for i in range(pages):
        url = f"http://example.com/{prefix}/{i}?q={i % 3}"
        req = HttpRequestData(method="GET", url=url, headers=[("User-Agent", "t")])
        kind = i % 5
        if kind == 0:
            resp = HttpResponseData(status=301, headers=[("Location", url + "x")])
        elif kind == 1:
            resp = HttpResponseData(status=404, headers=[("Content-Type", "text/plain")],
                                    body=b"gone")
        elif kind == 2:
            resp = HttpResponseData(status=200, headers=[("Content-Type", "image/png")],
                                    body=os.urandom(300))
        else:
            body = f"<html><body><p>page {i}</p></body></html>".encode() * 40
            resp = HttpResponseData(status=200, headers=[
                ("Content-Type", "text/html; charset=utf-8"), ("ETag", f'"{i}"')], body=body)
            first = writer.write_exchange(req, resp)
            if kind == 4:  # a re-check answered 304: a revisit record
                refers = RefersTo(record_id=first.record_id, uri=url, date=first.date,
                                  payload_digest=payload_digest(body))
                writer.write_exchange(req, HttpResponseData(status=304), revisit_of=refers,
                                      profile=PROFILE_NOT_MODIFIED)
            continue
        writer.write_exchange(req, resp)
    writer.close()
    return writer, index


def full_reindex(folder: Path, tmp: Path) -> str:
    out = tmp / "full.cdxj"
    write_cdxj(warcs_in(folder), out, root=folder)
    return out.read_text("utf-8")


def test_merged_index_equals_full_reindex_across_runs(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    writer, index = crawl(folder, 40, prefix="a", max_size=20_000)
    assert len(writer.closed_files) > 1  # rolled over
    index.merge(writer.closed_files)
    text = (folder / INDEX_NAME).read_text("utf-8")
    assert text == full_reindex(folder, tmp_path)
    entries = [json.loads(line.split(" ", 2)[2]) for line in text.splitlines()]
    assert {"text/html", "image/png", "text/plain", "warc/revisit"} <= {
        e.get("mime") for e in entries}
    assert {"200", "301", "404"} <= {e.get("status") for e in entries}
    assert index.lines == len(text.splitlines())

    writer, index = crawl(folder, 25, prefix="b")  # the next run adds to it
    index.merge(writer.closed_files)
    assert (folder / INDEX_NAME).read_text("utf-8") == full_reindex(folder, tmp_path)
    assert not list(folder.glob(f".{INDEX_NAME}.*.part"))  # run file gone
    assert not [p for p in folder.iterdir() if p.name.startswith(".index-")]


def test_files_the_index_misses_are_indexed_and_removed_ones_dropped(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    writer, index = crawl(folder, 20, prefix="a")
    index.merge(writer.closed_files)
    # a run that kept no index lines (killed, repaired later) and a WARC copied in
    crawl(folder, 15, prefix="killed", live=False)
    other = crawl(tmp_path / "elsewhere", 5, prefix="copied", live=False)[0]
    (folder / "sub").mkdir()
    shutil.copy(other.closed_files[0], folder / "sub" / other.closed_files[0].name)
    gone = writer.closed_files[0]
    gone.unlink()  # a file removed by hand: its lines go

    writer, index = crawl(folder, 10, prefix="c")
    index.merge(writer.closed_files)
    text = (folder / INDEX_NAME).read_text("utf-8")
    assert text == full_reindex(folder, tmp_path)
    names = {line_filename(line) for line in text.splitlines()}
    assert gone.name not in names
    assert f"sub/{other.closed_files[0].name}" in names
    assert any(n.startswith("killed-") for n in names)


def test_merge_without_an_index_or_lines(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    crawl(folder, 8, prefix="old", live=False)  # WARCs from before live indexing
    index = LiveIndex(folder)
    index.merge([])  # this run wrote nothing itself
    assert (folder / INDEX_NAME).read_text("utf-8") == full_reindex(folder, tmp_path)


def test_discard_leaves_the_index_alone(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    writer, index = crawl(folder, 10, prefix="a")
    index.merge(writer.closed_files)
    before = (folder / INDEX_NAME).read_bytes()
    _, index = crawl(folder, 10, prefix="b")
    assert index.run_path.exists()
    index.discard()
    assert not index.run_path.exists()
    assert (folder / INDEX_NAME).read_bytes() == before


def test_crawls_keep_the_index_a_full_reindex_would_write(mockserver, tmp_path: Path) -> None:
    from tests.conftest import FAST, run_crawler

    fast = [*FAST, "--max-depth", "2",
            "--job", "live", "-o", str(tmp_path / "out")]
    folder = tmp_path / "out" / "live" / "warc"
    for extra in ([], ["--recheck-after", "0s"]):  # a first run, then a re-check run
        result = run_crawler("crawl", mockserver.url("/"), *fast, *extra)
        assert result.returncode == 0, result.stderr[-3000:]
        text = (folder / INDEX_NAME).read_text("utf-8")
        assert text == full_reindex(folder, tmp_path)
    assert len(warcs_in(folder)) == 2
    assert '"mime": "warc/revisit"' in text  # the re-check's 304s
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no run file, no lock file


def test_run_files_of_killed_crawls_are_removed(tmp_path: Path) -> None:
    import subprocess
    import sys

    from crawler.warc.liveindex import _run_name, remove_stale_runs

    folder = tmp_path / "warc"
    folder.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = folder / _run_name(dead)
    live = folder / _run_name(os.getppid())  # a process still running
    stale.write_text("x")
    live.write_text("x")
    assert remove_stale_runs(folder) == [stale]
    assert not stale.exists() and live.exists()
