"""Replay at scale: extraction in the pool gives what inline extraction gives,
a replay killed with SIGKILL resumes from its checkpoint to the output of an
uninterrupted run, and ``-q`` leaves only errors on stderr."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.extraction import ExtractionOptions
from crawler.items import Page
from crawler.replay.checkpoint import checkpoint_path
from crawler.replay.reextract import ArchiveDone, Replay, ReplayOptions, ReplayStats, _PoolThread
from crawler.schema import Article
from crawler.warc.reader import find_archives
from tests.conftest import ROOT
from tests.corpuswarcs import three_warcs


@pytest.fixture(scope="module")
def warcs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reextract") / "warc"
    three_warcs(folder)
    return folder


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", "replay", *args]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(*args), capture_output=True, text=True, cwd=ROOT, timeout=300)


def replayed(warcs: Path, processes: int) -> tuple[list[str], list[ArchiveDone], ReplayStats]:
    stats = ReplayStats()
    run = Replay(find_archives([warcs]), ReplayOptions(processes=processes), stats)
    items = list(run.run())
    run.close()
    return ([i.to_json() for i in items if isinstance(i, Article)],
            [i for i in items if isinstance(i, ArchiveDone)], stats)


def test_the_pool_gives_what_inline_extraction_gives(warcs: Path) -> None:
    inline, inline_done, inline_stats = replayed(warcs, 0)
    pooled, pooled_done, pooled_stats = replayed(warcs, 2)
    assert pooled == inline  # the same records, in the same order
    assert pooled_stats.counts == inline_stats.counts
    assert inline_stats.counts["pages"] == 3 * 36 + 12 + 18 + 1 + 1 + 6
    assert inline_stats.counts["dropped/duplicate"] == 2  # captured twice
    assert [d.done for d in pooled_done] == [1, 2, 3]
    # at each archive's end the counts cover that archive and those before, not
    # the pages of the next one the reading has already sent to the pool
    assert [d.counts["pages"] for d in pooled_done] == [6 + 9 + 36, 51 + 6 + 9 + 1 + 36, 146]
    assert [d.counts == i.counts for d, i in zip(pooled_done, inline_done, strict=True)] \
        == [True] * 3


def test_a_ctrl_c_a_library_swallowed_still_stops_the_replay_at_its_next_page(
        warcs: Path) -> None:
    """The Ctrl-C handler raises KeyboardInterrupt and sets ``interrupted``;
    raised inside a library's bare ``except:`` (warcio's header decoder had
    one), only the event is left, and the replay stops on it."""
    pressed = threading.Event()
    stats = ReplayStats()
    run = Replay(find_archives([warcs]), ReplayOptions(processes=0), stats, interrupted=pressed)
    items = run.run()
    try:
        while not isinstance(next(items), Article):  # under way: its first article
            pass
        read = stats.counts["pages"]
        pressed.set()  # the handler ran; its exception went nowhere
        with pytest.raises(KeyboardInterrupt):
            next(items)
        assert stats.counts["pages"] == read  # stopped before reading another page
    finally:
        run.close()
    untouched = Replay(find_archives([warcs]), ReplayOptions(processes=0), ReplayStats(),
                       interrupted=threading.Event())
    articles = [i.to_json() for i in untouched.run() if isinstance(i, Article)]
    untouched.close()
    assert articles == replayed(warcs, 0)[0]  # never set: the whole replay


def checkpointed(out: Path) -> tuple[int, int] | None:
    """(archives done, output bytes) of ``out``'s checkpoint, read as a
    bystander would; None while there is none."""
    try:
        db = sqlite3.connect(f"file:{checkpoint_path(out)}?mode=ro", uri=True, timeout=0.05)
        try:
            return db.execute("SELECT archives_done, output_bytes FROM checkpoint").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None


@dataclass
class Killed:
    checkpoint: tuple[int, int]
    returncode: int
    stderr: str


def kill_after(args: list[str], out: Path, archives: int,
               sig: int = signal.SIGKILL) -> Killed | None:
    """Run ``crawler replay ARGS`` and kill it as soon as its checkpoint says
    ``archives`` are done (SIGKILL to the replay process alone, as ``kill -9``;
    another signal to its process group, as a terminal's Ctrl-C); None when the
    replay finished first (or, for another signal, was held past that archive).

    The replay is held (SIGSTOP) before the signal: on a loaded machine it may
    finish between the read of its checkpoint and the signal, and a signal to
    a process that is gone would be taken for one it ignored."""
    proc = subprocess.Popen(cli(*args), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        state = checkpointed(out)
        if state is not None and state[0] >= archives:
            os.killpg(proc.pid, signal.SIGSTOP)
            if proc.poll() is not None:  # finished in between
                break
            held = checkpointed(out)
            if sig != signal.SIGKILL and (held is None or held[0] > archives):
                # held past the archive (or exiting, its checkpoint removed): a
                # Ctrl-C now would not land where the caller asked; let it finish
                os.killpg(proc.pid, signal.SIGCONT)
                break
            if sig == signal.SIGKILL:
                proc.kill()
            else:
                os.killpg(proc.pid, sig)
            os.killpg(proc.pid, signal.SIGCONT)
            _, err = proc.communicate()
            return Killed(state, proc.returncode, err)
        time.sleep(0.005)
    proc.communicate()
    return None


def test_a_killed_replay_resumes_to_the_output_of_an_uninterrupted_one(
        warcs: Path, tmp_path: Path) -> None:
    out, reference = tmp_path / "killed.jsonl", tmp_path / "reference.jsonl"
    done = run(str(warcs), "-o", str(reference), "--processes", "0", "-q")
    assert done.returncode == 0, done.stderr
    assert not checkpoint_path(reference).exists()  # removed at the end
    args = [str(warcs), "-o", str(out), "--processes", "2"]
    kills = [kill_after(args, out, n) for n in (1, 2)]
    assert all(k is not None for k in kills), kills
    # what a killed run wrote after its last checkpoint is cut off on resuming
    with out.open("a", encoding="utf-8") as f:
        f.write('{"url": "half a line written when the kill came')
    # killed once more while writing the articles held to the end, when it can
    kills.append(kill_after(args, out, 3))
    resumed = run(*args)
    assert resumed.returncode == 0, resumed.stderr
    assert kills[-1] is None or "resuming" in resumed.stderr
    assert kills[-1] is None or "after 3 of 3" in resumed.stderr
    assert out.read_text("utf-8") == reference.read_text("utf-8")
    records = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    # 146 pages: 2 captured twice, 1 listing, 3 left too short by the site template
    assert len(records) == len({r["url"] for r in records}) == 140
    assert not checkpoint_path(out).exists()
    assert resumed.stderr.strip().splitlines()[-1] == done_line(reference, warcs)


def done_line(reference: Path, warcs: Path) -> str:
    again = run(str(warcs), "-o", str(reference.with_name("again.jsonl")), "--processes", "0")
    return again.stderr.strip().splitlines()[-1]


def test_a_checkpoint_of_other_arguments_is_refused(warcs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    args = [str(warcs), "-o", str(out), "--processes", "1"]
    assert kill_after(args, out, 1) is not None
    other = run(*args, "--language", "de")
    assert other.returncode == 2
    assert other.stderr.count("\n") == 1 and "Traceback" not in other.stderr
    assert "other arguments (filters differ)" in other.stderr and "--restart" in other.stderr
    restarted = run(*args, "--language", "de", "--restart", "-q")
    assert restarted.returncode == 0 and restarted.stderr == ""
    langs = {json.loads(x)["language"] for x in out.read_text("utf-8").splitlines()}
    assert langs == {"de"}


def test_a_cut_output_is_not_resumed(warcs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    args = [str(warcs), "-o", str(out), "--processes", "1"]
    killed = kill_after(args, out, 2)
    assert killed is not None and killed.checkpoint[1] > 0
    out.write_text("")  # someone emptied it meanwhile
    again = run(*args)
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    assert "shorter" in again.stderr and "--restart" in again.stderr


def test_ctrl_c_stops_in_one_line_and_the_replay_resumes(warcs: Path, tmp_path: Path) -> None:
    out, reference = tmp_path / "out.jsonl", tmp_path / "reference.jsonl"
    args = [str(warcs), "-o", str(out), "--processes", "2"]
    for _ in range(3):  # on a loaded machine the replay may be done before the signal
        stopped = kill_after(args, out, 1, signal.SIGINT)
        if stopped is not None:
            break
        out.unlink(missing_ok=True)
        checkpoint_path(out).unlink(missing_ok=True)
    assert stopped is not None and stopped.returncode == 130
    assert stopped.stderr.splitlines()[-1] == "replay: stopped; run again to resume"
    assert "Traceback" not in stopped.stderr
    assert checkpoint_path(out).exists()
    assert run(*args, "-q").returncode == 0
    assert run(str(warcs), "-o", str(reference), "-q").returncode == 0
    assert out.read_text("utf-8") == reference.read_text("utf-8")


# --------------------------------------------------------------------------- -q

def test_quiet_leaves_errors_only(tmp_path: Path) -> None:
    """The reader's warnings (a revisit whose original is nowhere, a record
    with a bad WARC-Record-ID) go with -q; its error (bytes after the records
    that are no record) stays."""
    path = tmp_path / "warnings.warc.gz"
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True, warc_version="1.1")
        http = StatusAndHeaders("304 Not Modified", [], protocol="HTTP/1.1")
        writer.write_record(writer.create_revisit_record(
            "http://x.example/gone", "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "http://x.example/gone", "2026-01-01T00:00:00Z", http_headers=http))
        body = b"<html><body><p>a page</p></body></html>"
        ok = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        bad = writer.create_warc_record("http://x.example/bad-id", "response",
                                        payload=io.BytesIO(body), length=len(body),
                                        http_headers=ok)
        bad.rec_headers.replace_header("WARC-Record-ID", "not-a-uri")
        writer.write_record(bad)
        for n in range(2):
            writer.write_record(writer.create_warc_record(
                f"http://x.example/{n}", "response", payload=io.BytesIO(body),
                length=len(body), http_headers=ok))
        f.write(b"\x1f\x8b\x08\x00 and no more of this gzip member")
    loud = run(str(path), "-o", str(tmp_path / "loud.jsonl"))
    quiet = run(str(path), "-o", str(tmp_path / "quiet.jsonl"), "-q")
    assert loud.returncode == quiet.returncode == 0
    assert "x.example/gone" in loud.stderr and "x.example/bad-id" in loud.stderr
    assert "warnings.warc.gz" in quiet.stderr  # the error names the file
    assert "x.example/gone" not in quiet.stderr and "x.example/bad-id" not in quiet.stderr
    assert "replay:" not in quiet.stderr  # no progress, no summary


def test_a_page_is_handed_to_the_pool_thread_before_its_extraction_is_made(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The extraction's coroutine is made on the pool's thread, not the
    replay's: the replay's thread takes Ctrl-C, and a coroutine made there and
    dropped by it would print a "never awaited" warning after the one-line
    stop message."""
    made_on: list[str] = []

    def extract(page: Page) -> Coroutine[Any, Any, str]:
        made_on.append(threading.current_thread().name)  # where the coroutine is made

        async def extracted() -> str:
            if page.status != 200:
                raise ValueError(f"status {page.status}")
            return page.url
        return extracted()

    pool = _PoolThread(0, ExtractionOptions())
    monkeypatch.setattr(pool.pool, "extract", extract)
    try:
        page = Page(url="http://a.example/", status=200, body=b"<p>a</p>",
                    content_type="text/html", fetched_at=datetime.now(UTC))
        assert pool.submit(page).result(timeout=10) == "http://a.example/"
        failed = pool.submit(replace(page, status=500))
        with pytest.raises(ValueError, match="status 500"):
            failed.result(timeout=10)
    finally:
        pool.close()
    assert made_on == ["replay-pool", "replay-pool"]
