"""``crawler wacz``: a demo crawl packaged as WACZ, checked with py-wacz's own
validator and read back by pywb (both from the tools venv)."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

from crawler.commands.wacz import wacz_pages
from crawler.replay import sidecar
from crawler.replay.wacz import page_entries, pages_jsonl
from tests.conftest import run_cli, run_crawler


@pytest.fixture(scope="module")
def wacz_file(tools_venv, demo_job, tmp_path_factory) -> Path:
    job, _ = demo_job
    out = tmp_path_factory.mktemp("wacz") / "demo.wacz"
    result = run_crawler("wacz", str(job), "-o", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Wrote {out}: 1 WARC file, " in result.stdout
    assert "warning" not in result.stderr
    return out


def responses(job: Path) -> set[tuple[str, str]]:
    found = set()
    for path in (job / "warc").glob("*.warc.gz"):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response":
                    found.add((iso_date_to_timestamp(rec.rec_headers.get_header("WARC-Date")),
                               rec.rec_headers.get_header("WARC-Target-URI")))
    return found


def test_wacz_validates(wacz_file, tools_venv) -> None:
    result = subprocess.run([str(sidecar.tool_path("wacz")), "validate", "-f", str(wacz_file)],
                            check=False, capture_output=True, text=True,
                            env=sidecar.tool_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation succeeded" in result.stdout


def test_wacz_holds_the_warcs_and_an_index(wacz_file, demo_job) -> None:
    job, _ = demo_job
    with zipfile.ZipFile(wacz_file) as zf:
        names = set(zf.namelist())
        for warc in (job / "warc").glob("*.warc.gz"):
            member = f"archive/{warc.name}"
            assert member in names
            assert zf.getinfo(member).compress_type == zipfile.ZIP_STORED
            assert zf.read(member) == warc.read_bytes()
        assert {"indexes/index.cdx.gz", "indexes/index.idx", "pages/pages.jsonl",
                "datapackage.json", "datapackage-digest.json"} <= names
        package = json.loads(zf.read("datapackage.json"))
    assert package["title"] == "demo"


def test_pages_list_has_every_article(wacz_file, demo_job) -> None:
    _, records = demo_job
    with zipfile.ZipFile(wacz_file) as zf:
        header = json.loads(zf.read("pages/pages.jsonl").decode().splitlines()[0])
    assert header["format"] == "json-pages-1.0"
    pages = {p["url"]: p for p in wacz_pages(wacz_file)}
    assert len(pages) == len(records)
    for record in records:
        page = pages[record["url"]]
        assert page["title"] == record["title"]
        assert page["ts"] == record["fetched_at"][:19] + "Z"
        assert page["id"]
        assert "text" not in page


def test_pywb_reads_the_wacz_index(wacz_file, demo_job, tools_venv, tmp_path) -> None:
    """pywb's own WACZ import (``wb-manager add --unpack-wacz``) finds every
    capture in the index py-wacz wrote."""
    job, _ = demo_job
    manager = str(sidecar.tool_path("wb-manager"))
    env = sidecar.tool_env()
    for cmd in (["init", "w"], ["add", "--unpack-wacz", "w", str(wacz_file)]):
        result = subprocess.run([manager, *cmd], check=False, cwd=tmp_path, env=env,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    lines = (tmp_path / "collections" / "w" / "indexes" / "index.cdxj").read_text().splitlines()
    indexed = set()
    for line in lines:
        _, ts, data = line.split(" ", 2)
        indexed.add((ts, json.loads(data)["url"]))
    assert indexed == responses(job)


def test_wacz_with_text_and_from_the_warc_folder(tools_venv, demo_job, tmp_path) -> None:
    job, records = demo_job
    out = tmp_path / "text.wacz"
    result = run_crawler("wacz", "--text", str(job / "warc"), "-o", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    pages = {p["url"]: p for p in wacz_pages(out)}
    assert {url: p["text"] for url, p in pages.items()} == \
        {r["url"]: r["text"] for r in records}


def test_wacz_usage_errors(tmp_path) -> None:
    result = run_cli("wacz", str(tmp_path))
    assert result.returncode == 2 and "-o FILE.wacz" in result.stderr
    result = run_cli("wacz", str(tmp_path), "-o", str(tmp_path / "x.wacz"))
    assert result.returncode == 2 and "no WARC files" in result.stderr
    (tmp_path / "articles-1.jsonl").write_text("{}\n")
    result = run_cli("wacz", str(tmp_path / "articles-1.jsonl"),
                         "-o", str(tmp_path / "x.wacz"))
    assert result.returncode == 2 and "not a WARC file" in result.stderr


def test_page_entries() -> None:
    lines = [
        json.dumps({"url": "https://a.example/1", "title": "One", "text": "Body",
                    "fetched_at": "2026-11-26T15:54:06.838Z", "reason": None}),
        "",
        json.dumps({"url": "https://a.example/2", "title": None, "fetched_at": None}),
        json.dumps({"url": "https://a.example/3", "title": "x", "reason": "too_short",
                    "text": None}),
        json.dumps({"url": "https://a.example/1", "title": "Again"}),
    ]
    assert page_entries(lines) == [
        {"url": "https://a.example/1", "title": "One", "ts": "2026-11-26T15:54:06.838Z"},
        {"url": "https://a.example/2", "title": "https://a.example/2"},
    ]
    assert page_entries(lines, text=True)[0]["text"] == "Body"
    with pytest.raises(ValueError, match="line 2"):
        page_entries(['{"url": "u"}', "{not json"])
    text = pages_jsonl(page_entries(lines[:1]), title="Artikel")
    header, page = map(json.loads, text.splitlines())
    assert header == {"format": "json-pages-1.0", "id": "pages", "title": "Artikel"}
    assert page["url"] == "https://a.example/1"
