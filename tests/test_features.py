"""crawler.extraction.features: the page's tokens for the page classifier."""

from __future__ import annotations

import lxml.html

from crawler.extraction.features import page_tokens
from crawler.extraction.segment import segment


def test_page_tokens_name_where_each_word_was_seen():
    tree = lxml.html.document_fromstring(
        "<html><body><p>Council approves the harbour budget for 2027</p>"
        "<p>Add to cart</p></body></html>")
    tokens = page_tokens(url="https://example.org/news/2026/harbour-budget.html?x=1",
                         title="Harbour budget | Example", ld_types=["NewsArticle"],
                         og_type=" Article ", segments=segment(tree))
    assert {"u:news", "u:harbour", "u:budget", "u:html"} <= tokens
    assert {"t:harbour", "t:budget", "t:example"} <= tokens
    assert {"og:article", "ld:newsarticle"} <= tokens
    assert {"w:council", "w:approves", "w:harbour", "w:cart", "w:add"} <= tokens
    # digits, the query and two-letter words are not tokens
    assert not {t for t in tokens if any(c.isdigit() for c in t)}
    assert "u:x" not in tokens and "w:to" not in tokens


def test_a_page_without_url_title_or_types_has_only_its_words():
    tree = lxml.html.document_fromstring("<html><body><p>Pricing plans</p></body></html>")
    assert page_tokens(url=None, title=None, ld_types=[], og_type=None,
                       segments=segment(tree)) == {"w:pricing", "w:plans"}


def test_class_words_are_tokens_of_their_own_kind():
    tree = lxml.html.document_fromstring("<html><body><p>Add to cart</p></body></html>")
    tokens = page_tokens(url=None, title=None, ld_types=[], og_type=None,
                         segments=segment(tree), class_words={"product", "cart"})
    assert {"c:product", "c:cart", "w:cart"} <= tokens
