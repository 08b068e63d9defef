from __future__ import annotations

import gzip
import hashlib
import os
import re
import subprocess
import sys
from base64 import b32encode
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.warc import HttpRequestData, HttpResponseData, RollingWarcWriter, warc_filename

BODY = "<html><body><p>Grüße aus dem Hafen</p></body></html>".encode() * 20


def sha1_b32(data: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode()


def write_one(tmp_path: Path, **resp_kwargs) -> tuple[RollingWarcWriter, object]:
    writer = RollingWarcWriter(tmp_path, prefix="t", info={"isPartOf": "unit"},
                               redact_headers=["Cookie", "Authorization"])
    req = HttpRequestData(method="GET", url="http://example.com/a?x=1",
                          headers=[("User-Agent", "crawler-test"), ("Cookie", "session=secret"),
                                   ("Authorization", "Basic c2VjcmV0")])
    resp = HttpResponseData(status=200, ip_address="127.0.0.1",
                            headers=resp_kwargs.pop("headers", [("Content-Type", "text/html")]),
                            body=resp_kwargs.pop("body", BODY), **resp_kwargs)
    pointer = writer.write_exchange(req, resp)
    return writer, pointer


def records(path: Path) -> list:
    with open(path, "rb") as f:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read(),
                 r.raw_stream) for r in ArchiveIterator(f)]


def test_file_naming_and_open_suffix(tmp_path: Path) -> None:
    writer, pointer = write_one(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [pointer.path.name + ".open"]
    writer.close()
    assert [p.name for p in tmp_path.iterdir()] == [pointer.path.name]
    name = warc_filename("crawl", 7, host="box-1", pid=42)
    assert name.startswith("crawl-") and name.endswith("-box_1-42-00007.warc.gz")


def test_round_trip_records_and_digests(tmp_path: Path) -> None:
    writer, pointer = write_one(tmp_path)
    writer.close()
    recs = records(pointer.path)
    assert [r[0] for r in recs] == ["warcinfo", "response", "request"]
    info = recs[0][3].decode()
    assert "isPartOf: unit" in info and "WARC File Format 1.1" in info
    _, rh, http, payload, _ = recs[1]
    assert rh.protocol == "WARC/1.1"
    assert rh.get_header("WARC-Target-URI") == "http://example.com/a?x=1"
    assert rh.get_header("WARC-IP-Address") == "127.0.0.1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", rh.get_header("WARC-Date"))
    assert rh.get_header("WARC-Payload-Digest") == sha1_b32(BODY)
    assert rh.get_header("WARC-Block-Digest")
    assert http.get_statuscode() == "200"
    assert payload == BODY
    req_headers = recs[2][1]
    assert req_headers.get_header("WARC-Concurrent-To") == rh.get_header("WARC-Record-ID")
    assert pointer.record_id == rh.get_header("WARC-Record-ID")
    result = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", str(pointer.path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest pass" in result.stdout and "fail" not in result.stdout


def test_pointer_seeks_to_response_record(tmp_path: Path) -> None:
    writer, pointer = write_one(tmp_path)
    writer.close()
    with open(pointer.path, "rb") as f:
        f.seek(pointer.offset)
        chunk = f.read(pointer.length)
    record = next(iter(ArchiveIterator(__import__("io").BytesIO(chunk))))
    assert record.rec_type == "response"
    assert record.rec_headers.get_header("WARC-Record-ID") == pointer.record_id
    # each record is its own gzip member
    assert gzip.decompress(chunk).startswith(b"WARC/1.1\r\n")


def test_secrets_are_redacted_in_request_record(tmp_path: Path) -> None:
    writer, pointer = write_one(tmp_path)
    writer.close()
    request = records(pointer.path)[2][2]
    assert request.get_header("Cookie") == "[redacted]"
    assert request.get_header("Authorization") == "[redacted]"
    assert request.get_header("User-Agent") == "crawler-test"
    assert request.get_header("Host") == "example.com"
    assert f"{request.protocol} {request.statusline}" == "GET /a?x=1 HTTP/1.1"


def test_dechunked_body_has_consistent_headers(tmp_path: Path) -> None:
    headers = [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")]
    writer, pointer = write_one(tmp_path, headers=headers)
    writer.close()
    http = records(pointer.path)[1][2]
    assert http.get_header("Transfer-Encoding") is None
    assert http.get_header("X-Crawler-Orig-Transfer-Encoding") == "chunked"
    assert http.get_header("Content-Length") == str(len(BODY))


def test_short_body_keeps_declared_length_aside(tmp_path: Path) -> None:
    headers = [("Content-Type", "text/html"), ("Content-Length", "99999")]
    writer, pointer = write_one(tmp_path, headers=headers, body=b"<html>cut")
    writer.close()
    http = records(pointer.path)[1][2]
    assert http.get_header("Content-Length") == "9"
    assert http.get_header("X-Crawler-Orig-Content-Length") == "99999"


def test_rolls_over_at_max_size(tmp_path: Path) -> None:
    writer = RollingWarcWriter(tmp_path, prefix="roll", max_size=3000)
    req = HttpRequestData(method="GET", url="http://example.com/")
    for _ in range(6):
        writer.write_exchange(req, HttpResponseData(status=200, body=os.urandom(2048)))
    writer.close()
    files = sorted(tmp_path.iterdir())
    assert len(files) >= 3
    assert not [f for f in files if f.name.endswith(".open")]
    for f in files:
        assert records(f)[0][0] == "warcinfo"
    assert sum(len(records(f)) - 1 for f in files) == 12


def test_revisit_records(tmp_path: Path) -> None:
    from scrapy import Request
    from scrapy.http import HtmlResponse

    from crawler.extensions.warccapture import WarcCapture
    from crawler.warc import PROFILE_IDENTICAL, PROFILE_NOT_MODIFIED, RefersTo, payload_digest

    writer = RollingWarcWriter(tmp_path, prefix="rv")
    req = HttpRequestData(method="GET", url="http://example.com/a")
    first = writer.write_exchange(req, HttpResponseData(status=200, body=BODY))
    refers = RefersTo(record_id=first.record_id, uri="http://example.com/a", date=first.date,
                      payload_digest=payload_digest(BODY))
    writer.write_exchange(req, HttpResponseData(status=304, headers=[("ETag", '"x"')]),
                          revisit_of=refers, profile=PROFILE_NOT_MODIFIED)
    writer.write_exchange(req, HttpResponseData(status=200, body=BODY),
                          revisit_of=refers, profile=PROFILE_IDENTICAL)
    writer.close()
    recs = records(first.path)
    revisits = [r for r in recs if r[0] == "revisit"]
    assert [r[1].get_header("WARC-Profile") for r in revisits] == [PROFILE_NOT_MODIFIED,
                                                                   PROFILE_IDENTICAL]
    for _, headers, _http, payload, _ in revisits:
        assert headers.get_header("WARC-Refers-To") == first.record_id
        assert headers.get_header("WARC-Refers-To-Date") == first.date
        assert headers.get_header("WARC-Payload-Digest") == payload_digest(BODY)
        assert payload == b""
    assert revisits[0][2].get_statuscode() == "304"
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(first.path)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout

    prev = {"record_id": first.record_id, "uri": "http://example.com/a", "date": first.date,
            "payload_digest": payload_digest(BODY)}
    request = Request("http://example.com/a", meta={"crawler_prev": prev})
    same = HtmlResponse("http://example.com/a", body=BODY, request=request)
    other = HtmlResponse("http://example.com/a", body=BODY + b"!", request=request)
    assert WarcCapture.revisit_of(request, same, payload_digest(BODY))[2] == "identical_payload"
    assert WarcCapture.revisit_of(request, other, payload_digest(BODY + b"!"))[0] is None
    not_modified = HtmlResponse("http://example.com/a", status=304, body=b"", request=request)
    assert WarcCapture.revisit_of(request, not_modified, payload_digest(b""))[2] == "not_modified"
    assert WarcCapture.revisit_of(Request("http://example.com/a"), same, "x")[0] is None


def test_gzip_level_is_per_record_member_and_readable(tmp_path: Path) -> None:
    sizes = {}
    for level in (1, 3, 6, 9):  # ISA-L's levels, then zlib-ng's
        directory = tmp_path / str(level)
        writer = RollingWarcWriter(directory, prefix="t", gzip_level=level)
        for i in range(3):
            writer.write_exchange(
                HttpRequestData(method="GET", url=f"http://example.com/{i}", headers=[]),
                HttpResponseData(status=200, headers=[("Content-Type", "text/html")],
                                 body=BODY * 10))
        writer.close()
        (path,) = directory.glob("*.warc.gz")
        got = records(path)
        assert [r[0] for r in got] == ["warcinfo"] + ["response", "request"] * 3
        assert all(r[3] == BODY * 10 for r in got if r[0] == "response")
        # one gzip member per record: each decompresses on its own
        raw = path.read_bytes()
        assert raw.count(b"\x1f\x8b\x08") >= 7
        sizes[level] = len(raw)
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    assert sizes[9] < sizes[1]
    try:
        RollingWarcWriter(tmp_path, gzip_level=10)
    except ValueError as exc:
        assert "0-9" in str(exc)
    else:
        raise AssertionError("level 10 accepted")


def test_fast_levels_use_isal() -> None:
    from isal import isal_zlib
    from zlib_ng import zlib_ng

    from crawler.warc.writer import compressor

    assert all(type(compressor(level)) is type(isal_zlib.compressobj()) for level in (1, 2, 3))
    assert all(type(compressor(level)) is type(zlib_ng.compressobj()) for level in (0, 4, 6, 9))
