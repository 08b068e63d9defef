"""Decode HTML bytes: declared charset first, sniffed when none is declared,
and the bytes' word over a declaration they contradict.

Order (the HTML standard's, as w3lib implements it): byte-order mark, the
``Content-Type`` header's charset, ``<meta charset>`` in the first bytes, then
detection by charset-normalizer, then UTF-8 with replacement characters.

A declaration the bytes contradict is passed over (the page is *mislabelled*):
UTF-8 declared but the bytes are mostly not UTF-8 (a windows-1252 page served
as ``charset=utf-8``), or a legacy charset declared but the bytes are valid
UTF-8 with non-ASCII text (UTF-8 is never valid by accident). The next
declaration that fits is used (header, then meta), else the bytes are sniffed.
:func:`check_charset` tells, cheaply (no sniffing), whether a page is
mislabelled or declares nothing, for stats and logs.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import charset_normalizer
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
)

#: Among equally good guesses of charset-normalizer, the web's usual legacy
#: charset wins (the HTML standard's default for most locales).
PREFERRED_LEGACY = "cp1252"


@dataclass(frozen=True)
class CharsetCheck:
    """How a page's charset was decided. ``encoding`` is None when the bytes
    must be sniffed; ``problem`` is ``"mislabelled"``, ``"undeclared"`` or None."""

    encoding: str | None
    problem: str | None = None
    #: What the page declared, e.g. ``"utf-8 (header), windows-1252 (meta)"``.
    declared: str = ""


def _utf8_state(body: bytes) -> str:
    """``ascii``, ``valid``, ``mostly`` (more valid non-ASCII characters than
    invalid bytes: a UTF-8 page with a stray byte) or ``invalid``."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("utf-8", "replace")
        bad = text.count("\ufffd")
        non_ascii = len(text) - len(text.encode("ascii", "ignore"))
        return "mostly" if non_ascii - bad > bad else "invalid"
    return "ascii" if body.isascii() else "valid"


def _fits(encoding: str, body: bytes, utf8: str) -> bool:
    try:
        if codecs.lookup(encoding).name == "utf-8":
            return utf8 != "invalid"
        if utf8 == "valid":
            return False  # non-ASCII text that is valid UTF-8 is UTF-8
        body.decode(encoding)
    except (UnicodeError, LookupError):  # Python's "undefined" codec refuses everything
        return False
    return True


def check_charset(body: bytes, content_type: str | None = None) -> CharsetCheck:
    """Decide the charset of an HTML body without sniffing (cheap enough for
    every page): a byte-order mark, else the first declaration that fits."""
    bom, _ = read_bom(body)
    if bom is not None:
        return CharsetCheck(bom)
    header = http_content_type_encoding(content_type)
    meta = html_body_declared_encoding(body)
    declared = [(enc, where) for enc, where in ((header, "header"), (meta, "meta")) if enc]
    said = ", ".join(f"{enc} ({where})" for enc, where in declared)
    utf8 = _utf8_state(body)
    for i, (enc, _) in enumerate(declared):
        if _fits(enc, body, utf8):
            return CharsetCheck(enc, "mislabelled" if i else None, said)
    fallback = "utf-8" if utf8 in ("ascii", "valid", "mostly") else None
    return CharsetCheck(fallback, "mislabelled" if declared else "undeclared", said)


def _sniff(body: bytes) -> str | None:
    matches = charset_normalizer.from_bytes(body[:200_000])
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        if (match.chaos <= best.chaos and match.coherence >= best.coherence
                and PREFERRED_LEGACY in match.could_be_from_charset):
            return PREFERRED_LEGACY
    return best.encoding


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` for an HTML body and its Content-Type header."""
    text, encoding, _ = decode_html_checked(body, content_type)
    return text, encoding


def decode_html_checked(body: bytes, content_type: str | None = None
                        ) -> tuple[str, str, CharsetCheck]:
    """:func:`decode_html`, and the :func:`check_charset` it decided by."""
    check = check_charset(body, content_type)
    encoding = check.encoding or _sniff(body) or "utf-8"
    # w3lib still strips a byte-order mark and maps labels as the HTML standard does
    encoding, text = html_to_unicode(f"text/html; charset={encoding}", body)
    return text, encoding, check
