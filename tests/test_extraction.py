from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crawler.extraction import decode_html, extract
from tests.conftest import DATA

PAGES = DATA / "pages"
FETCHED = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
BODY_SNIPPETS = [
    "The harbour authority confirmed on Tuesday that the eastern breakwater will be rebuilt",
    "“We have waited long enough,” said Mária Novák",
    "the €42 million budget – agreed after a long night of talks – was “finally realistic”",
    "had asked for the repairs since 2019.",
]
FURNITURE = ["Advertisement", "Home", "All rights reserved", "By Tomas Reyes", "Finally!",
             "mark my words"]


def load(name: str, content_type: str | None = None, fetched_at: datetime = FETCHED):
    return extract((PAGES / name).read_bytes(), "https://gazette.example/news/breakwater.html",
                   content_type=content_type, fetched_at=fetched_at)


@pytest.mark.parametrize("name", ["article_comments.html", "article_cp1252.html"])
def test_body_kept_furniture_dropped(name: str) -> None:
    result = load(name)
    assert result.is_article, result.reason
    for snippet in BODY_SNIPPETS:
        assert snippet in result.text
    for junk in FURNITURE:
        assert junk not in result.text
    assert result.text.count("\n") == 3  # four paragraphs, one per line


def test_metadata_fields() -> None:
    result = load("article_comments.html")
    assert result.title == "Breakwater to be rebuilt"
    assert result.author == "Tomas Reyes"
    assert result.date == "2026-03-14"
    assert result.sitename == "Harbour Gazette"
    assert result.language == "en"
    assert result.tags == ["Harbour", "Infrastructure"]
    assert result.canonical_url == "https://gazette.example/news/breakwater.html"
    assert not result.text.startswith("Breakwater to be rebuilt")


def test_comments_only_in_comments_field() -> None:
    result = load("article_comments.html")
    assert result.comments is not None
    assert "I have been asking for this since the last storm" in result.comments
    assert "mark my words" in result.comments
    assert "mark my words" not in result.text
    assert load("article_cp1252.html").comments is None


def test_windows_1252_declared_in_meta_and_header() -> None:
    assert "“We have waited long enough,”" in load("article_cp1252.html").text
    with_header = load("article_cp1252.html", content_type="text/html; charset=windows-1252")
    assert "€42 million" in with_header.text


def test_shift_jis_without_any_charset() -> None:
    raw = (PAGES / "article_shift_jis.html").read_bytes()
    assert b"charset" not in raw.lower()
    text, encoding = decode_html(raw, "text/html")
    assert encoding.replace("-", "_").lower() in ("shift_jis", "cp932", "sjis")
    result = extract(raw, "https://gazette.example/ja/1.html", content_type="text/html")
    assert result.is_article
    assert "港湾局は火曜日、東側の防波堤を今後三年の冬にかけて再建すると発表した。" in result.text
    assert result.language == "ja"
    assert result.title == "防波堤の再建が決定"


def test_date_never_after_capture() -> None:
    # the page declares 2031-05-01: no date rather than a guess
    assert load("article_future_date.html").date is None
    # a capture before the declared date cannot have it either
    early = load("article_comments.html", fetched_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert early.date is None or early.date <= "2026-01-01"


@pytest.mark.parametrize(("body", "ctype", "reason"), [
    ((PAGES / "listing.html").read_bytes(), "text/html", "listing_page"),
    (b"%PDF-1.4 binary", "application/pdf", "not_html"),
    (b"", "text/html", "empty"),
    (b"<html><body><p>Short note.</p></body></html>", "text/html", "too_short"),
    (b"<html><body>" + b"<div>" * 3000 + b"deep" + b"</div>" * 3000 + b"</body></html>",
     "text/html", "empty"),
])
def test_not_articles_have_a_reason(body: bytes, ctype: str, reason: str) -> None:
    result = extract(body, "https://gazette.example/x", content_type=ctype)
    assert not result.is_article
    assert result.reason == reason
    assert result.text is None


def test_untyped_page_needs_more_text() -> None:
    paras = [f"<p>Paragraph {i} tells how the harbour works went in week {i}, with details "
             f"on cranes, divers, weather, costs and the people of the quay. It is number {i}.</p>"
             for i in range(12)]
    short = f"<html><body><article>{''.join(paras[:4])}</article></body></html>".encode()
    long = f"<html><body><article>{''.join(paras)}</article></body></html>".encode()
    assert extract(short, "https://g.example/a", content_type="text/html").reason == "too_short_untyped"
    assert extract(long, "https://g.example/a", content_type="text/html").is_article


def test_text_input_is_accepted() -> None:
    html = (PAGES / "article_comments.html").read_text("utf-8")
    assert BODY_SNIPPETS[0] in extract(html, "https://gazette.example/a").text


def test_binary_bytes_served_as_html() -> None:
    from tests.mockhostile import binary_bytes

    result = extract(binary_bytes(), "https://g.example/x.html",
                     content_type="text/html; charset=utf-8")
    assert result.reason == "binary"
    # UTF-16 text has NUL bytes and is not binary
    utf16 = "<html><body><p>Ünïcode text in UTF-16.</p></body></html>".encode("utf-16")
    assert extract(utf16, "https://g.example/y.html", content_type="text/html").reason != "binary"


def test_pages_too_large_to_extract() -> None:
    from crawler.extraction import ExtractionOptions
    from tests.mockhostile import big_inline, big_markup, first_sentence

    # 10 MB, most of it inline data in scripts: extracted
    inline = extract(big_inline(), "https://g.example/big.html",
                     content_type="text/html; charset=utf-8")
    assert first_sentence("big-inline") in inline.text
    # 10 MB of markup (300,000 elements): too large
    assert extract(big_markup(), "https://g.example/big.html",
                   content_type="text/html; charset=utf-8").reason == "too_large"
    page = (PAGES / "article_comments.html").read_bytes()
    for limits in ({"max_bytes": 1000}, {"max_elements": 20}, {"max_text": 500}):
        assert extract(page, "https://g.example/a", content_type="text/html",
                       options=ExtractionOptions(**limits)).reason == "too_large", limits
    assert extract(page, "https://g.example/a", content_type="text/html").is_article
