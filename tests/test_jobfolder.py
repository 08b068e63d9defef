"""crawler.jobfolder: a job folder's layout and the job folders a path names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.jobfolder import (
    STATE_FILE,
    WARC_DIR,
    JobFolderError,
    article_files,
    articles_name,
    is_job,
    job_of,
    jobs_in,
    one_job,
)
from crawler.jsonl import RecordError, iter_records, jsonl_files
from crawler.replay.wacz import job_page_entries


def make_job(root: Path, name: str, *records: dict) -> Path:
    job = root / name
    (job / WARC_DIR).mkdir(parents=True)
    path = job / articles_name("20261204000000", "host-1")
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return job


def test_a_job_folder_a_root_with_one_job_or_a_file_name_the_same_articles(tmp_path: Path) -> None:
    job = make_job(tmp_path / "out", "example.org", {"url": "https://example.org/a"})
    assert is_job(job) and not is_job(tmp_path / "out")
    assert one_job(job) == job == one_job(tmp_path / "out")
    files = article_files(job)
    assert [p.name for p in files] == ["articles-20261204000000-host-1.jsonl"]
    assert jsonl_files([tmp_path / "out"]) == jsonl_files([job]) == jsonl_files(files)
    assert job_of(files[0]) == job and job_of(job / WARC_DIR / "x.warc.gz") == job


def test_a_root_with_several_jobs_says_which(tmp_path: Path) -> None:
    make_job(tmp_path, "a.example", {"url": "https://a.example/"})
    make_job(tmp_path, "b.example", {"url": "https://b.example/"})
    assert [p.name for p in jobs_in(tmp_path)] == ["a.example", "b.example"]
    with pytest.raises(JobFolderError, match=r"holds 2 jobs; name one: .*a\.example.*b\.example"):
        one_job(tmp_path)
    with pytest.raises(RecordError, match="holds 2 jobs"):
        jsonl_files([tmp_path])
    (tmp_path / "empty").mkdir()
    with pytest.raises(JobFolderError, match="no job folder in"):
        one_job(tmp_path / "empty")
    with pytest.raises(JobFolderError, match="no such file or folder"):
        one_job(tmp_path / "missing")


def test_a_state_file_alone_makes_a_job(tmp_path: Path) -> None:
    (tmp_path / "j").mkdir()
    (tmp_path / "j" / STATE_FILE).write_bytes(b"")
    assert jobs_in(tmp_path) == [tmp_path / "j"]


def test_the_wacz_page_list_and_export_agree_on_the_latest_version(tmp_path: Path) -> None:
    url = "https://example.org/a"
    job = make_job(tmp_path, "j",
                   {"url": url, "title": "First", "version": 1,
                    "fetched_at": "2026-12-01T00:00:00.000Z"},
                   {"url": url, "title": "Second", "version": 2,
                    "fetched_at": "2026-12-03T00:00:00.000Z"})
    latest = list(iter_records(article_files(job)))
    pages = job_page_entries(job)
    assert [(p["title"], p["ts"]) for p in pages] == [(r["title"], r["fetched_at"]) for r in latest]
    assert pages[0]["title"] == "Second"


def test_one_reader_three_modes(tmp_path: Path) -> None:
    from crawler.jsonl import read_lines, tolerant_records

    path = tmp_path / "articles-1-h.jsonl"
    path.write_bytes(b'{"url": "https://a.example/1"}\n[1, 2]\n{"url": "https://a.example/2"}\n'
                     b'{"url": "https://a.exa')  # cut by a kill
    lines = list(read_lines(path))
    assert [(line.complete, line.error is None) for line in lines] == [
        (True, True), (True, False), (True, True), (False, False)]
    assert lines[1].data == [1, 2] and lines[1].error == "not an article record"
    assert lines[3].data is None and lines[3].error.startswith("not JSON")
    assert [r["url"] for r in tolerant_records([path])] == ["https://a.example/1",
                                                            "https://a.example/2"]
    with pytest.raises(RecordError, match=r":2: not an article record"):
        list(iter_records([path]))


def test_scan_sorts_what_a_path_holds_by_kind(tmp_path: Path) -> None:
    from crawler.jobfolder import scan

    job = make_job(tmp_path, "j", {"url": "https://a.example/"})
    for name in ("a.warc.gz", "b.warc", "c.warc.gz.open", "d.wacz", "e.arc.gz", "index.cdxj"):
        (job / WARC_DIR / name).write_bytes(b"")
    (job / ".hidden").mkdir()
    (job / ".hidden" / "x.warc.gz").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("x")
    found = scan([job, job / WARC_DIR / "a.warc.gz", tmp_path / "notes.txt"])
    assert [p.name for p in found.warcs] == ["a.warc.gz", "b.warc"]  # each file once
    assert [p.name for p in found.open_warcs] == ["c.warc.gz.open"]
    assert [p.name for p in found.wacz] == ["d.wacz"]
    assert [p.name for p in found.arcs] == ["e.arc.gz"]
    assert [p.name for p in found.jsonl] == ["articles-20261204000000-host-1.jsonl"]
    assert [p.name for p in found.other] == ["notes.txt"]  # named, of no known kind
    with pytest.raises(FileNotFoundError):
        scan([tmp_path / "missing"])
