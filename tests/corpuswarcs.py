"""WARC files of real article pages for the replay tests: the ad corpus
(``tests/data/adcorpus``: 18 pages of 18 sites in 7 languages, 12 pages of one
site sharing a template) and ``tests/data/pages``, written with warcio as a
crawler writes them (gzip per record, a ``response`` record per page)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

DATA = Path(__file__).resolve().parent / "data"
ADCORPUS = DATA / "adcorpus"
#: The capture time of every record: after every date the pages declare but
#: ``article_future_date.html``'s.
CAPTURED = "2026-12-01T10:00:00Z"


@dataclass(frozen=True)
class Capture:
    url: str
    body: bytes
    lang: str | None = None


def single_pages() -> list[Capture]:
    """The 18 pages of 18 sites, in the manifest's order."""
    manifest = json.loads((ADCORPUS / "manifest.json").read_text("utf-8"))
    return [Capture(p["url"], (ADCORPUS / p["file"]).read_bytes(), p["lang"])
            for p in manifest["pages"]]


def site_pages() -> list[Capture]:
    """The 12 pages of ``www.obfuscated-daily.example``, in publication order."""
    manifest = json.loads((ADCORPUS / "manifest.json").read_text("utf-8"))
    return [Capture(p["url"], (ADCORPUS / p["file"]).read_bytes(), p["lang"])
            for p in manifest["site"]["pages"]]


def data_pages() -> list[Capture]:
    """``tests/data/pages``, at URLs of a site of their own."""
    return [Capture(f"https://pages.example/{p.stem}", p.read_bytes())
            for p in sorted((DATA / "pages").glob("*.html"))]


def copies(pages: list[Capture], tag: str) -> list[Capture]:
    """``pages`` again, each on a host of its own (``www.`` becomes ``<tag>-<n>.``):
    distinct articles to the replay (their canonical URLs are on other sites)."""
    return [Capture(p.url.replace("://www.", f"://{tag}-{n}.", 1), p.body, p.lang)
            for n, p in enumerate(pages)]


def response_record(writer: WARCWriter, url: str, body: bytes,
                    headers: list[tuple[str, str]] | None = None, *, date: str | None = None,
                    status: str = "200 OK", extra: dict[str, str] | None = None) -> Any:
    """A ``response`` record of ``body`` (HTML unless ``headers`` say otherwise),
    captured at ``date`` (warcio's now if None), with ``extra`` WARC headers."""
    http = StatusAndHeaders(status, headers if headers is not None else
                            [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    warc_headers = {**({"WARC-Date": date} if date else {}), **(extra or {})}
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                     length=len(body), http_headers=http,
                                     warc_headers_dict=warc_headers or None)


def write_warc(path: Path, captures: list[Capture], date: str = CAPTURED) -> Path:
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True, warc_version="1.1")
        for c in captures:
            writer.write_record(response_record(writer, c.url, c.body, date=date))
    return path


def three_warcs(folder: Path, copies_per_archive: int = 2) -> list[Path]:
    """Three WARC files: the site's pages split over the first two (its articles
    are held for its template across the first file's end), the single pages
    spread over all three, a page captured again in the second and a site page
    in the third (duplicates), and ``copies_per_archive`` copies of the single
    pages in each (more pages to kill a replay in the middle of)."""
    site, single = site_pages(), single_pages()

    def filler(archive: int) -> list[Capture]:
        return [c for n in range(copies_per_archive) for c in copies(single, f"c{archive}{n}")]

    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_warc(folder / "a.warc.gz", [*site[:6], *single[:9], *filler(1)]),
        write_warc(folder / "b.warc.gz", [*site[6:], *single[9:], single[0], *filler(2)]),
        write_warc(folder / "c.warc.gz", [site[2], *data_pages(), *filler(3)]),
    ]
