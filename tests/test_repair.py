"""Repair of files a killed crawl leaves (``crawler/warc/repair.py``) and
``crawler check --repair``: crafted cuts of real WARC and JSON lines files."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.warc import HttpRequestData, HttpResponseData, RollingWarcWriter
from crawler.warc.check import check_warc
from crawler.warc.repair import member_end, repair_jsonl, repair_warc
from tests.conftest import run_crawler

WARCIO = Path(sys.executable).with_name("warcio")


def exchange(i: int) -> tuple[HttpRequestData, HttpResponseData]:
    url = f"http://news.example/{i}.html"
    body = f"<html><body><p>Story {i}: the harbour wall</p></body></html>".encode() * (3 + i)
    return (HttpRequestData(method="GET", url=url, headers=[("User-Agent", "t")]),
            HttpResponseData(status=200, headers=[("Content-Type", "text/html")], body=body))


@pytest.fixture(scope="module")
def open_warc(tmp_path_factory) -> tuple[bytes, list[int]]:
    """The bytes of a WARC file as a killed crawl leaves it (warcinfo and three
    exchanges, still ``.open``) and the offset after each record."""
    folder = tmp_path_factory.mktemp("warc")
    writer = RollingWarcWriter(folder, prefix="t")
    for i in range(3):
        writer.write_exchange(*exchange(i))
    path = next(folder.glob("*.warc.gz.open"))
    data = path.read_bytes()
    writer.close()
    ends = []
    with open(folder / path.name.removesuffix(".open"), "rb") as f:
        records = ArchiveIterator(f)
        for _ in records:
            records.read_to_end()
            ends.append(records.get_record_offset() + records.get_record_length())
    assert len(ends) == 7 and ends[-1] == len(data)
    return data, ends


def records_in(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in ArchiveIterator(f))


def warcio_check(path: Path) -> None:
    result = subprocess.run([str(WARCIO), "check", str(path)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def put(tmp_path: Path, data: bytes, name: str = "t-1.warc.gz.open") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_cut_inside_a_record_keeps_every_complete_one(open_warc, tmp_path: Path) -> None:
    data, ends = open_warc
    path = put(tmp_path, data[: ends[4] + 57])
    done = repair_warc(path)
    closed = tmp_path / "t-1.warc.gz"
    assert (done.action, done.path, done.kept_records, done.dropped) == \
        ("truncated", closed, 5, 57)
    assert not path.exists() and closed.read_bytes() == data[: ends[4]]
    assert records_in(closed) == 5 and not list(check_warc(closed))
    warcio_check(closed)
    again = repair_warc(closed)  # idempotent
    assert again.action == "valid" and closed.read_bytes() == data[: ends[4]]


def test_every_cut_point_gives_the_complete_records_before_it(open_warc,
                                                               tmp_path: Path) -> None:
    data, ends = open_warc
    for cut in range(0, len(data) + 1, 23):
        path = put(tmp_path, data[:cut])
        done = repair_warc(path)
        whole = max((e for e in ends if e <= cut), default=0)
        if whole == 0:
            assert done.action == "removed" and not path.exists()
            continue
        assert done.path.read_bytes() == data[:whole], cut
        done.path.unlink()


def test_empty_open_file_is_removed(tmp_path: Path) -> None:
    path = put(tmp_path, b"")
    done = repair_warc(path)
    assert done.action == "removed" and not path.exists()
    assert not (tmp_path / "t-1.warc.gz").exists()


def test_garbage_after_the_last_record_is_cut(open_warc, tmp_path: Path) -> None:
    data, _ = open_warc
    for junk in (b"\0" * 300, os.urandom(1000), gzip.compress(b"not a WARC record"),
                 b"\x1f\x8b\x08" + os.urandom(50)):
        path = put(tmp_path, data + junk)
        done = repair_warc(path)
        assert done.action == "truncated" and done.dropped == len(junk)
        assert done.path.read_bytes() == data
        warcio_check(done.path)
        done.path.unlink()


def test_a_valid_open_file_is_only_closed(open_warc, tmp_path: Path) -> None:
    data, _ = open_warc
    done = repair_warc(put(tmp_path, data))
    assert done.action == "closed" and done.path.read_bytes() == data


def test_corruption_before_complete_records_is_not_cut(open_warc, tmp_path: Path) -> None:
    data, ends = open_warc
    broken = bytearray(data)
    broken[ends[2] + 40: ends[2] + 60] = b"x" * 20  # inside record 4 of 7
    path = put(tmp_path, bytes(broken))
    done = repair_warc(path)
    assert done.action == "unrepairable" and done.problem
    assert path.read_bytes() == bytes(broken)  # untouched
    assert "a complete record follows" in str(done)


def test_a_file_being_written_is_not_touched(tmp_path: Path) -> None:
    writer = RollingWarcWriter(tmp_path, prefix="t")
    writer.write_exchange(*exchange(0))
    path = next(tmp_path.glob("*.open"))
    size = path.stat().st_size
    done = repair_warc(path)
    assert done.action == "in_use" and path.stat().st_size == size
    writer.close()
    assert not path.exists() and records_in(path.with_name(path.name[:-5])) == 3


def test_uncompressed_warc_cut_inside_a_record(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    writer = RollingWarcWriter(folder, prefix="t")
    for i in range(2):
        writer.write_exchange(*exchange(i))
    writer.close()
    plain = gzip.decompress(next(folder.glob("*.warc.gz")).read_bytes())
    assert not list(check_warc(put(tmp_path, plain, "whole.warc")))  # its last CRLFs too
    cut = plain.rindex(b"WARC/1.1\r\n") + 200  # inside the last record
    path = put(tmp_path, plain[:cut], "t-2.warc.open")
    done = repair_warc(path)
    assert done.action == "truncated" and done.kept_records == 4
    assert records_in(done.path) == 4 and not list(check_warc(done.path))


def test_a_member_that_compresses_100_to_1_is_whole(tmp_path: Path) -> None:
    """2 MB of repeated HTML in one record: its gzip member ends where it ends
    (member_end counted the bytes after it twice: 'cut short', and no repair)."""
    writer = RollingWarcWriter(tmp_path / "w", prefix="t")
    writer.write_exchange(*exchange(0))
    body = b"<div class='story'><p>The harbour wall was rebuilt.</p></div>\n" * 33_000
    writer.write_exchange(exchange(1)[0], HttpResponseData(
        status=200, body=body, headers=[("Content-Type", "text/html")]))
    writer.write_exchange(*exchange(2))
    writer.close()
    path = next((tmp_path / "w").glob("*.warc.gz"))
    data = path.read_bytes()
    with open(path, "rb") as f:
        records = ArchiveIterator(f)
        spans = []
        for _ in records:
            records.read_to_end()
            spans.append((records.get_record_offset(), records.get_record_length()))
        start, length = max(spans, key=lambda span: span[1])
        assert len(body) / length > 100
        assert [member_end(f, at)[0] for at, _ in spans] == [at + n for at, n in spans]
    assert not list(check_warc(path))
    assert repair_warc(path).action == "valid" and path.read_bytes() == data
    cut = put(tmp_path, data[: start + length // 2], "t-9.warc.gz.open")  # inside the big one
    done = repair_warc(cut)
    assert done.action == "truncated" and done.path.read_bytes() == data[:start]


LINES = [json.dumps({"url": f"http://news.example/{i}.html", "title": "é" * i}) + "\n"
         for i in range(3)]


@pytest.mark.parametrize(("tail", "action", "kept"), [
    ("", "valid", "".join(LINES)),
    ('{"url": "http://news.exa', "truncated", "".join(LINES)),
    ('{"url": "x"}', "completed", "".join(LINES) + '{"url": "x"}\n'),
    ("  ", "truncated", "".join(LINES)),
])
def test_jsonl_last_line(tmp_path: Path, tail: str, action: str, kept: str) -> None:
    path = tmp_path / "articles-1.jsonl"
    path.write_text("".join(LINES) + tail, "utf-8")
    assert repair_jsonl(path).action == action
    assert path.read_text("utf-8") == kept
    assert repair_jsonl(path).action == "valid"


def test_jsonl_cut_inside_a_multibyte_character(tmp_path: Path) -> None:
    data = "".join(LINES).encode()
    path = tmp_path / "articles-1.jsonl"
    path.write_bytes(data[:-3])  # inside the last "é"
    done = repair_jsonl(path)
    assert done.action == "truncated" and path.read_text("utf-8") == "".join(LINES[:2])


def test_check_repair_command(open_warc, tmp_path: Path) -> None:
    data, ends = open_warc
    job = tmp_path / "job"
    (job / "warc").mkdir(parents=True)
    warc = put(job / "warc", data[: ends[2] + 10])
    lines = job / "articles-1.jsonl"
    lines.write_text("".join(LINES) + '{"url": "half', "utf-8")
    before = run_crawler("check", str(job))
    assert before.returncode == 1 and "repair with --repair" in before.stdout
    result = run_crawler("check", "--repair", str(warc), str(lines))
    out = result.stdout.splitlines()
    assert any(ln.startswith(f"{warc}: repaired: cut 10 bytes") for ln in out), out
    assert any(ln.startswith(f"{lines}: repaired: dropped an incomplete last line") for ln in out)
    assert "repaired 2 file(s)" in out
    assert (job / "warc" / "t-1.warc.gz").exists() and not warc.exists()
    again = run_crawler("check", "--repair", str(job / "warc"))
    assert again.returncode == 0 and again.stdout.startswith("repaired 0 file(s)\n")
