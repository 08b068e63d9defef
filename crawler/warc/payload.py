"""The body of an archived HTTP response, decoded as the crawl's HTTP client
decoded it: the ``Content-Encoding`` undone by Scrapy's own decoders (gzip,
deflate, br, zstd), with the crawl's size bound (``DOWNLOAD_MAXSIZE``).

warcio's ``record.content_stream()`` is not used for the content coding: it
cannot decode ``br`` with brotli 1.2 (its decompressor rejects an attribute
warcio sets), knows no ``zstd`` and has no size bound, so a small record could
expand to gigabytes. A body that cannot be decoded raises :class:`PayloadError`;
the crawl could not decode it either (Scrapy drops such a response).
"""

from __future__ import annotations

from typing import Any

from crawler.compat import decode_content, split_encodings
from crawler.settings import DOWNLOAD_MAXSIZE


class PayloadError(ValueError):
    """An HTTP body that cannot be decoded: corrupt compressed data, or more
    than the size bound once decompressed."""


def _decoded(body: bytes, content_encoding: list[bytes], max_size: int) -> bytes:
    # the same split and decoders as Scrapy's HttpCompressionMiddleware (crawler.compat)
    to_decode, _ = split_encodings(content_encoding)
    for encoding in to_decode:
        try:
            body = decode_content(body, encoding, max_size)
        except Exception as exc:  # zlib, brotli, zstd, gzip: each its own errors
            raise PayloadError(f"cannot decode Content-Encoding {encoding.decode()}: "
                               f"{type(exc).__name__}: {exc}") from exc
    return body


def decode_body(body: bytes, http_headers: Any, max_size: int = DOWNLOAD_MAXSIZE) -> bytes:
    """``body`` (chunked framing already removed) with the content coding that
    ``http_headers`` (warcio ``StatusAndHeaders``) declare undone."""
    if http_headers is None:
        return body
    encodings = [v.encode("latin-1", "replace") for k, v in http_headers.headers
                 if k.lower() == "content-encoding"]
    return _decoded(body, encodings, max_size) if encodings else body
