"""Article extraction, pure (no Scrapy): :func:`extract` is the entry point."""

from __future__ import annotations

from crawler.extraction.core import (
    EXTRACTOR_NAME,
    Extraction,
    ExtractionOptions,
    body_text,
    extract,
    extractor_version,
    is_html,
)
from crawler.extraction.encoding import decode_html

__all__ = [
    "EXTRACTOR_NAME",
    "Extraction",
    "ExtractionOptions",
    "body_text",
    "decode_html",
    "extract",
    "extractor_version",
    "is_html",
]
