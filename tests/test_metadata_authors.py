"""crawler.extraction.metadata.authors: every author's name, cleaned; organisations apart."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from crawler.extraction.core import parse_page
from crawler.extraction.encoding import decode_html_checked
from crawler.extraction.markup import MarkupRules, clean_markup
from crawler.extraction.metadata.authors import Authors, find_authors
from crawler.extraction.metadata.structured import read_structured

DATA = Path(__file__).parent / "data"
URL = "https://www.harbour-gazette.example/news/2024/05/breakwater"
BODY = ("<p>The harbour authority confirmed on Tuesday that the eastern breakwater will be "
        "rebuilt over the next three winters, ending years of debate about the structure.</p>")


def authors(html: str, url: str | None = URL, fallback: str | None = None) -> Authors:
    """What the extractor would read: the page parsed and its ad markup removed."""
    tree, text, _ = parse_page(html)
    assert tree is not None
    clean_markup(tree, url, MarkupRules(), source=text)
    return find_authors(tree, read_structured(tree), url=url, fallback=fallback)


def page(head: str = "", body: str = "") -> str:
    return (f"<html><head><title>Breakwater to be rebuilt</title>{head}</head><body>"
            f"<main><article><h1>Breakwater to be rebuilt</h1>{body}{BODY}</article></main>"
            "</body></html>")


def ld(data: str) -> str:
    return f'<script type="application/ld+json">{data}</script>'


def meta_author(value: str) -> Authors:
    return authors(page(f'<meta name="author" content="{value}">'))


def byline(html: str) -> Authors:
    return authors(page(body=f'<div class="byline">{html}</div>'))


# --------------------------------------------------------------------------- real pages


def read(path: Path) -> Authors:
    text, _, _ = decode_html_checked(path.read_bytes(), None)
    return authors(text, url=None)


def test_saved_article_byline_not_the_readers_who_comment():
    found = read(DATA / "pages" / "article_comments.html")
    assert found.names == ["Tomas Reyes"]  # not Olga and Ben, who comment


def test_saved_pages_in_other_languages():
    assert read(DATA / "adcorpus" / "pages" / "de-1.html").names == ["Katrin Wessel"]  # "Von"
    en = read(DATA / "adcorpus" / "pages" / "en-2.html")
    assert en == Authors(["Dana Whitcombe"], "The Ledger Post")
    # a reader's comment ("comentario__autor") names no author
    assert read(DATA / "adcorpus" / "pages" / "es-1.html").names == []


def test_listing_and_product_pages_name_no_one():
    assert read(DATA / "pages" / "listing.html").names == []
    assert read(DATA / "pages" / "product.html").names == []


# --------------------------------------------------------------------------- sources


def test_json_ld_people_in_order_and_the_publisher():
    found = authors(page(ld(
        '{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "B",'
        ' "author": [{"@type": "Person", "name": "Jane Doe"},'
        ' {"@type": "Person", "givenName": "John", "familyName": "Roe"}],'
        ' "publisher": {"@type": "NewsMediaOrganization", "name": "Harbour Gazette"}}')))
    assert found == Authors(["Jane Doe", "John Roe"], "Harbour Gazette")


def test_json_ld_author_by_reference_in_a_graph_not_a_comments_author():
    found = authors(page(ld(
        '{"@context": "https://schema.org", "@graph": ['
        ' {"@type": "Comment", "author": {"@type": "Person", "name": "Olga Reader"}},'
        ' {"@type": "Article", "author": {"@id": "https://example.com/#/person/1"},'
        '  "publisher": {"@id": "https://example.com/#org"}},'
        ' {"@type": "Person", "@id": "https://example.com/#/person/1", "name": "Jane Doe"},'
        ' {"@type": "Organization", "@id": "https://example.com/#org", "name": "Gazette"}]}')))
    assert found == Authors(["Jane Doe"], "Gazette")


def test_json_ld_organisation_as_author_is_the_publisher_not_a_name():
    found = authors(page(ld(
        '{"@type": "BlogPosting", "author": {"@type": "Organization", "name": "Supermove"},'
        ' "publisher": {"@type": "Organization", "name": "Supermove Inc."}}')))
    assert found == Authors([], "Supermove")


def test_meta_author_and_article_author_when_it_is_a_name():
    assert meta_author("Jane Doe").names == ["Jane Doe"]
    found = authors(page('<meta property="article:author" content="https://facebook.com/gazette">'
                         '<meta property="article:author" content="Jane Doe">'))
    assert found.names == ["Jane Doe"]


def test_citation_author_turned_round():
    found = authors(page('<meta name="citation_author" content="Doe, Jane">'
                         '<meta name="citation_author" content="Roe, John A.">'))
    assert found.names == ["Jane Doe", "John A. Roe"]


def test_written_by_label_of_twitter_meta():
    found = authors(page('<meta name="twitter:label1" content="Written by">'
                         '<meta name="twitter:data1" content="Jane Doe">'
                         '<meta name="twitter:label2" content="Est. reading time">'
                         '<meta name="twitter:data2" content="6 minutes">'))
    assert found.names == ["Jane Doe"]


def test_line_under_the_headline_where_nothing_else_names_anyone():
    found = authors(page(body="<p>Jane Doe | Senior Writer | July 2, 2025</p>"))
    assert found.names == ["Jane Doe"]
    found = authors(page('<meta name="author" content="John Roe">',
                         "<p>Jane Doe | Senior Writer | July 2, 2025</p>"))
    assert found.names == ["John Roe"]


def test_fallback_only_when_the_page_names_no_one_and_cleaned():
    assert authors(page(), fallback="By Jane Doe; Staff").names == ["Jane Doe"]
    assert meta_author("John Roe").names == ["John Roe"]
    found = authors(page('<meta name="author" content="John Roe">'), fallback="Jane Doe")
    assert found.names == ["John Roe"]


# --------------------------------------------------------------------------- combining


def test_json_ld_one_name_byline_three():
    found = authors(page(
        ld('{"@type": "NewsArticle", "author": {"@type": "Person", "name": "John Roe"}}'),
        '<p class="byline">By Jane Doe, John Roe and Mary Major</p>'))
    assert found.names == ["Jane Doe", "John Roe", "Mary Major"]


def test_byline_as_the_page_shows_it_when_it_agrees():
    found = authors(page(
        ld('{"@type": "Article", "author": {"@type": "Person", "name": "Andrew Huberman"}}'),
        '<p class="byline">By Dr. Andrew Huberman</p>'))
    assert found.names == ["Dr. Andrew Huberman"]


def test_shown_full_name_wins_over_a_declared_user_name():
    found = authors(page('<meta name="author" content="jdoe42">',
                         '<span class="author-name">Jane Doe</span>'))
    assert found.names == ["Jane Doe"]


def test_declared_name_wins_over_a_word_alone_on_the_page():
    found = authors(page('<meta name="author" content="Lillie">',
                         '<span class="author">Hello</span>'))
    assert found.names == ["Lillie"]


# --------------------------------------------------------------------------- organisations


def test_wire_story():
    assert byline("By Jane Doe, Associated Press") == Authors(["Jane Doe"], "Associated Press")
    assert byline("By REUTERS") == Authors([], "REUTERS")
    assert byline("Jane Doe and John Roe, AFP") == Authors(["Jane Doe", "John Roe"], "AFP")


def test_wire_service_beats_the_declared_publisher():
    found = authors(page(ld('{"@type": "NewsArticle", "publisher": {"@type": "Organization",'
                            ' "name": "Harbour Gazette"}}'),
                         '<p class="byline">By Jane Doe, The Associated Press</p>'))
    assert found == Authors(["Jane Doe"], "The Associated Press")


@pytest.mark.parametrize(("value", "publisher"), [
    ("The Investopedia Team", "The Investopedia Team"),
    ("Harbour News Staff", "Harbour News Staff"),
    ("Acme Media Group", "Acme Media Group"),
    ("Harbour Gazette", "Harbour Gazette"),  # the site's own name (og:site_name)
])
def test_organisations_credited_as_author_go_to_the_publisher(value: str, publisher: str):
    found = authors(page(f'<meta property="og:site_name" content="Harbour Gazette">'
                         f'<meta name="author" content="{value}">'))
    assert found == Authors([], publisher)


def test_person_named_like_a_personal_site_is_a_person():
    found = authors(page('<meta property="og:site_name" content="Erin Spain">'
                         '<meta name="author" content="Erin Spain">'),
                    url="https://www.erinspain.example/diy-projects/")
    assert found.names == ["Erin Spain"]


def test_affiliation_beside_a_person_is_not_the_publisher():
    found = authors(page(ld('{"@type": "Article", "publisher": {"@type": "Organization",'
                            ' "name": "Appinventiv"}}'),
                         '<p class="byline">By Chirag Bhardwaj, VP - Technology</p>'))
    assert found == Authors(["Chirag Bhardwaj"], "Appinventiv")


def test_escaped_entities_in_json_ld_are_read():
    found = authors(page(ld('{"@type": "Article", "author": {"@type": "Person", "name":'
                            ' "Jane O&#039;Doe"}, "publisher": {"@type": "Organization",'
                            ' "name": "Plumbing &amp; Drains"}}')))
    assert found == Authors(["Jane O'Doe"], "Plumbing & Drains")


# --------------------------------------------------------------------------- contract


def test_the_tree_is_not_changed():
    html = page(ld('{"@type": "Article", "author": "Jane Doe"}'),
                '<p class="byline">By Jane Doe | May 5, 2024</p>')
    tree = lxml.html.fromstring(html)
    before = lxml.html.tostring(tree)
    assert find_authors(tree, read_structured(tree), url=URL).names == ["Jane Doe"]
    assert lxml.html.tostring(tree) == before


def test_empty_page_names_no_one():
    tree = lxml.html.fromstring("<html><body><p>Nothing here.</p></body></html>")
    assert find_authors(tree, read_structured(tree), url=None) == Authors([], None)
