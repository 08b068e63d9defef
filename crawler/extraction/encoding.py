"""Decode HTML bytes: declared charset first, sniffed when none is declared.

Order (the HTML standard's, as w3lib implements it): byte-order mark, the
``Content-Type`` header's charset, ``<meta charset>`` in the first bytes, then
detection by charset-normalizer, then UTF-8 with replacement characters.
"""

from __future__ import annotations

import charset_normalizer
from w3lib.encoding import html_to_unicode


def _sniff(body: bytes) -> str | None:
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    return best.encoding if best is not None else None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` for an HTML body and its Content-Type header."""
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_sniff)
    return text, encoding
