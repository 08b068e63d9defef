"""``crawler check`` on a good crawl, a truncated WARC and wrong pointers; and
``crawler index``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_crawler


@pytest.fixture(scope="module")
def job(demo_job) -> Path:
    return demo_job[0]


def copy_job(job: Path, tmp_path: Path) -> Path:
    target = tmp_path / "job"
    shutil.copytree(job, target)
    return target


def test_clean_crawl_has_no_problems(job: Path) -> None:
    result = run_crawler("check", str(job))
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("0 problem(s)")
    assert "24 JSON lines" in result.stdout


def test_truncated_warc_is_flagged(job: Path, tmp_path: Path) -> None:
    copy = copy_job(job, tmp_path)
    warc = next((copy / "warc").glob("*.warc.gz"))
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) // 2])
    result = run_crawler("check", str(warc))
    assert result.returncode == 1
    assert f"{warc}: truncated: the gzip member at offset" in result.stdout


def test_wrong_pointer_and_bad_record_are_flagged(job: Path, tmp_path: Path) -> None:
    copy = copy_job(job, tmp_path)
    jsonl = next(copy.glob("articles-*.jsonl"))
    records = [json.loads(x) for x in jsonl.read_text("utf-8").splitlines()]
    records[0]["warc"]["offset"] = records[1]["warc"]["offset"]  # another page's record
    records[1]["warc"]["record_id"] = "<urn:uuid:00000000-0000-0000-0000-000000000000>"
    del records[2]["title"]
    text = "\n".join(json.dumps(r) for r in records) + "\n" + '{"url": "half a li'
    jsonl.write_text(text, "utf-8")
    result = run_crawler("check", str(jsonl))
    assert result.returncode == 1
    out = result.stdout.splitlines()
    assert any(f"{jsonl}:1: warc pointer:" in ln and "not " + records[0]["url"] in ln for ln in out)
    assert any(f"{jsonl}:2: warc pointer:" in ln and "WARC-Record-ID" in ln for ln in out)
    assert any(f"{jsonl}:3: record: 'title' is a required property" in ln for ln in out)
    assert any(f"{jsonl}:25: incomplete last line" in ln for ln in out)
    assert out[-1].endswith("problem(s)") and not out[-1].endswith(" 0 problem(s)")


def test_open_warc_is_reported(job: Path, tmp_path: Path) -> None:
    copy = copy_job(job, tmp_path)
    warc = next((copy / "warc").glob("*.warc.gz"))
    warc.rename(warc.with_name(warc.name + ".open"))
    result = run_crawler("check", str(copy / "warc"))
    assert result.returncode == 1 and "still open" in result.stdout


def test_crawl_writes_a_cdxj_index_and_index_rebuilds_it(job: Path, tmp_path: Path) -> None:
    index = job / "warc" / "index.cdxj"
    lines = index.read_text().splitlines()
    assert len(lines) == 34  # one per response (requests are not indexed)
    assert lines == sorted(lines)
    entry = json.loads(lines[0].split(" ", 2)[2])
    assert entry["filename"].endswith(".warc.gz") and entry["status"] == "200"
    copy = copy_job(job, tmp_path)
    (copy / "warc" / "index.cdxj").unlink()
    result = run_crawler("index", str(copy))
    assert result.returncode == 0, result.stderr
    assert (copy / "warc" / "index.cdxj").read_text().splitlines() == lines
