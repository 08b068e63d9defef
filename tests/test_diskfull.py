"""A full disk or an unwritable output folder: one clear error, a clean end
(exit code 1), valid files, nothing lost on the next run.

Real errors from the kernel, no mocks: a size-limited tmpfs (``mount -t tmpfs
-o size=...``, ENOSPC) or a read-only one (EROFS) where this process may mount
(root, as here and in CI); otherwise, and for the unit tests, the file size
limit ``RLIMIT_FSIZE`` (EFBIG; Python ignores SIGXFSZ).
"""

from __future__ import annotations

import logging
import os
import re
import resource
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks.crash import article_counts
from crawler.pipelines.jsonlines import JsonLinesWriter
from crawler.schema import Article
from crawler.state.store import StateStore
from crawler.warc import HttpRequestData, HttpResponseData, RollingWarcWriter
from crawler.warc.check import check_warc
from tests.conftest import FAST, ROOT, run_crawler
from tests.mockserver import MANIFEST
from tests.test_components import crawler_with

ERROR_LINE = re.compile(r"\] ERROR: Cannot write (\S+): (No space left on device|File too large|"
                        r"database or disk is full|disk I/O error); crawl stopped, files "
                        r"written so far are valid$")


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Files of this process cannot grow past ``limit`` bytes (EFBIG)."""
    assert signal.getsignal(signal.SIGXFSZ) == signal.SIG_IGN
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


@contextmanager
def tmpfs(path: Path, options: str) -> Iterator[bool]:
    """Mount a tmpfs at ``path``; yields False (nothing mounted) where that is
    not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
        capture_output=True, check=False).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], check=False)


def crawl(*args: str, fsize: int | None = None) -> subprocess.CompletedProcess[str]:
    """``crawler crawl ARGS``, with files limited to ``fsize`` bytes if given."""
    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", *args, *FAST],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
                          preexec_fn=limit, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def assert_one_clean_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    errors = [ln for ln in result.stderr.splitlines() if "] ERROR: " in ln
              and "Gave up retrying" not in ln]  # the mock site's broken page
    assert len(errors) == 1, "\n".join(errors)
    assert ERROR_LINE.search(errors[0]), errors[0]
    assert result.stdout.startswith("Crawl write_error in ")
    return errors[0]


def assert_valid(job: Path) -> None:
    check = run_crawler("check", str(job))
    assert check.returncode == 0, check.stdout[-2000:]
    warcs = sorted((job / "warc").glob("*.warc.gz"))
    assert warcs and not list(job.rglob("*.open"))
    warcio = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check",
                             *map(str, warcs)], capture_output=True, check=False)
    assert warcio.returncode == 0, warcio.stdout


# -- the writers, under a file size limit --------------------------------------------

def exchange(i: int, size: int) -> tuple[HttpRequestData, HttpResponseData]:
    body = os.urandom(size)  # incompressible: the file grows by about this much
    return (HttpRequestData(method="GET", url=f"http://news.example/{i}", headers=[]),
            HttpResponseData(status=200, headers=[("Content-Type", "image/png")], body=body))


def test_warc_writer_undoes_a_failed_write(tmp_path: Path) -> None:
    writer = RollingWarcWriter(tmp_path, prefix="t")
    writer.write_exchange(*exchange(0, 10_000))
    path = next(tmp_path.glob("*.open"))
    good = path.stat().st_size
    with file_size_limit(good + 5_000), pytest.raises(OSError, match="File too large"):
        writer.write_exchange(*exchange(1, 10_000))  # half of it fits
    assert path.stat().st_size == good  # undone
    writer.write_exchange(*exchange(2, 100))  # room again: goes on where it was
    writer.close()
    closed = writer.closed_files[0]
    assert not list(check_warc(closed))
    from warcio.archiveiterator import ArchiveIterator
    with open(closed, "rb") as f:
        uris = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(f)
                if r.rec_type == "response"]
    assert uris == ["http://news.example/0", "http://news.example/2"]


def test_jsonl_writer_stops_at_a_failed_write(tmp_path: Path, caplog) -> None:
    crawler = crawler_with(CRAWLER_OUTPUT_DIR=str(tmp_path), CRAWLER_JOB="j",
                           CRAWLER_TEMPLATE_ENABLED=False)
    writer = JsonLinesWriter.from_crawler(crawler)
    writer.open_spider()
    writer.process_item(Article(url="https://g.example/1", text="short"))
    path = Path(writer.path)
    good = path.read_bytes()
    with caplog.at_level(logging.INFO, logger="crawler"), file_size_limit(len(good) + 100):
        writer.process_item(Article(url="https://g.example/2", text="long " * 100))
        writer.process_item(Article(url="https://g.example/3", text="short"))  # not written
    writer.close_spider()
    assert path.read_bytes() == good  # no half line
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [(f"Cannot write {path}: File too large; crawl stopped, files written "
                       "so far are valid")]
    assert crawler.stats.get_value("output/write_error") == f"{path}: File too large"
    assert crawler.stats.get_value("jsonl/records_written") == 1


def test_state_store_reports_a_failed_write(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.sqlite")
    failures: list[Exception] = []
    store.on_write_error = failures.append
    record = {"url": "https://g.example/a", "text": "x" * 200_000}
    with file_size_limit(50_000):
        store.record_article("k", record, datetime.now(UTC), None)  # no exception
    assert len(failures) == 1 and store.get("k") is None
    store.record_article("k", record, datetime.now(UTC), None)
    assert store.get("k") is not None and len(failures) == 1


# -- whole crawls ----------------------------------------------------------------------

@pytest.mark.parametrize("size", ["112k", "240k"])  # fails in the WARC; later, anywhere
def test_full_disk_stops_the_crawl_and_the_next_run_completes(mockserver, tmp_path: Path,
                                                              size: str) -> None:
    out = tmp_path / "out"
    argv = [mockserver.url("/"), "-o", str(out), "--job", "j"]
    with tmpfs(out, f"size={size}") as mounted:
        # without a mount: a file size limit (the WARC file reaches it first)
        first = crawl(*argv, fsize=None if mounted else 60_000)
        line = assert_one_clean_error(first)
        assert ("No space left on device" if mounted else "File too large") in line \
            or "database" in line or "disk I/O" in line
        assert_valid(out / "j")
        written = sum(article_counts(out / "j").values())
        assert written < len(MANIFEST["articles"])
        if mounted:
            subprocess.run(["mount", "-o", "remount,size=8m", str(out)], check=True)
        resumed = crawl(*argv)
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        assert_valid(out / "j")
        counts = article_counts(out / "j")
    assert counts == Counter({p: 1 for p in MANIFEST["articles"]})  # none lost, none twice


def test_file_size_limit_stops_the_crawl_cleanly(mockserver, tmp_path: Path) -> None:
    result = crawl(mockserver.url("/"), "-o", str(tmp_path), "--job", "j", fsize=60_000)
    line = assert_one_clean_error(result)  # the WARC file or the job state's WAL
    assert ": File too large;" in line or "state.sqlite: disk I/O error;" in line
    assert_valid(tmp_path / "j")


def test_unwritable_output_at_start_is_one_line(tmp_path: Path) -> None:
    def one_line(result: subprocess.CompletedProcess[str]) -> str:
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert result.returncode == 2 and len(lines) == 1, result.stderr
        return lines[0]

    url = "http://127.0.0.1:9/"
    with tmpfs(tmp_path / "ro", "ro,size=64k") as mounted:
        if mounted:  # root writes through chmod 555: only a read-only mount stops it
            line = one_line(crawl(url, "-o", str(tmp_path / "ro"), "--job", "j"))
            assert line == (f"crawler: error: output folder '{tmp_path}/ro/j' is not writable: "
                            "Read-only file system")
        else:  # a folder below a file
            (tmp_path / "file").write_text("x")
            line = one_line(crawl(url, "-o", str(tmp_path / "file"), "--job", "j"))
            assert line.endswith("is not writable: Not a directory")
    with tmpfs(tmp_path / "full", "size=16k") as mounted:
        if mounted:
            (tmp_path / "full" / "filler").write_bytes(b"\0" * 16 * 1024)
        line = one_line(crawl(url, "-o", str(tmp_path / "full"), "--job", "j",
                              fsize=None if mounted else 1000))
        reason = "No space left on device" if mounted else "File too large"
        assert line == (f"crawler: error: output folder '{tmp_path}/full/j' is not writable: "
                        f"{reason}")

