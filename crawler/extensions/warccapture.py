"""WARC capture of every raw response (``response_downloaded``), redirects and
error pages included, before any downloader middleware touches it. A
response cut short by the server is kept as received, marked
``WARC-Truncated: disconnect`` (stat ``warc/truncated``); one that times out,
or grows past ``DOWNLOAD_MAXSIZE`` on the wire, is dropped by Scrapy's
download handler before this extension sees it.

The response record's location is stored in ``request.meta["warc"]`` so the
spider can hand it on with the page; a redirect's next hop overwrites it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from importlib.metadata import version
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import __version__
from crawler.jobfolder import WARC_DIR
from crawler.jobs import job_dir
from crawler.warc import (
    PROFILE_IDENTICAL,
    PROFILE_NOT_MODIFIED,
    HttpRequestData,
    HttpResponseData,
    RefersTo,
    RollingWarcWriter,
    payload_digest,
)
from crawler.warc.index import INDEX_NAME, warcs_in, write_cdxj
from crawler.warc.liveindex import LiveIndex
from crawler.writefailure import report_write_error, write_failed

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.http.headers import Headers
    from warcio.recordloader import ArcWarcRecord

logger = logging.getLogger(__name__)

#: Settings recorded in each file's warcinfo record.
RECORDED_SETTINGS = (
    "CRAWLER_JOB", "USER_AGENT", "ROBOTSTXT_OBEY", "DEPTH_LIMIT",
    "CRAWLER_MAX_PAGES_PER_SITE", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED", "CLOSESPIDER_PAGECOUNT",
)


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        key = name.decode("latin-1")
        for value in values:
            pairs.append((key, value.decode("latin-1")))
    return pairs


def fetched_at(response: Response) -> datetime:
    return response.meta.get("fetched_at") or datetime.now(UTC)


class WarcCapture:
    root: Path  # the job folder, set by from_crawler

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.writer: RollingWarcWriter | None = None
        self.index: LiveIndex | None = None  # None: no index, or rebuilt from the WARCs
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCapture:
        if not crawler.settings.getbool("CRAWLER_WARC_ENABLED"):
            raise NotConfigured("CRAWLER_WARC_ENABLED is off")
        ext = cls(crawler)
        ext.root = job_dir(crawler.settings)
        if crawler.settings.getbool("CRAWLER_CDXJ_ENABLED"):
            ext.index = LiveIndex(ext.root / WARC_DIR)
        ext.writer = ext.build_writer()
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        return ext

    def build_writer(self) -> RollingWarcWriter:
        """The writer opens no file until the first response arrives."""
        s = self.crawler.settings
        info: dict[str, object] = {
            "software": f"crawler/{__version__} (Scrapy {version('scrapy')}; "
                        f"warcio {version('warcio')}; trafilatura {version('trafilatura')})",
            "isPartOf": s.get("CRAWLER_JOB"),
            "robots": "obey" if s.getbool("ROBOTSTXT_OBEY") else "ignore",
            "http-header-user-agent": s.get("USER_AGENT"),
        }
        info.update({f"crawler-setting-{k}": s.get(k) for k in RECORDED_SETTINGS
                     if s.get(k) is not None})
        return RollingWarcWriter(
            self.root / WARC_DIR,
            prefix=s.get("CRAWLER_WARC_PREFIX"),
            max_size=s.getint("CRAWLER_WARC_MAX_SIZE"),
            info=info,
            redact_headers=(() if s.getbool("CRAWLER_WARC_SECRETS_ENABLED")
                            else s.getlist("CRAWLER_WARC_REDACT_HEADERS")),
            gzip_level=s.getint("CRAWLER_WARC_GZIP_LEVEL"),
            on_write=self.index_records if self.index is not None else None,
        )

    def index_records(self, filename: str, records: Sequence[ArcWarcRecord],
                      spans: Sequence[tuple[int, int]]) -> None:
        """Index lines made as records are written; if they cannot be kept,
        the index is rebuilt from the WARCs when the crawl closes."""
        if self.index is None:
            return
        try:
            self.index.add(filename, records, spans)
        except OSError as exc:
            logger.warning("Cannot keep the CDXJ index lines (%s); the index will be "
                           "rebuilt from the WARC files at the end", exc)
            self.index.discard()
            self.index = None

    def response_downloaded(self, response: Response, request: Request) -> None:
        if self.writer is None or self.failed or write_failed(self.crawler):
            return
        when = datetime.now(UTC)
        request.meta["fetched_at"] = when
        req = HttpRequestData(
            method=request.method, url=request.url,
            headers=header_pairs(request.headers), body=request.body or b"",
        )
        digest = payload_digest(response.body)  # once: for the revisit test and the record
        extra = {"url": response.url, "WARC-Payload-Digest": digest}
        if "dataloss" in response.flags:  # the server closed the connection early
            extra["WARC-Truncated"] = "disconnect"
            self.stats.inc_value("warc/truncated")
        resp = HttpResponseData(
            status=response.status,
            headers=header_pairs(response.headers),
            body=response.body,
            protocol=(response.protocol or "HTTP/1.1").upper(),
            ip_address=str(response.ip_address) if response.ip_address else None,
            extra=extra,
        )
        refers, profile, unchanged = self.revisit_of(request, response, digest)
        try:
            pointer = self.writer.write_exchange(req, resp, when, revisit_of=refers,
                                                 profile=profile)
        except OSError as exc:
            # Disk full or unwritable: the writer has undone the half-written exchange;
            # stop writing and end the crawl (crawler/writefailure.py).
            self.stats.inc_value("warc/errors")
            self.failed = True
            report_write_error(self.crawler, self.writer.current_path or self.writer.directory,
                               exc)
            return
        self.stats.inc_value("warc/records_written", 2)
        self.stats.inc_value("warc/bytes_written", pointer.length)
        if unchanged:
            self.stats.inc_value(f"warc/revisits/{unchanged}")
        request.meta["warc"] = {
            "filename": str(pointer.path.relative_to(self.root)),
            "offset": pointer.offset,
            "length": pointer.length,
            "record_id": pointer.record_id,
        }
        request.meta["crawler_unchanged"] = unchanged
        etag, modified = response.headers.get(b"ETag"), response.headers.get(b"Last-Modified")
        request.meta["crawler_capture"] = None if unchanged else {
            "etag": etag.decode("latin-1") if etag else None,
            "last_modified": modified.decode("latin-1") if modified else None,
            "payload_digest": digest, "record_id": pointer.record_id,
            "uri": response.url, "date": pointer.date,
        }

    @staticmethod
    def revisit_of(request: Request, response: Response, digest: str
                   ) -> tuple[RefersTo | None, str | None, str | None]:
        """A revisit instead of a full response when the job state says the
        payload is already archived: a 304 answer to our conditional request,
        or a 200 with the payload digest of the last capture."""
        prev = request.meta.get("crawler_prev")
        if not prev or not prev.get("record_id") or not prev.get("payload_digest"):
            return None, None, None
        refers = RefersTo(record_id=prev["record_id"], uri=prev["uri"], date=prev["date"],
                          payload_digest=prev["payload_digest"])
        if response.status == 304:
            return refers, PROFILE_NOT_MODIFIED, "not_modified"
        if response.status == 200 and digest == prev["payload_digest"]:
            return refers, PROFILE_IDENTICAL, "identical_payload"
        return None, None, None

    def spider_closed(self) -> None:
        if self.writer is None:
            return
        try:
            self.writer.close()
        except OSError as exc:  # left .open: the next crawl or crawler check --repair closes it
            self.stats.inc_value("warc/errors")
            report_write_error(self.crawler, self.writer.current_path or self.writer.directory,
                               exc)
        self.stats.set_value("warc/files", [str(p) for p in self.writer.closed_files])
        directory = self.writer.directory
        if self.writer.closed_files and write_failed(self.crawler):
            logger.info("No CDXJ index after the write error ('crawler index' makes it)")
        elif self.writer.closed_files and self.crawler.settings.getbool("CRAWLER_CDXJ_ENABLED"):
            try:
                if self.index is not None:
                    index = self.index.merge(self.writer.closed_files)
                else:
                    index = write_cdxj(warcs_in(directory), directory / INDEX_NAME)
            except OSError as exc:
                self.stats.inc_value("warc/index_errors")
                report_write_error(self.crawler, directory / INDEX_NAME, exc)
            except Exception:  # an index can be rebuilt with `crawler index`; never fail the crawl
                logger.error("Cannot write the CDXJ index of %s", directory, exc_info=True)
                self.stats.inc_value("warc/index_errors")
            else:
                self.stats.set_value("warc/index", str(index))
        if self.index is not None:
            self.index.discard()  # lines not merged (no file closed, a write error)
