"""Two CC-NEWS-style WARC files of the demo site's articles, written with
warcio's WARCWriter the way Common Crawl's news crawler (StormCrawler) writes
them: one warcinfo record, then ``response`` records only, gzip per record.

* ``CC-NEWS-20190312093000-00001.warc.gz``: the style before May 2019
  (commoncrawl/news-crawl#30): the server sent the page gzip-coded, the body is
  stored decompressed, and the HTTP header still says ``Content-Encoding: gzip``
  (with the compressed ``Content-Length``).
* ``CC-NEWS-20261201120000-00001.warc.gz``: the current style, headers true to
  the stored body: a gzip-coded page is stored decompressed with the header
  renamed ``X-Crawler-Content-Encoding`` (and ``X-Crawler-Content-Length``), a
  page sent without coding is stored as served.

Deterministic: record ids and dates come from the URLs, so a re-make gives the
same bytes.  ``python ccnews.py OUT_DIR``
"""

from __future__ import annotations

import gzip
import sys
import uuid
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[4]
SITE = ROOT / "crawler" / "demo" / "site"
BASE = "https://www.harbourgazette.example"
ARTICLES = ["2026/11/harbour-bridge-reopens.html", "2026/11/storm-ingrid-closes-ferry-routes.html",
            "2026/10/dockworkers-end-strike.html", "2026/10/open-source-weather-buoy.html"]


def record_id(*parts: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, ' '.join(parts))}>"


def write(path: Path, date: str, software: str, old_style: bool) -> None:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.0" if old_style else "1.1")
        info_id = record_id(path.name, "warcinfo")
        info = writer.create_warcinfo_record(path.name, {
            "software": software,
            "description": "News crawl for Common Crawl",
            "isPartOf": "CC-NEWS",
            "operator": "Common Crawl Admin (info@commoncrawl.org)",
            "format": "WARC File Format 1.0" if old_style else "WARC File Format 1.1",
            "robots": "checked via crawler-commons",
        })
        info.rec_headers.replace_header("WARC-Record-ID", info_id)
        info.rec_headers.replace_header("WARC-Date", date)
        writer.write_record(info)
        for n, page in enumerate(ARTICLES):
            url = f"{BASE}/{page}"
            body = (SITE / page).read_bytes().replace(b"__BASE_URL__", BASE.encode())
            served_gzip = old_style or n % 2 == 0
            headers = [("Date", f"Thu, 12 Mar 2019 09:30:0{n} GMT" if old_style
                        else f"Tue, 01 Dec 2026 12:00:0{n} GMT"),
                       ("Server", "nginx"), ("Content-Type", "text/html; charset=utf-8")]
            if old_style:  # the header of the gzip-coded response, the body decompressed
                headers += [("Content-Encoding", "gzip"),
                            ("Content-Length", str(len(gzip.compress(body, mtime=0))))]
            elif served_gzip:
                headers += [("X-Crawler-Content-Encoding", "gzip"),
                            ("X-Crawler-Content-Length", str(len(gzip.compress(body, mtime=0)))),
                            ("Content-Length", str(len(body)))]
            else:
                headers += [("Content-Length", str(len(body)))]
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=BytesIO(body),
                                               http_headers=http, warc_headers_dict={
                                                   "WARC-Record-ID": record_id(path.name, url),
                                                   "WARC-Date": date,
                                                   "WARC-IP-Address": "127.0.0.1",
                                                   "WARC-Warcinfo-ID": info_id})
            writer.write_record(record)


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write(out / "CC-NEWS-20190312093000-00001.warc.gz", "2019-03-12T09:30:00Z",
          "StormCrawler 1.13 http://stormcrawler.net/", old_style=True)
    write(out / "CC-NEWS-20261201120000-00001.warc.gz", "2026-12-01T12:00:00Z",
          "StormCrawler 2.10 https://stormcrawler.apache.org/", old_style=False)


if __name__ == "__main__":
    main(sys.argv[1])
