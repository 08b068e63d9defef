"""WARC writing, pure (no Scrapy): warcio does every record."""

from __future__ import annotations

from crawler.warc.records import HttpRequestData, HttpResponseData
from crawler.warc.writer import RecordPointer, RollingWarcWriter, warc_filename

__all__ = [
    "HttpRequestData",
    "HttpResponseData",
    "RecordPointer",
    "RollingWarcWriter",
    "warc_filename",
]
