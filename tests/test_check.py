"""``crawler check`` on a good crawl, a truncated WARC and wrong pointers; on
archives other tools wrote (``tests/data/foreign/``): WARC, ARC and WACZ files,
the two payload digest conventions of chunked records, pointers into a WACZ and
to revisits; and ``crawler index``."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.warc.index import write_cdxj
from tests.conftest import DATA, run_cli, run_crawler


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


# Archives other tools wrote (tests/data/foreign/, MANIFEST.md): what check says of each.

FOREIGN = DATA / "foreign"
NEGATIVE_OFFSET = re.compile(r"offset -\d")


def check(*paths: Path | str):
    result = run_cli("check", *map(str, paths))
    output = result.stdout + result.stderr
    assert "Traceback" not in output and not NEGATIVE_OFFSET.search(output), output
    return result


@pytest.mark.parametrize(("name", "says"), [
    # one CRLF after the last record, as node-warc writes: a note, not a problem
    ("nodewarc/books.toscrape.warc",
     "books.toscrape.warc: note: the last record is followed by one CRLF, not two (tolerated)"),
    ("warcio/example.warc", None),
    ("warcio/example-iana.org-chunked.warc",  # warcprox 1.4 digests the chunked bytes
     "payload digests of chunked records: 0 over the de-chunked payload, 1 over the chunked "
     "bytes (warcio)"),
    ("warcio/example.arc", "checked 0 WARC files, 1 ARC files (2 records)"),
    ("jwat/valid-warcfile-fields-continuation.warc", None),  # folded digest fields
    ("jwat/valid-warcfile-upper-lower-case.warc", None),  # 2008-04-30t20:48:25z
    ("jwat/valid-warcfile-duplicate-concurrentto.warc", None),
    # jwat warns of a Content-Type the spec only recommends: no problem here
    ("jwat/invalid-warcfile-contenttype-warcinfo-recommended.warc", None),
])
def test_valid_foreign_files_pass(name: str, says: str | None) -> None:
    result = check(FOREIGN / name)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[-1].endswith(" 0 problem(s)")
    if says:
        assert any(says in line for line in lines), lines
    else:
        assert len(lines) == 1, lines


@pytest.mark.parametrize(("name", "line"), [
    ("warcio/example-bad-non-chunked.warc.gz",
     ": gzipped as one stream, not one gzip member per record (replay tools cannot seek to "
     "its records): recompress it with: warcio recompress IN OUT"),
    ("warcio/bad.arc", ": offset 0: ARC record length '-1' is not a number of bytes"),
    ("jwat/invalid-warcfile-fields-missing.warc",
     ": offset 0: missing or empty mandatory field(s): WARC-Type, WARC-Record-ID, WARC-Date, "
     "Content-Length"),
    ("jwat/invalid-warcfile-lonely-revisit.warc",
     ": offset 0: missing or empty mandatory field(s): WARC-Record-ID, WARC-Date, "
     "Content-Length, WARC-Target-URI, WARC-Profile"),
    ("jwat/invalid-warcfile-duplicate-fields.warc",
     ": offset 0: field(s) given more than once: content-length, content-type, warc-date, "
     "warc-filename, warc-record-id, warc-type"),
    ("jwat/invalid-warcfile-fields-invalidformat.warc",
     ": offset 0: WARC-Date 'blue monday' is not a UTC W3C-ISO8601 date"),
    ("jwat/invalid-warcfile-segment-number-response.warc",
     ": offset 1059: WARC-Segment-Number 2 in a response record (the first segment is 1; "
     "later ones are continuation records)"),
])
def test_broken_foreign_files_are_flagged(name: str, line: str) -> None:
    path = FOREIGN / name
    result = check(path)
    assert result.returncode == 1
    assert f"{path}{line}" in result.stdout.splitlines(), result.stdout


def test_a_file_named_for_nothing_is_read_for_what_it_is(tmp_path: Path) -> None:
    """warcio's and pywb's ``example-bad.warc.gz.bad``: a WARC by its bytes."""
    path = tmp_path / "example.warc.gz.bad"
    shutil.copy(FOREIGN / "warcio/example-bad-non-chunked.warc.gz", path)
    result = check(path)
    assert result.returncode == 1 and "gzipped as one stream" in result.stdout
    (tmp_path / "notes.txt").write_text("not an archive")
    refused = check(tmp_path / "notes.txt")
    assert refused.returncode == 2 and "not a WARC, ARC, WACZ or JSON lines file" in refused.stderr


def chunked_response(url: str, chunks: list[bytes], payload_digest: str | None = None) -> bytes:
    """A WARC response record of a chunked HTTP response (its body as on the
    wire); with ``payload_digest`` as given, else warcio's own."""
    body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"),
                                       ("Transfer-Encoding", "chunked")], protocol="HTTP/1.1")
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    headers = {"WARC-Payload-Digest": payload_digest} if payload_digest else None
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                       length=len(body), http_headers=http,
                                       warc_headers_dict=headers)
    writer.write_record(record)
    return out.getvalue()


def sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_payload_digest_conventions_of_chunked_records(tmp_path: Path) -> None:
    """The WARC spec, warcprox and Heritrix 3 digest the de-chunked payload,
    warcio the chunked bytes: both pass, counted; a digest matching neither fails."""
    chunks = [b"<html><body><p>The harbour wall", b" was rebuilt.</p></body></html>"]
    spec = chunked_response("http://news.example/a", chunks, sha1(b"".join(chunks)))
    warcio_style = chunked_response("http://news.example/b", chunks)
    path = tmp_path / "both.warc.gz"
    path.write_bytes(spec + warcio_style)
    result = check(path)
    assert result.returncode == 0, result.stdout
    assert ("payload digests of chunked records: 1 over the de-chunked payload, 1 over the "
            "chunked bytes (warcio)") in result.stdout.splitlines()
    wrong = tmp_path / "wrong.warc.gz"
    wrong.write_bytes(chunked_response("http://news.example/c", chunks, sha1(b"other")))
    result = check(wrong)
    assert result.returncode == 1
    assert (f"{wrong}: offset 0: payload digest {sha1(b'other')} matches neither the "
            f"de-chunked payload ({sha1(b''.join(chunks))}) nor the chunked bytes (sha1:"
            in result.stdout)


def article_line(template: dict, url: str, pointer: dict) -> str:
    return json.dumps({**template, "url": url, "warc": pointer}) + "\n"


#: warcio's example.warc: a revisit (uri-agnostic, WARC-Refers-To-Target-URI and
#: payload digest) at 3370 of the response at 1197.
REVISIT = {"offset": 3370, "length": 942,
           "record_id": "<urn:uuid:e6e395ca-0221-11e7-a18d-0242ac120005>"}


def test_a_pointer_to_a_revisit_is_valid_when_its_original_is_found(
        demo_job, tmp_path: Path) -> None:
    _, records = demo_job
    data = (FOREIGN / "warcio/example.warc").read_bytes()
    same = tmp_path / "same"
    same.mkdir()
    (same / "example.warc").write_bytes(data)
    jsonl = same / "articles.jsonl"
    jsonl.write_text(article_line(records[0], "http://example.com/",
                                  {"filename": "example.warc", **REVISIT}), "utf-8")
    assert check(jsonl).returncode == 0  # the original in the same file
    # a dedup crawl's second file: the revisit here, its original in the first file
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "a.warc").write_bytes(data[:3370])
    (second / "b.warc").write_bytes(data[3370:])
    jsonl = second / "articles.jsonl"
    jsonl.write_text(article_line(records[0], "http://example.com/",
                                  {**REVISIT, "filename": "b.warc", "offset": 0}), "utf-8")
    alone = check(jsonl)
    assert alone.returncode == 1
    assert (f"{jsonl}:1: warc pointer: revisit of http://example.com/: original "
            "http://example.com/ sha1:G7HRM7BGOKSKMSXZAHMUQTTV53QOFSMK not found") in alone.stdout
    assert check(jsonl, first / "a.warc").returncode == 0  # the file given
    (first / "a.warc").rename(second / "a.warc")
    assert check(jsonl).returncode == 0  # the file beside it


def make_wacz(warcs: list[Path], path: Path) -> Path:
    """A WACZ as py-wacz writes one: WARC files stored, a CDXJ index, a pages
    list and a datapackage.json with each file's size and sha256."""
    index = path.with_name("index.cdxj")
    write_cdxj(warcs, index, root=warcs[0].parent)
    files = {f"archive/{w.name}": w.read_bytes() for w in warcs}
    files["indexes/index.cdxj"] = index.read_bytes()
    files["pages/pages.jsonl"] = (b'{"format": "json-pages-1.0", "id": "pages"}\n'
                                  b'{"url": "https://news.example/", "ts": "2026-01-01"}\n')
    package = {"profile": "data-package", "wacz_version": "1.1.1", "resources": [
        {"name": name.rsplit("/", 1)[1], "path": name, "bytes": len(data),
         "hash": "sha256:" + hashlib.sha256(data).hexdigest()} for name, data in files.items()]}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        for name, data in files.items():
            z.writestr(name, data)
        z.writestr("datapackage.json", json.dumps(package))
    return path


def test_replay_of_a_wacz_checks_and_the_wacz_too(job: Path, tmp_path: Path) -> None:
    wacz = make_wacz(sorted((job / "warc").glob("*.warc.gz")), tmp_path / "crawl.wacz")
    result = check(wacz)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("checked 1 WARC files, 1 WACZ files (")
    out = tmp_path / "replayed.jsonl"
    replay = run_crawler("replay", "-q", "-o", str(out), str(wacz))
    assert replay.returncode == 0, replay.stderr
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(records) == 24
    assert all(r["warc"]["filename"].startswith("crawl.wacz#archive/") for r in records)
    result = check(out)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].endswith("and 24 JSON lines: 0 problem(s)")


def test_a_wacz_is_checked_inside(job: Path, tmp_path: Path) -> None:
    warc = sorted((job / "warc").glob("*.warc.gz"))[0]
    cut = tmp_path / "warcs" / warc.name
    cut.parent.mkdir()
    data = warc.read_bytes()
    cut.write_bytes(data[: len(data) - 100])  # the last record cut short
    wacz = make_wacz([cut], tmp_path / "cut.wacz")
    with zipfile.ZipFile(wacz, "a") as z:
        z.writestr("archive/extra.warc", b"")  # unlisted and empty
    result = check(wacz)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"{wacz}#archive/{warc.name}: truncated: the gzip member at offset" in result.stdout
    assert f"{wacz}#archive/extra.warc: no WARC or ARC record in it (empty file)" in lines
    broken = tmp_path / "broken.wacz"
    with zipfile.ZipFile(wacz) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "pages/pages.jsonl":
                data += b"{not json\n"
            if info.filename.startswith("archive/") and data:
                data = data[:-1] + b"x"
            dst.writestr(info, data)
    lines = check(broken).stdout.splitlines()
    assert f"{broken}: archive/{warc.name} does not match its hash in datapackage.json" in lines
    assert f"{broken}: pages/pages.jsonl:3: not JSON" in lines


def test_a_folder_names_its_arc_and_wacz_files(job: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    make_wacz(sorted((job / "warc").glob("*.warc.gz")), folder / "crawl.wacz")
    (folder / "index.cdxj").unlink()
    shutil.copy(FOREIGN / "warcio/example.arc", folder)
    shutil.copy(FOREIGN / "warcio/example.warc", folder)
    result = check(folder)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("checked 2 WARC files, 1 ARC files, 1 WACZ files (")
