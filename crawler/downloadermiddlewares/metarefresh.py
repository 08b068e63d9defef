"""Scrapy's meta refresh redirects, without decoding every page whole.

Scrapy's ``MetaRefreshMiddleware`` reads the first 4,096 characters of an
HTML response through ``response.text``, which decodes the whole body (a
quarter of a millisecond for a 190 KB article, on every page, while the
crawler itself never needs the text: links are found in the bytes). A meta
refresh needs the word "refresh" in those characters; in an ASCII-compatible
encoding it is then in the body's first 16,384 bytes (at most 4 bytes a
character) as those bytes, in some case. A page without them is passed on
untouched; any other page, and any page that may be UTF-16 or UTF-32 (a byte
order mark or NUL bytes near the start), goes to Scrapy's own check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

#: 4,096 characters (what Scrapy looks at) of up to 4 bytes each
HEAD_BYTES = 4 * 4096
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 LE/BE; UTF-32 LE starts with the first


def may_refresh(body: bytes) -> bool:
    """Whether ``body``'s first 4,096 characters may hold a meta refresh."""
    if body.startswith(_WIDE_BOMS) or b"\x00" in body[:512]:
        return True  # UTF-16/32: its letters are not these bytes
    return b"refresh" in body[:HEAD_BYTES].lower()


class LeanMetaRefreshMiddleware(MetaRefreshMiddleware):
    # Scrapy's own signature keeps a deprecated ``spider`` argument (passing it
    # warns); its middleware manager calls without it, as Scrapy's docs now do.
    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if isinstance(response, HtmlResponse) and not may_refresh(response.body):
            return response
        return super().process_response(request, response)
