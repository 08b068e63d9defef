"""The check-speed benchmark's file and its figures (run it in full with
``python -m benchmarks.check_speed``)."""

from __future__ import annotations

import json
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from benchmarks.check_speed import main, write_warc
from crawler.warc.check import check_warc


def test_the_file_is_a_warcinfo_and_well_formed_pages(tmp_path: Path) -> None:
    path = tmp_path / "b.warc.gz"
    write_warc(path, 30, video_bytes=0)
    with path.open("rb") as f:
        records = [(r.rec_type, r.http_headers.get_header("Content-Type") if r.http_headers
                    else None) for r in ArchiveIterator(f, check_digests=True)]
    assert records == [("warcinfo", None)] + [("response", "text/html; charset=utf-8")] * 30
    assert list(check_warc(path)) == []


def test_each_round_times_both_readers_and_the_ratio_is_theirs(tmp_path: Path) -> None:
    report = tmp_path / "check.json"
    assert main(["--records", "40", "--rounds", "2", "--json", str(report)]) == 0
    figures = json.loads(report.read_text())
    assert figures["records"] == 40 and len(figures["rounds"]) == 2
    for one in figures["rounds"]:
        seconds = one["seconds"]
        assert set(seconds) == {"crawler check", "warcio read"}
        assert min(seconds.values()) > 0
        assert one["ratio"] == seconds["crawler check"] / seconds["warcio read"]
