"""The replay benchmark's CC-NEWS-style file, made from the ad corpus's pages
(the benchmark itself makes it from the development sets: run
``python -m benchmarks.replay_scale``)."""

from __future__ import annotations

import gzip
import zlib
from collections import Counter
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from benchmarks.replay_scale import SITES, generate, read_pages, split_prefix
from tests.corpuswarcs import single_pages, site_pages


def test_the_file_is_laid_out_as_cc_news(tmp_path: Path) -> None:
    path = tmp_path / "cc.warc.gz"
    pages = [(c.url, c.body) for c in [*single_pages(), *site_pages()]]
    records = generate(path, 1 << 20, pages=pages)
    with path.open("rb") as f:
        found = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                  r.http_headers.get_header("Content-Type") if r.http_headers else None)
                 for r in ArchiveIterator(f)]
    assert found[0][0] == "warcinfo"
    assert {t for t, _, _ in found[1:]} == {"response"} and len(found) - 1 == records
    urls = [u for _, u, _ in found[1:]]
    assert len(set(urls)) == records > 2 * len(pages)  # unique, pages repeated
    assert {u.split("/")[2] for u in urls} == {f"news{n:02d}.example" for n in range(SITES)}
    assert {c for _, _, c in found[1:]} == {"text/html"}
    # one gzip member per record: the file decompresses member by member
    data, members = path.read_bytes(), 0
    while data:
        d = zlib.decompressobj(wbits=31)
        d.decompress(data)
        data, members = d.unused_data, members + 1
    assert members == records + 1
    assert gzip.decompress(path.read_bytes()).count(b"WARC/1.0\r\n") == records + 1
    read = read_pages(path)
    assert len(read) == records and len({id(p.body) for p in read}) == len(pages)
    assert Counter(p.body for p in read).most_common(1)[0][1] <= records // len(pages) + 1

    parts = split_prefix(path, tmp_path, 10, 2)
    for part, expected in zip(parts, (5, 5), strict=True):
        with part.open("rb") as f:
            types = [r.rec_type for r in ArchiveIterator(f)]
        assert types == ["warcinfo"] + ["response"] * expected
