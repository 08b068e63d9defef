"""Charset decisions: declared, mislabelled, undeclared (crawler/extraction/encoding.py)."""

from __future__ import annotations

import pytest

from crawler.extraction.encoding import check_charset, decode_html

TEXT = ("<html><head><title>Café</title></head><body><p>The café on the quay – “Zoë’s” – "
        "charges €4 for a crème brûlée, the harbour master said.</p></body></html>")
CP1252 = TEXT.encode("cp1252")
UTF8 = TEXT.encode("utf-8")


def with_meta(body: bytes, charset: str) -> bytes:
    return body.replace(b"<head>", f'<head><meta charset="{charset}">'.encode())


@pytest.mark.parametrize(("body", "ctype", "encoding", "problem"), [
    (UTF8, "text/html; charset=utf-8", "utf-8", None),
    (CP1252, "text/html; charset=windows-1252", "cp1252", None),
    (with_meta(CP1252, "windows-1252"), "text/html", "cp1252", None),
    # the header lies; the bytes (or the meta) tell the truth
    (CP1252, "text/html; charset=utf-8", None, "mislabelled"),
    (UTF8, "text/html; charset=iso-8859-1", "utf-8", "mislabelled"),
    (with_meta(CP1252, "windows-1252"), "text/html; charset=utf-8", "cp1252", "mislabelled"),
    (with_meta(UTF8, "utf-8"), "text/html; charset=iso-8859-1", "utf-8", "mislabelled"),
    # nothing declared
    (UTF8, "text/html", "utf-8", "undeclared"),
    (CP1252, None, None, "undeclared"),
    # a UTF-8 page with one stray byte is still UTF-8
    (UTF8 + b"\xff", "text/html; charset=utf-8", "utf-8", None),
    # a byte-order mark wins
    (b"\xef\xbb\xbf" + UTF8, "text/html; charset=iso-8859-1", "utf-8", None),
])
def test_check_charset(body: bytes, ctype: str | None, encoding: str | None,
                       problem: str | None) -> None:
    check = check_charset(body, ctype)
    assert (check.encoding, check.problem) == (encoding, problem)


@pytest.mark.parametrize("body", [CP1252, with_meta(CP1252, "windows-1252")])
@pytest.mark.parametrize("ctype", ["text/html; charset=utf-8", "text/html", None])
def test_mislabelled_and_undeclared_pages_decode_right(body: bytes, ctype: str | None) -> None:
    text, _ = decode_html(body, ctype)
    assert "The café on the quay – “Zoë’s” – charges €4 for a crème brûlée" in text


def test_declared_reports_every_declaration() -> None:
    check = check_charset(with_meta(CP1252, "windows-1252"), "text/html; charset=utf-8")
    assert check.declared == "utf-8 (header), cp1252 (meta)"


def test_extraction_reports_the_check_it_decoded_by() -> None:
    """The crawl counts charset problems from what the extraction process found
    (no second check of every page in the crawl process)."""
    from crawler.extraction import extract

    got = extract(CP1252, "https://news.example/a", content_type="text/html; charset=utf-8")
    assert got.charset == check_charset(CP1252, "text/html; charset=utf-8")
    assert got.charset.problem == "mislabelled"
    assert extract(UTF8, "https://news.example/a",
                   content_type="text/html; charset=utf-8").charset.problem is None
    assert extract(TEXT, "https://news.example/a").charset is None  # already text
    assert extract(b"\x89PNG\r\n", "https://news.example/a.png",
                   content_type="image/png").charset is None  # never decoded
