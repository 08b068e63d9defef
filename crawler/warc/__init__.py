"""WARC writing, pure (no Scrapy): warcio does every record."""

from __future__ import annotations

from crawler.warc.capture import (
    PROFILE_IDENTICAL,
    PROFILE_NOT_MODIFIED,
    HttpRequestData,
    HttpResponseData,
    RefersTo,
    payload_digest,
)
from crawler.warc.writer import RecordPointer, RollingWarcWriter, warc_filename

__all__ = [
    "PROFILE_IDENTICAL",
    "PROFILE_NOT_MODIFIED",
    "HttpRequestData",
    "HttpResponseData",
    "RecordPointer",
    "RefersTo",
    "RollingWarcWriter",
    "payload_digest",
    "warc_filename",
]
