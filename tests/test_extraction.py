from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extraction import decode_html, extract, is_html
from crawler.extraction.core import ExtractionOptions, PageAnalysis, analyse, web_url
from tests.conftest import DATA

PAGES = DATA / "pages"
FETCHED = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
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
    assert result.authors == ["Tomas Reyes"]
    assert (result.published or "")[:10] == "2026-03-14"
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
    _text, encoding = decode_html(raw, "text/html")
    assert encoding.replace("-", "_").lower() in ("shift_jis", "cp932", "sjis")
    result = extract(raw, "https://gazette.example/ja/1.html", content_type="text/html")
    assert result.is_article
    assert "港湾局は火曜日、東側の防波堤を今後三年の冬にかけて再建すると発表した。" in result.text
    assert result.language == "ja"
    assert result.title == "防波堤の再建が決定"


def test_date_never_after_capture() -> None:
    # the page declares 2031-05-01: no date rather than a guess
    assert load("article_future_date.html").published is None
    # a capture before the declared date cannot have it either
    early = load("article_comments.html", fetched_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert early.published is None or early.published[:10] <= "2026-01-01"


@pytest.mark.parametrize(("body", "ctype", "reason", "text"), [
    ((PAGES / "product.html").read_bytes(), "text/html", "listing_page",
     "A solid brass storm lantern"),
    (b"%PDF-1.4 binary", "application/pdf", "not_html", None),
    (b"", "text/html", "empty", None),
    (b"<html><body><article><p>A short note from the harbour office: the quay is closed on "
     b"Sunday morning for the rowing regatta.</p></article></body></html>", "text/html",
     "too_short", "A short note from the harbour office"),
    (b"<html><body>" + b"<div>" * 3000 + b"deep" + b"</div>" * 3000 + b"</body></html>",
     "text/html", "too_short", "deep"),
])
def test_not_articles_have_a_reason_and_keep_their_text(body: bytes, ctype: str, reason: str,
                                                        text: str | None) -> None:
    """A page that is no article says why, and keeps its main text for a user
    who asked for it (``crawler extract``); a crawl writes articles only."""
    result = extract(body, "https://gazette.example/x", content_type=ctype)
    assert not result.is_article
    assert result.reason == reason
    if text is None:
        assert result.text is None
    else:
        assert result.text.startswith(text)


def test_a_short_untyped_news_item_is_an_article() -> None:
    """Four paragraphs on a page that declares no type: a real short news item."""
    paras = [f"<p>Paragraph {i} tells how the harbour works went in week {i}, with details "
             f"on cranes, divers, weather, costs and the people of the quay. It is number {i}.</p>"
             for i in range(4)]
    short = f"<html><body><article>{''.join(paras)}</article></body></html>".encode()
    result = extract(short, "https://g.example/2026/05/harbour-works.html",
                     content_type="text/html")
    assert result.is_article, result.reason
    assert result.text.count("\n") == 3


def test_a_saved_files_path_is_not_read_as_the_pages_url() -> None:
    """``crawler extract`` of a saved page gives its ``file://`` URI: where a user
    keeps the file says nothing of the page, so the page is read as one whose URL
    is not known (no URL words, no service-page path, the URL features of a page
    without a URL, as the development pages without URLs were read)."""
    page = (b"<html><head><title>Plans</title></head><body><article>"
            + b"<p>The harbour office explains its plans for the quay in some detail.</p>" * 6
            + b"</article></body></html>")
    text = decode_html(page, "text/html")[0]
    unknown = analyse(text, None, None, ExtractionOptions())
    saved = analyse(text, "file:///home/ana/pricing/2026/pricing.html", None, ExtractionOptions())
    web = analyse(text, "https://g.example/pricing", None, ExtractionOptions())
    assert isinstance(unknown, PageAnalysis) and isinstance(saved, PageAnalysis)
    assert isinstance(web, PageAnalysis)
    assert saved.page_tokens == unknown.page_tokens and "u:pricing" in web.page_tokens
    assert saved.page_vector == unknown.page_vector != web.page_vector
    assert (extract(page, "file:///home/ana/pricing.html").reason
            == extract(page, None).reason)
    assert web_url("file:///home/ana/pricing.html") is None
    assert web_url("https://g.example/pricing") == "https://g.example/pricing"
    assert web_url("http://[unclosed") is None


@pytest.mark.parametrize("head", [
    b"<!DOCTYPE html>", b"  \n\t", b"<!-- saved by a browser -->\n",
    b'<link rel="stylesheet" href="/s.css">', b'<meta charset="utf-8">', b"\xef\xbb\xbf",
    b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">',
    # a comment whose text starts at once: a server-side marker, an XML
    # declaration a tool commented out when it saved the page
    b"<!--M_96613636#s0-2--><!--M_96613636^s0-2-->",
    b'<!--?xml version="1.0" encoding="UTF-8" ?--><!DOCTYPE html PUBLIC "-//WAPFORUM//DTD">',
])
def test_html_is_recognised_however_the_file_starts(head: bytes) -> None:
    """What a browser renders as HTML is HTML: leading white space, a comment, a
    <link> or <meta> before <html>, a byte-order mark, XHTML's XML declaration."""
    body = head + b"<html><body><p>Text.</p></body></html>"
    assert is_html(None, body)
    if not head.startswith(b"<?xml"):  # XHTML names its root
        assert is_html(None, head + b"<p>A fragment without html or body.</p>")
    assert extract(body, "https://g.example/a").reason != "not_html"


@pytest.mark.parametrize("body", [b'{"a": 1}', b"plain words, no tags", b"%PDF-1.7",
                                  b'<?xml version="1.0"?><rss version="2.0"></rss>',
                                  b"<abbr>not a page start</abbr>"])
def test_what_is_not_html_stays_not_html(body: bytes) -> None:
    assert not is_html(None, body)
    assert extract(body, "https://g.example/a").reason == "not_html"


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
    # the text limit counts what a reader sees, not inline data
    data = (b"<html><body><p>" + b"A short page about the harbour. " * 10 + b"</p><script>"
            + b"var x = 1; " * 200 + b"</script></body></html>")
    assert extract(data, "https://g.example/b", content_type="text/html",
                   options=ExtractionOptions(max_text=1000)).reason != "too_large"


def test_unreadable_page_urls_give_no_metadata_error() -> None:
    """A URL that urllib cannot split (a host that NFKC-normalises into a '/',
    broken brackets) is no URL to the metadata readers: no exception."""
    body = (b'<html lang="en"><head><title>Story</title></head><body><article><h1>Story</h1>'
            + b"<p>" + b"A sentence of the story about the harbour. " * 20 + b"</p>"
            + b"</article></body></html>")
    for url in ("http://\u2100.com/2024/01/02/story", "http://[broken/story"):
        result = extract(body, url)
        assert result.title == "Story" and result.text


class _DropAll:
    """A block model that keeps nothing: the model missing the article."""

    def predict(self, vectors):
        return [False] * len(vectors)


def test_a_body_the_model_misses_is_made_from_trafilaturas_under_the_rules(monkeypatch):
    monkeypatch.setattr("crawler.extraction.classify.block_model", lambda: _DropAll())
    result = load("article_comments.html")
    assert result.removed.get("model_fallback") == 1
    for snippet in BODY_SNIPPETS:
        assert snippet in result.text
    # the fallback text is still cleaned by the block rules, and comments stay apart
    assert "Advertisement" not in result.text.split("\n")
    assert "mark my words" not in result.text
    assert "mark my words" in result.comments


def test_a_body_the_model_keeps_does_not_fall_back():
    assert "model_fallback" not in load("article_comments.html").removed


def test_a_story_the_parser_nested_into_a_button_is_read():
    # libxml2 leaves some header buttons open and nests the rest of the page in
    # them; a button that holds the page's <main> is not a control to skip
    story = " ".join(BODY_SNIPPETS) + " " + " ".join(
        ["The works are due to start in the spring and to last two years."] * 6)
    page = ("<html><head><title>Breakwater to be rebuilt</title></head><body><header>"
            '<a href="#main">Skip to content</a><button class="menu-toggle">Menu'
            "<main><article><h1>Breakwater to be rebuilt</h1>"
            + "".join(f"<p>{s}</p>" for s in story.split(". "))
            + "</article></main></button></header></body></html>")
    result = extract(page.encode(), "https://gazette.example/news/breakwater.html")
    assert result.text is not None and BODY_SNIPPETS[0] in result.text


def _scripted_page(fallback: str, shown: str = "") -> bytes:
    return ("<html><head><title>Breakwater to be rebuilt</title></head><body>"
            f'<header><a href="/">Gazette</a></header>{shown}<div id="app"></div>'
            f"<noscript>{fallback}</noscript><script>start()</script></body></html>").encode()


_THREAD = ("<h1>Breakwater to be rebuilt</h1>"
           + "".join(f"<p>{s}</p>" for s in BODY_SNIPPETS)
           + "".join(f"<p>Reply {n}: the works are due to start in the spring and to last "
                     "two years, the harbour master wrote.</p>" for n in range(6)))


def test_a_page_its_scripts_draw_is_read_from_its_noscript():
    # a Discourse forum or a single-page app: the text is in <noscript> for
    # readers without scripts, and the page shows nothing else
    result = extract(_scripted_page(_THREAD), "https://forum.example/t/breakwater/42")
    assert result.text is not None
    assert BODY_SNIPPETS[0] in result.text and "Reply 5" in result.text


def test_a_noscript_beside_a_page_that_shows_its_text_is_not_read():
    # the page's own text is there: a noscript copy (or a "turn on JavaScript"
    # line) is not read as well
    shown = f"<main>{_THREAD}</main>"
    copy = extract(_scripted_page("<p>Please turn on JavaScript to comment.</p>", shown),
                   "https://gazette.example/news/breakwater.html")
    assert copy.text is not None and BODY_SNIPPETS[0] in copy.text
    assert "JavaScript" not in copy.text
    twice = extract(_scripted_page(_THREAD, shown), "https://gazette.example/news/breakwater.html")
    assert twice.text is not None and twice.text.count(BODY_SNIPPETS[0]) == 1


def test_a_thread_read_as_comments_is_the_pages_text_once() -> None:
    """A page whose only text is its discussion: the posts trafilatura reads as
    comments are the text, and not the comments as well."""
    post = ("I replaced the pump last spring and the noise stopped within a day or two, "
            "then came back when the weather turned cold again.")
    posts = "".join(f'<div class="comment"><p class="comment-body">Post {i}: {post}</p></div>'
                    for i in range(4))
    html = (f"<html><head><title>Pump noise - Forum</title></head><body><nav><a href='/'>Home"
            f"</a></nav><h1>Pump noise</h1><div id='comments' class='comments'>{posts}</div>"
            "</body></html>")
    result = extract(html.encode(), "https://forum.example/t/pump-noise/12")
    assert result.text is not None and result.text.count("Post ") == 4
    assert not result.comments
    assert result.removed["comments_as_text"] == 1


def test_the_article_bar_decides_the_verdict_and_leaves_the_text():
    html = (PAGES / "article_comments.html").read_bytes()
    url = "https://gazette.example/2026/03/01/breakwater"
    default = extract(html, url)
    strict = extract(html, url, options=ExtractionOptions(article_min_probability=1.0))
    assert default.reason is None
    assert strict.reason in ("not_article", "listing_page", "service_page")
    assert strict.text == default.text
    product = (PAGES / "product.html").read_bytes()
    assert extract(product, url).reason is not None
    assert extract(product, url,
                   options=ExtractionOptions(article_min_probability=0.0)).reason is None


def test_a_sites_home_page_is_no_article_whatever_its_text():
    html = (PAGES / "article_comments.html").read_bytes()
    story = extract(html, "https://gazette.example/2026/03/01/breakwater")
    assert story.reason is None
    for home in ("https://gazette.example/", "https://gazette.example", "http://gazette.example/"):
        result = extract(html, home)
        assert result.reason == "listing_page", home
        assert result.text == story.text  # the verdict only: a user who names it gets its text
    # a post addressed by a query on the root (WordPress's plain links) is a post
    assert extract(html, "https://gazette.example/?p=12").reason is None
    # a saved file's URI says where the user keeps it, not what the page is
    assert extract(html, "file:///home/me/index.html").reason is None
    assert extract(html, None).reason is None


def test_home_pages_are_the_root_of_a_web_url():
    from crawler.extraction.core import home_page

    assert home_page("https://news.example/") and home_page("https://news.example")
    assert not home_page("https://news.example/2026/story")
    assert not home_page("https://news.example/?p=12")
    assert not home_page("https://news.example/en/")
    assert not home_page("file:///")
    assert not home_page("http://[bad/")
    assert not home_page(None)
