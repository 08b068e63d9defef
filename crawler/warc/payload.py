"""The body of an archived HTTP response, decoded as the crawl's HTTP client
decoded it: the ``Content-Encoding`` undone by Scrapy's own decoders (gzip,
deflate, br, zstd), with the crawl's size bound (``DOWNLOAD_MAXSIZE``).

warcio's ``record.content_stream()`` is not used for the content coding: it
cannot decode ``br`` with brotli 1.2 (its decompressor rejects an attribute
warcio sets), knows no ``zstd`` and has no size bound, so a small record could
expand to gigabytes. A body that cannot be decoded raises :class:`PayloadError`;
the crawl could not decode it either (Scrapy drops such a response).

One exception, as in warcio and pywb: a body stored already decoded while its
header still declares the coding. Common Crawl's CC-NEWS WARCs before May 2019
(commoncrawl/news-crawl#30) and older Webrecorder captures are written so.
When the declared coding fails and the body plainly is not coded (no gzip or
zstd magic bytes where the coding has them, and text bytes only at its start),
the body is taken as stored and :attr:`Decoded.stored_decoded` names the coding
that was declared but not applied, so the caller can count it. A body that
starts like coded data (a corrupt or cut gzip, a gzip bomb over the size bound)
still raises.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from crawler.compat import decode_content, split_encodings
from crawler.settings import DOWNLOAD_MAXSIZE

#: The first bytes of the codings that have them (RFC 1952, RFC 8878).
MAGIC = {b"gzip": b"\x1f\x8b", b"x-gzip": b"\x1f\x8b", b"zstd": b"\x28\xb5\x2f\xfd"}
#: Bytes of text: tab, line feed, form feed, carriage return and everything
#: from space up (UTF-8 and the 8-bit charsets included).
_TEXT = bytes([9, 10, 12, 13, *range(32, 256)])
_HEAD = 1024


class PayloadError(ValueError):
    """An HTTP body that cannot be decoded: corrupt compressed data, or more
    than the size bound once decompressed."""


class Decoded(NamedTuple):
    body: bytes
    #: The declared Content-Encoding that was not applied because the body was
    #: stored decoded (``"gzip"``), or None.
    stored_decoded: str | None = None


def plainly_not_coded(body: bytes, encoding: bytes) -> bool:
    """Whether ``body`` cannot be data in ``encoding``: its magic bytes are
    missing (gzip, zstd), and its start is text (any coding: coded data is
    binary from its first bytes on)."""
    magic = MAGIC.get(encoding.lower())
    if magic is not None and body.startswith(magic):
        return False
    head = body[:_HEAD]
    return bool(head) and not head.translate(None, _TEXT)


def _decoded(body: bytes, content_encoding: list[bytes], max_size: int) -> Decoded:
    # the same split and decoders as Scrapy's HttpCompressionMiddleware (crawler.compat)
    to_decode, _ = split_encodings(content_encoding)
    for encoding in to_decode:
        try:
            body = decode_content(body, encoding, max_size)
        except Exception as exc:  # zlib, brotli, zstd, gzip: each its own errors
            if plainly_not_coded(body, encoding):
                return Decoded(body, encoding.decode("latin-1"))
            raise PayloadError(f"cannot decode Content-Encoding {encoding.decode()}: "
                               f"{type(exc).__name__}: {exc}") from exc
    return Decoded(body)


def decode_payload(body: bytes, http_headers: Any,
                   max_size: int = DOWNLOAD_MAXSIZE) -> Decoded:
    """``body`` (chunked framing already removed) with the content coding that
    ``http_headers`` (warcio ``StatusAndHeaders``) declare undone, and whether
    it was found stored decoded."""
    if http_headers is None:
        return Decoded(body)
    encodings = [v.encode("latin-1", "replace") for k, v in http_headers.headers
                 if k.lower() == "content-encoding"]
    return _decoded(body, encodings, max_size) if encodings else Decoded(body)


def decode_body(body: bytes, http_headers: Any, max_size: int = DOWNLOAD_MAXSIZE) -> bytes:
    """The body of :func:`decode_payload`."""
    return decode_payload(body, http_headers, max_size).body
