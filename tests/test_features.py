"""crawler.extraction.features: the page's features and tokens for the page classifier."""

from __future__ import annotations

import lxml.html

from crawler.extraction.features import (
    COUNTED_ELEMENTS,
    PAGE_FEATURES,
    page_features,
    page_tokens,
)
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


def _url_features(url: str | None) -> dict[str, float]:
    tree = lxml.html.document_fromstring("<html><body><p>Council approves the budget.</p>"
                                         "</body></html>")
    segs = segment(tree)
    vector = page_features(types=set(), og_type=None, published=False, author=False,
                           date=False, description=False, main=segs, segments=segs,
                           linked_headings=0, teaser_share=0.0, counts=[0] * len(COUNTED_ELEMENTS),
                           headline_links=0, page_text=segs[0].text, url=url,
                           service_path=False, typed_article=False, typed_listing=False)
    assert len(vector) == len(PAGE_FEATURES)
    return {f: v for f, v in zip(PAGE_FEATURES, vector, strict=True) if f.startswith("url_")}


def test_url_features_are_read_from_a_known_url():
    got = _url_features("https://example.org/news/2026/05/harbour-budget-2027.html?x=1")
    assert got["url_depth"] == 4 and got["url_slug_words"] == 3
    assert got["url_has_date"] == got["url_has_digits"] == got["url_has_query"] == 1
    assert got["url_root"] == got["url_trailing_slash"] == 0
    root = _url_features("https://example.org/")
    assert root["url_root"] == root["url_trailing_slash"] == 1 and root["url_depth"] == 0

