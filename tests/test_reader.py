"""The archive reader (crawler/warc/reader.py, originals.py, payload.py) on
archives other tools wrote: warcio's fixtures (tests/data/foreign/warcio/),
a wget --warc-dedup pair, and files made here the way CC-NEWS, Webrecorder,
warcit and `gzip crawl.warc` make them."""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import os
import shutil
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.replay.reextract import ReplayOptions, replay
from crawler.warc import archives, reader
from crawler.warc.payload import decode_payload, plainly_not_coded
from crawler.warc.reader import (
    Archive,
    Originals,
    find_archives,
    iter_pages,
    read_payload,
    read_records,
)
from tests.conftest import DATA, ROOT
from tests.corpuswarcs import response_record

FOREIGN = DATA / "foreign"
#: Other tools' fixtures not copied here (GPL-3.0): read where the workplace keeps them.
SHARED = next((p for p in (ROOT.parent / "shared" / "foreign-archives",
                           Path("/work/shared/foreign-archives")) if p.is_dir()), None)


def story(i: int) -> bytes:
    """An article page as news sites serve them, ~2 KB of its own text."""
    words = hashlib.sha256(str(i).encode()).hexdigest()
    paragraphs = "".join(
        f"<p>The council of town {i} met on day {k} to decide on the harbour plan {words[k:k + 8]}."
        f" Residents asked about the bridge, the budget of year {2000 + k} and the library, "
        f"and the mayor said the work on section {words[k + 8:k + 14]} would begin in spring, "
        f"after the engineers had checked the river banks and the old railway station.</p>"
        for k in range(6))
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Harbour plan "
            f"{i}</title><meta property='og:type' content='article'><meta property="
            f"'article:published_time' content='2018-0{i % 9 + 1}-12'></head><body><article>"
            f"<h1>Harbour plan {i}</h1>{paragraphs}</article></body></html>").encode()


def response(writer: WARCWriter, url: str, body: bytes, headers: list[tuple[str, str]],
             date: str = "2018-03-01T10:00:00Z", status: str = "200 OK",
             extra: dict[str, str] | None = None):
    """A response record captured in 2018 unless ``date`` says otherwise."""
    return response_record(writer, url, body, headers, date=date, status=status, extra=extra)


def ccnews_warc(path: Path, bodies: list[bytes], *, stored_decoded: bool = True) -> list[str]:
    """A CC-NEWS WARC as StormCrawler wrote them before May 2019: a warcinfo
    first, response records only (no requests), and HTTP headers kept as
    received (Content-Encoding: gzip, Transfer-Encoding: chunked) over a body
    stored decoded and de-chunked (commoncrawl/news-crawl#30)."""
    urls = []
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True, warc_version="1.0")
        info = writer.create_warcinfo_record(path.name, {
            "software": "StormCrawler 1.8 http://stormcrawler.net/",
            "isPartOf": "CC-NEWS", "format": "WARC File Format 1.0",
            "description": "News crawl for Common Crawl"})
        writer.write_record(info)
        for i, body in enumerate(bodies):
            url = f"https://site{i}.news.example/2018/03/harbour-plan-{i}.html"
            urls.append(url)
            headers = [("Date", "Thu, 01 Mar 2018 10:00:00 GMT"),
                       ("Content-Type", "text/html; charset=UTF-8"),
                       ("Transfer-Encoding", "chunked"), ("Connection", "keep-alive"),
                       ("Content-Encoding", "gzip")]
            payload = body if stored_decoded else gzip.compress(body, mtime=0)
            if not stored_decoded:
                headers.remove(("Transfer-Encoding", "chunked"))
            writer.write_record(response(writer, url, payload, headers, extra={
                "WARC-Warcinfo-ID": info.rec_headers.get_header("WARC-Record-ID"),
                "WARC-IP-Address": "192.0.2.1"}))
    return urls


def test_bodies_stored_decoded_under_a_declared_gzip_are_read(tmp_path: Path) -> None:
    path = tmp_path / "CC-NEWS-20180301100000-00000.warc.gz"
    bodies = [story(i) for i in range(4)]
    urls = ccnews_warc(path, bodies)
    pages = list(iter_pages(Archive(path), path.name))
    assert [p.url for p in pages] == urls
    assert [p.body for p in pages] == bodies
    assert all(p.meta["stored_decoded"] == "gzip" for p in pages)  # counted, never silent
    articles = list(replay(find_archives([path]), ReplayOptions(template=None)))
    assert sorted(a.url for a in articles) == urls
    assert all("harbour" in (a.text or "") for a in articles)

    coded = tmp_path / "CC-NEWS-coded.warc.gz"  # the same, as written since May 2019
    ccnews_warc(coded, bodies, stored_decoded=False)
    pages = list(iter_pages(Archive(coded), coded.name))
    assert [p.body for p in pages] == bodies
    assert not any("stored_decoded" in p.meta for p in pages)


def test_a_body_that_starts_coded_is_not_taken_as_stored(tmp_path: Path, caplog) -> None:
    gz = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    cut = gzip.compress(story(1), mtime=0)[:60]  # gzip magic, then cut: corrupt, not plain
    path = tmp_path / "x.warc.gz"
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        writer.write_record(response(writer, "https://a.example/cut", cut, gz))
        writer.write_record(response(writer, "https://a.example/ok", story(2), gz))
    with caplog.at_level(logging.WARNING, "crawler.warc.reader"):
        pages = list(iter_pages(Archive(path), path.name))
    assert [p.url for p in pages] == ["https://a.example/ok"]
    assert "skipping the record of https://a.example/cut" in caplog.text
    assert not plainly_not_coded(b"\x1f\x8b\x08\x00", b"gzip")
    assert not plainly_not_coded(bytes(range(256)), b"br")  # binary: may be brotli
    assert plainly_not_coded(b"  <html>caf\xc3\xa9</html>", b"br")
    http = StatusAndHeaders("200 OK", [("Content-Encoding", "zstd")])
    assert decode_payload(b"<p>x</p>", http) == (b"<p>x</p>", "zstd")


def revisit(writer: WARCWriter, url: str, original, date: str, *,
            refers_to_id: bool = True, http: bool = True):
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                               protocol="HTTP/1.1") if http else None
    record = writer.create_revisit_record(
        url, original.rec_headers.get_header("WARC-Payload-Digest"),
        original.rec_headers.get_header("WARC-Target-URI"),
        original.rec_headers.get_header("WARC-Date"), http_headers=headers)
    record.rec_headers.replace_header("WARC-Date", date)
    if refers_to_id:
        record.rec_headers.add_header("WARC-Refers-To",
                                      original.rec_headers.get_header("WARC-Record-ID"))
    return record


def test_a_revisit_written_before_its_original_resolves(tmp_path: Path, caplog) -> None:
    """Webrecorder writes a page's revisit before the original it found in the
    same session; the original comes out first, then the revisit with its body."""
    path = tmp_path / "rec-webrecorder.warc.gz"
    html = [("Content-Type", "text/html; charset=utf-8")]
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        original = response(writer, "https://a.example/page", story(1), html,
                             date="2019-01-01T00:00:00Z")
        writer.write_record(revisit(writer, "https://a.example/page?again", original,
                                    "2019-01-01T00:00:05Z", refers_to_id=False))
        writer.write_record(original)
    with caplog.at_level(logging.WARNING, "crawler.warc.reader"):
        pages = list(iter_pages(Archive(path), path.name))
    assert [(p.url, p.meta["record_type"]) for p in pages] == [
        ("https://a.example/page", "response"), ("https://a.example/page?again", "revisit")]
    assert pages[1].body == story(1)
    assert pages[1].warc["offset"] == 0 < pages[0].warc["offset"]  # each its own record
    assert caplog.text == ""


def test_webrecorder_revisit_resolves(caplog) -> None:
    path = FOREIGN / "warcio" / "example.warc.gz"
    with caplog.at_level(logging.WARNING, "crawler.warc.reader"):
        pages = list(iter_pages(Archive(path), path.name))
    assert [(p.url, p.meta["record_type"]) for p in pages] == [
        ("http://example.com/", "response"), ("http://example.com/", "revisit")]
    assert pages[1].body == pages[0].body and b"Example Domain" in pages[0].body
    assert caplog.text == ""


def test_a_dedup_folder_is_read_in_capture_order(tmp_path: Path, caplog) -> None:
    """wget's first run and its --warc-dedup second run, whose file sorts first
    by name: every revisit resolves and each URL comes out first as its first
    capture (the response)."""
    for name in ("wget-dedup.warc.gz", "wget.warc.gz"):
        shutil.copy(FOREIGN / "wget" / name, tmp_path / name)
    archives = find_archives([tmp_path])  # both runs began in the same second:
    # their dates tie, the name order stays, and the revisits wait for their originals
    with open(tmp_path / "wget-dedup.warc.gz", "rb") as fh:
        written = sum(r.rec_type == "revisit" for r in ArchiveIterator(fh))
    originals = Originals()
    with caplog.at_level(logging.WARNING, "crawler.warc.reader"):
        pages = [p for a in archives for p in iter_pages(a, a.path.name, originals)]
        originals.close()
    assert caplog.text == ""
    first_seen: dict[str, str] = {}
    for page in pages:
        if "body_skipped" not in page.meta:  # a stylesheet's revisit needs no original
            first_seen.setdefault(page.url, page.meta["record_type"])
    assert set(first_seen.values()) == {"response"}
    revisits = [p for p in pages if p.meta["record_type"] == "revisit"]
    responses = {p.url: p.body for p in pages if p.meta["record_type"] == "response"}
    assert written > 0 and len(revisits) == written
    assert all(p.body == responses[p.url] for p in revisits if "body_skipped" not in p.meta)
    assert any(p.body for p in revisits)


def uri_agnostic_pair(tmp_path: Path) -> tuple[Path, Path]:
    """A URI-agnostic revisit (the headers of pywb's example-url-agnostic-*
    fixtures) in a file given before the original's."""
    html = [("Content-Type", "text/html; charset=UTF-8")]
    orig, rev = tmp_path / "orig.warc.gz", tmp_path / "revisit.warc.gz"
    with open(orig, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        original = response(writer, "http://example.iana.org/", story(7), html,
                            date="2013-07-02T19:54:02Z")
        writer.write_record(original)
    with open(rev, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        record = revisit(writer, "http://test@example.com/", original, "2013-07-29T19:51:51Z")
        record.rec_headers.replace_header(
            "WARC-Profile",
            "http://netpreserve.org/warc/1.0/revisit/uri-agnostic-identical-payload-digest")
        writer.write_record(record)
    return orig, rev


def test_revisits_resolve_across_files_given_in_any_order(tmp_path: Path, caplog) -> None:
    orig, rev = uri_agnostic_pair(tmp_path)
    originals = Originals()
    with caplog.at_level(logging.WARNING, "crawler.warc.reader"):
        pages = [p for path in (rev, orig) for p in iter_pages(Archive(path), path.name,
                                                               originals)]
        originals.close()
    assert [p.url for p in pages] == ["http://example.iana.org/", "http://test@example.com/"]
    assert pages[1].body == story(7) and pages[1].warc["filename"] == "revisit.warc.gz"
    assert caplog.text == ""
    assert find_archives([rev, orig]) == [Archive(orig), Archive(rev)]  # capture order
    list(iter_pages(Archive(rev), rev.name))  # alone: its original is nowhere
    assert "revisit of http://test@example.com/: original <urn:uuid:" in caplog.text


@pytest.mark.skipif(SHARED is None and not os.environ.get("CI"),
                    reason="the workplace's shared/foreign-archives is not here")
def test_pywb_uri_agnostic_fixtures(tmp_path: Path, caplog) -> None:
    assert SHARED is not None
    for name in ("example-url-agnostic-orig.warc.gz", "example-url-agnostic-revisit.warc.gz"):
        shutil.copy(SHARED / "pywb" / name, tmp_path / name)
    originals = Originals()
    with caplog.at_level(logging.WARNING, "crawler.warc.reader"):
        pages = [p for a in reversed(find_archives([tmp_path]))  # the revisit's file first
                 for p in iter_pages(a, a.path.name, originals)]
        originals.close()
    assert [p.url for p in pages] == ["http://example.iana.org/", "http://test@example.com/"]
    assert pages[1].body == pages[0].body and b"Example Domain" in pages[0].body
    assert caplog.text == ""


class Video(io.RawIOBase):
    """``size`` bytes that do not compress, made as read."""

    def __init__(self, size: int) -> None:
        self.left, self.counter = size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left, 1 << 16)
        block = b"".join(hashlib.sha512(b"%d" % (self.counter + k)).digest()
                         for k in range(n // 64 + 1))[:n]
        self.counter += n // 64 + 1
        buffer[:n] = block
        self.left -= n
        return n


def test_bodies_that_are_no_page_are_never_held(tmp_path: Path, monkeypatch, caplog) -> None:
    path = tmp_path / "video.warc"
    size = 24 << 20
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", "video/mp4")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "https://a.example/clip.mp4", "response", payload=io.BufferedReader(Video(size)),
            length=size, http_headers=http))
        writer.write_record(response(writer, "https://a.example/big.html", b"<p>x</p>" * 40000,
                                     [("Content-Type", "text/html")]))
        writer.write_record(response(writer, "https://a.example/page.html", story(3),
                                     [("Content-Type", "text/html")]))
    monkeypatch.setattr(reader, "DOWNLOAD_MAXSIZE", 100_000)
    tracemalloc.start()
    with caplog.at_level(logging.WARNING, "crawler.warc.reader"):
        pages = list(iter_pages(Archive(path), path.name))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [p.url for p in pages] == ["https://a.example/clip.mp4", "https://a.example/page.html"]
    assert pages[0].body == b"" and pages[0].meta["body_skipped"] == "not_html"
    assert pages[0].warc["length"] > size  # its pointer is whole all the same
    assert pages[1].body == story(3)
    assert "big.html at offset" in caplog.text and "over DOWNLOAD_MAXSIZE" in caplog.text
    assert peak < 2 << 20, peak  # 24 MB went by in bounded chunks


def wacz_with_revisit(tmp_path: Path, compression: int) -> Path:
    warc = tmp_path / "data.warc.gz"
    html = [("Content-Type", "text/html")]
    with open(warc, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for i in range(30):  # the original is far into the member
            writer.write_record(response(writer, f"https://a.example/{i}", story(i), html))
        original = response(writer, "https://a.example/orig", story(99), html)
        writer.write_record(original)
        for i in range(30, 40):
            writer.write_record(response(writer, f"https://a.example/{i}", story(i), html))
        writer.write_record(revisit(writer, "https://a.example/orig", original,
                                    "2018-03-02T00:00:00Z"))
    wacz = tmp_path / f"c{compression}.wacz"
    with zipfile.ZipFile(wacz, "w", compression=compression) as z:
        z.writestr("datapackage.json", "{}")
        z.write(warc, "archive/data.warc.gz")
    return wacz


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_revisits_in_a_wacz(tmp_path: Path, compression: int) -> None:
    wacz = wacz_with_revisit(tmp_path, compression)
    (archive,) = find_archives([wacz])
    pages = list(iter_pages(archive, archive.name))
    assert pages[-1].meta["record_type"] == "revisit" and pages[-1].body == story(99)
    offset = next(p.warc["offset"] for p in pages if p.url.endswith("/orig"))
    assert read_payload(archive, offset) == story(99)
    stat = wacz.stat()
    span = archives._stored_span(wacz, archive.member, stat.st_mtime_ns, stat.st_size)
    if compression == zipfile.ZIP_STORED:  # read straight from the zip file: one seek
        assert span is not None
        with open(wacz, "rb") as f:
            f.seek(span[0] + offset)
            assert next(read_records(f)).record.rec_headers.get_header(
                "WARC-Target-URI") == "https://a.example/orig"
    else:
        assert span is None


def test_a_warc_gzipped_as_one_stream_is_one_line(tmp_path: Path, caplog) -> None:
    ours = tmp_path / "crawl.warc"
    with open(ours, "wb") as f:
        writer = WARCWriter(f, gzip=False)
        for i in range(3):
            writer.write_record(response(writer, f"https://a.example/{i}", story(i),
                                         [("Content-Type", "text/html")]))
    (tmp_path / "crawl.warc.gz").write_bytes(gzip.compress(ours.read_bytes()))
    ours.unlink()
    shutil.copy(FOREIGN / "warcio" / "example-bad-non-chunked.warc.gz", tmp_path)
    for archive in find_archives([tmp_path]):
        caplog.clear()
        with caplog.at_level(logging.WARNING, "crawler.warc.reader"):
            assert list(iter_pages(archive, archive.name)) == []
        assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
            ("ERROR", f"{archive.path}: gzipped as one stream, not one gzip member per record; "
                      f"recompress it with: warcio recompress {archive.path} <out>")]


def test_a_gzip_member_of_several_records_further_on(tmp_path: Path, caplog) -> None:
    """Two records gzipped each on its own, then three in one member (files
    concatenated by hand): the first two are pages, then one line, no page
    with an offset that is not its record's."""
    def records(first: int, count: int, gz: bool) -> bytes:
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=gz)
        for i in range(first, first + count):
            writer.write_record(response(writer, f"https://a.example/{i}", story(i),
                                         [("Content-Type", "text/html")]))
        return buf.getvalue()

    head = records(0, 2, True)
    path = tmp_path / "joined.warc.gz"
    path.write_bytes(head + gzip.compress(records(2, 3, False)))
    with caplog.at_level(logging.WARNING, "crawler.warc.reader"):
        pages = list(iter_pages(Archive(path), path.name))
    assert [p.url for p in pages] == ["https://a.example/0", "https://a.example/1"]
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}: the gzip member at offset {len(head)} holds several records, not one; "
        f"recompress it with: warcio recompress {path} <out>"]


def test_reading_logs_through_logging_only(tmp_path: Path, capfd, caplog) -> None:
    """warcio's own stderr warning (a record whose Content-Length is off, in
    warcio's example-trunc.warc), a skipped record and a revisit without its
    original: all go through logging, so below WARNING nothing is printed."""
    _, rev = uri_agnostic_pair(tmp_path)
    broken = tmp_path / "broken.warc.gz"
    with open(broken, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        writer.write_record(response(writer, "https://a.example/cut", b"\x1f\x8b\x08\x00cut",
                                     [("Content-Type", "text/html"),
                                      ("Content-Encoding", "gzip")]))
    files = [FOREIGN / "warcio" / "example-trunc.warc", rev, broken]
    with caplog.at_level(logging.WARNING):
        for path in files:
            list(iter_pages(Archive(path), path.name))
    assert "warcio: Record not followed by newline" in caplog.text
    assert "original <urn:uuid:" in caplog.text
    assert "skipping the record of https://a.example/cut" in caplog.text
    assert capfd.readouterr().err == ""
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        for path in files:
            list(iter_pages(Archive(path), path.name))
    assert caplog.text == "" and capfd.readouterr().err == ""


def test_arc_files_in_a_folder_are_read(tmp_path: Path) -> None:
    for name in ("example.arc", "example.arc.gz"):
        shutil.copy(FOREIGN / "warcio" / name, tmp_path / name)
    archives = find_archives([tmp_path])
    assert sorted(a.path.name for a in archives) == ["example.arc", "example.arc.gz"]
    for archive in archives:
        (page,) = iter_pages(archive, archive.path.name)
        assert (page.url, page.status, page.content_type) == (
            "http://example.com/", 200, "text/html")
        assert b"<title>Example Domain</title>" in page.body
        assert page.fetched_at.isoformat() == "2014-02-16T05:02:21+00:00"
        assert page.warc["record_id"] == f"<urn:x-arc-record:20140216050221:{page.warc['offset']}>"
        assert read_payload(archive, page.warc["offset"]) == page.body


def test_html_resource_records_are_pages(tmp_path: Path) -> None:
    (page,) = iter_pages(Archive(FOREIGN / "warcio" / "example-resource.warc.gz"), "r.warc.gz")
    assert (page.url, page.status, page.meta["record_type"]) == ("http://example.com/", 200,
                                                                 "resource")
    assert page.content_type == "text/html; charset=utf-8" and b"Example Domain" in page.body
    path = tmp_path / "warcit.warc.gz"  # a site folder archived as warcit does it
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for name, body, kind in (("index.html", story(5), "text/html"),
                                 ("logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")):
            writer.write_record(writer.create_warc_record(
                f"https://site.example/{name}", "resource", payload=io.BytesIO(body),
                length=len(body), warc_content_type=kind))
    (page,) = iter_pages(Archive(path), path.name)
    assert page.url == "https://site.example/index.html" and page.body == story(5)
    articles = list(replay([Archive(path)], ReplayOptions(template=None)))
    assert [a.url for a in articles] == ["https://site.example/index.html"]


def test_pages_a_url_filter_leaves_out_are_not_read(tmp_path: Path, monkeypatch) -> None:
    """``keep`` (replay's --host) decides from the record's headers: the other
    hosts' bodies are never read, their pages still come (to be counted), and
    a revisit of a kept page resolves to a left-out original all the same."""
    path = tmp_path / "hosts.warc.gz"
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        original = response(writer, "https://b.example/story.html", story(1),
                            [("Content-Type", "text/html")])
        writer.write_record(original)
        writer.write_record(response(writer, "https://a.example/story.html", story(2),
                                     [("Content-Type", "text/html")]))
        writer.write_record(revisit(writer, "https://a.example/copy.html", original,
                                    "2018-03-02T10:00:00Z"))
    read: list[str] = []
    real = reader.read_raw_body

    def counted(record, max_body=None):
        read.append(record.rec_headers.get_header("WARC-Target-URI"))
        return real(record, max_body)

    monkeypatch.setattr(reader, "read_raw_body", counted)
    pages = list(iter_pages(Archive(path), path.name, keep=lambda url: "a.example" in url))
    by_url = {p.url: p for p in pages}
    assert by_url["https://b.example/story.html"].body == b""
    assert by_url["https://b.example/story.html"].meta["body_skipped"] == "filtered"
    assert by_url["https://a.example/story.html"].body == story(2)
    assert by_url["https://a.example/copy.html"].body == story(1)
    # a.example's response, then b.example's once, when the revisit needs it
    assert read == ["https://a.example/story.html", "https://b.example/story.html"]
