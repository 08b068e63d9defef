"""Crash safety: crawls killed with SIGKILL at random moments, repaired and
resumed, lose no article and write none twice (``benchmarks/crash.py``, fewer
trials); a resumed crawl repairs leftovers itself and records the lines its
killed attempt wrote but did not record."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.crash import article_counts, run
from tests.conftest import FAST, POOL, run_crawler
from tests.mockserver import MANIFEST


@pytest.mark.slow
def test_killed_crawls_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    lines: list[str] = []
    result = run(trials=5, kills_per_job=5, max_delay=8.0, out=tmp_path, log=lines.append)
    report = result.report()
    assert result.trials == 5, report
    assert result.ok, "\n".join(lines) + "\n" + report  # the seed is the first line
    assert result.lost == [] and result.duplicated == [], report
    # per job: a crawl that ends before its kill starts the next job
    assert result.articles == len(MANIFEST["articles"]) * result.jobs


def test_resume_repairs_leftovers_and_writes_no_article_twice(mockserver,
                                                              tmp_path: Path) -> None:
    """What a kill at the worst moments leaves: a WARC file still ``.open``
    with half a record at its end, half a JSON line, and an article line
    written but not yet recorded in the job state."""
    argv = ["crawl", mockserver.url("/"), "-o", str(tmp_path), "--job", "j", *FAST, *POOL]
    first = run_crawler(*argv)
    assert first.returncode == 0, first.stderr[-2000:]
    job = tmp_path / "j"
    warc = next((job / "warc").glob("*.warc.gz"))
    data = warc.read_bytes()
    opened = warc.with_name(warc.name + ".open")
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    member.decompress(data)
    half = data[: (len(data) - len(member.unused_data)) // 2]  # half the first record
    opened.write_bytes(data + half)  # a record cut short after the last one
    warc.unlink()
    jsonl = next(job.glob("articles-*.jsonl"))
    records = [json.loads(line) for line in jsonl.read_text("utf-8").splitlines()]
    with open(jsonl, "a", encoding="utf-8") as f:
        f.write('{"url": "' + records[0]["url"][:20])
    forgotten = records[3]["url"]
    with sqlite3.connect(job / "state.sqlite") as db:
        db.execute("UPDATE runs SET finished = NULL, reason = NULL")  # the run was killed
        key = db.execute("SELECT key FROM pages WHERE url = ?", (forgotten,)).fetchone()[0]
        db.execute("DELETE FROM pages WHERE key = ?", (key,))  # written, not recorded
    db.close()

    resumed = run_crawler(*argv)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    log = resumed.stderr
    assert f"Repaired warc/{opened.name} left by an interrupted crawl: cut {len(half)} bytes" in log
    assert f"Repaired {jsonl.name} left by an interrupted crawl: dropped an incomplete" in log
    assert not list(job.rglob("*.open")) and warc.read_bytes() == data
    counts = article_counts(job)
    assert counts == Counter({p: 1 for p in MANIFEST["articles"]})
    assert urlsplit(forgotten).path in counts
    assert "recorded 1 article(s) the interrupted run wrote but had not recorded" in log
    check = run_crawler("check", str(job))
    assert check.returncode == 0, check.stdout[-2000:]
