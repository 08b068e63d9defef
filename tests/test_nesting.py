"""Pages nested deeper than libxml2's HTML parser allows (crawler/extraction/nesting.py)."""

from __future__ import annotations

from lxml.html import HtmlElement

from crawler.extraction import extract
from crawler.extraction.core import parse_html
from crawler.extraction.nesting import MAX_DEPTH, flatten
from tests.mockhostile import DEEP_LEVELS, deep_page, first_sentence


def depth(tree: HtmlElement) -> int:
    return max(sum(1 for _ in el.iterancestors()) for el in tree.iter())


def test_flatten_keeps_content_and_caps_depth() -> None:
    html = ("<html><body>" + "<div>" * 300 + "<p>inside</p>" + "</div>" * 300
            + "<p>after</p></body></html>")
    flat, moved = flatten(html, limit=50)
    assert moved == 300 + 2 + 1 - 50  # html and body count as levels, and so does <p>
    assert "<p>inside</p>" in flat and "<p>after</p>" in flat
    assert flat.count("<div>") == flat.count("</div>") == 300  # elements moved, not dropped
    tree = parse_html(flat)
    assert depth(tree) < 50
    assert [p.text for p in tree.iter("p")] == ["inside", "after"]


def test_flatten_leaves_ordinary_pages_alone() -> None:
    html = "<html><body><div><p>a<p>b<br><img src=x><ul><li>1<li>2</ul></div></body></html>"
    assert flatten(html) == (html, 0)
    unclosed = "<html><body>" + "<div>" * 10 + "<p>x" * 500 + "</body></html>"
    assert flatten(unclosed, limit=20) == (unclosed, 0)  # sibling <p>s close each other


def test_the_parser_alone_loses_a_deep_article() -> None:
    tree = parse_html(deep_page())
    assert first_sentence("deep")[:40] not in tree.text_content()


def test_a_deep_article_is_extracted() -> None:
    result = extract(deep_page().encode(), "http://h.example/deep.html",
                     content_type="text/html; charset=utf-8")
    assert result.is_article
    assert first_sentence("deep") in result.text
    assert result.text.count("\n") == 4  # its five paragraphs stay apart
    assert result.removed["deep_nesting"] > DEEP_LEVELS - MAX_DEPTH
