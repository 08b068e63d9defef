"""``crawler index`` on a folder where some files cannot be indexed: one line
per bad file naming the problem, every good file indexed, exit 1
(``crawler/warc/index.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from crawler.warc.index import index_files
from tests.conftest import DATA, run_cli

FOREIGN = DATA / "foreign"


def test_bad_files_are_named_and_the_others_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "warcs"
    folder.mkdir()
    good = [shutil.copy(FOREIGN / "warcio/example.warc", folder / "a.warc"),
            shutil.copy(FOREIGN / "warcio/example-iana.org-chunked.warc", folder / "c.warc")]
    shutil.copy(FOREIGN / "warcio/example-bad-non-chunked.warc.gz", folder / "b.warc.gz")
    # a download that got an error page instead of the file
    (folder / "d.warc.gz").write_bytes(b"<html><body><h1>502 Bad Gateway</h1></body></html>\n")
    result = run_cli("index", str(folder))
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output
    lines = result.stdout.splitlines()
    assert lines[0] == (f"{folder}/b.warc.gz: not indexed: gzipped as one stream, not one gzip "
                        "member per record: recompress it with: warcio recompress IN OUT")
    assert lines[1].startswith(f"{folder}/d.warc.gz: not indexed: unreadable, truncated or "
                               "corrupt ('crawler check' says where): ")
    assert lines[2] == f"{folder}/index.cdxj: 2 WARC files indexed, 2 not"
    assert len(lines) == 3
    alone = tmp_path / "good.cdxj"
    assert index_files([Path(p) for p in good], alone, root=folder) == []
    assert (folder / "index.cdxj").read_text("utf-8") == alone.read_text("utf-8")
    assert len(alone.read_text("utf-8").splitlines()) == 3


def test_a_good_folder_exits_0(tmp_path: Path) -> None:
    shutil.copy(FOREIGN / "warcio/example.warc", tmp_path)
    result = run_cli("index", str(tmp_path))
    assert result.returncode == 0
    assert result.stdout == f"{tmp_path}/index.cdxj: 1 WARC files indexed\n"
