"""crawler.extraction.metadata.bylines: the bylines a page shows."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.extraction.core import parse_page
from crawler.extraction.markup import MarkupRules, clean_markup
from crawler.extraction.metadata.bylines import byline_under_headline, read_bylines
from crawler.extraction.metadata.credits import Site
from crawler.extraction.metadata.structured import read_structured

URL = "https://www.harbour-gazette.example/news/2024/05/breakwater"
BODY = ("<p>The harbour authority confirmed on Tuesday that the eastern breakwater will be "
        "rebuilt over the next three winters, ending years of debate about the structure.</p>")


def tree_and_site(html: str) -> tuple[lxml.html.HtmlElement, Site]:
    """The tree as the extractor reads it: parsed, its ad markup removed."""
    tree, text, _ = parse_page(html)
    assert tree is not None
    clean_markup(tree, URL, MarkupRules(), source=text)
    return tree, Site.of(read_structured(tree), URL)


def bylines(html: str) -> list[list[str]]:
    """The people of each byline that names someone, in page order."""
    tree, site = tree_and_site(html)
    return [c.people for c in read_bylines(tree, site) if c.people]


def under_headline(html: str) -> list[str]:
    tree, site = tree_and_site(html)
    return byline_under_headline(tree, site).people


def page(body: str = "") -> str:
    return ("<html><head><title>Breakwater to be rebuilt</title></head><body>"
            f"<main><article><h1>Breakwater to be rebuilt</h1>{body}{BODY}</article></main>"
            "</body></html>")


def byline(html: str) -> list[list[str]]:
    return bylines(page(f'<div class="byline">{html}</div>'))


def test_rel_author_link():
    assert bylines(page('<p><a rel="author" href="/people/jane-doe">Jane Doe</a></p>')) == [
        ["Jane Doe"]]


def test_itemprop_author_with_its_name():
    found = bylines(page('<div itemprop="author" itemscope><img src="j.jpg" alt="">'
                         '<span itemprop="name">Jane Doe</span>'
                         '<span itemprop="jobTitle">Senior Reporter</span></div>'))
    assert found == [["Jane Doe"]]


def test_by_line_at_the_start_of_the_body_with_no_markup():
    assert bylines(page("<p>By Jane Doe and John Roe</p>")) == [["Jane Doe", "John Roe"]]


def test_byline_by_class_read_through_its_author_links():
    found = byline('<span>By</span> <a href="/author/jane-doe">Jane Doe</a>'
                   ' <span class="sep">|</span> <a href="/section/news">News</a>')
    assert found == [["Jane Doe"]]


def test_author_box_with_a_biography_gives_its_name():
    bio = "Jane writes about the harbour, its boats and its people. " * 4
    found = bylines(page(f'<div class="author-box"><h4>Jane Doe</h4><p>{bio}</p>'
                         '<a href="https://twitter.com/jdoe">Follow</a></div>'))
    assert found == [["Jane Doe"]]


def test_line_under_the_headline_with_a_role_and_a_date():
    html = page("<p>Jane Doe | Senior Writer | July 2, 2025</p>")
    assert bylines(html) == []  # no byline markup, no "By"
    assert under_headline(html) == ["Jane Doe"]


def test_a_line_under_the_headline_without_a_date_or_role_is_no_byline():
    html = page("<p>Harbour News</p>")
    assert bylines(html) == []
    assert under_headline(html) == []


@pytest.mark.parametrize(("html", "names"), [
    ("By Jane Doe | Updated Jan. 5, 2024, 10:14 a.m. ET", ["Jane Doe"]),
    ("By <a href='/author/jd'>Jane Doe</a> on 2024-05-03 in <a href='/c/news'>Harbour News</a>",
     ["Jane Doe"]),
    ("Von Katrin Wessel, 03.05.2024", ["Katrin Wessel"]),
    ("Par Margaux Le Bihan, le 3 mai 2024", ["Margaux Le Bihan"]),
    ("Por Fernanda Lacerda", ["Fernanda Lacerda"]),
    ("<span>Jane Doe</span><span>Trending Editor</span><span>5 min read</span>", ["Jane Doe"]),
    ("Apr 12 Written By Tina Flint Huffman", ["Tina Flint Huffman"]),
])
def test_byline_cleaning(html: str, names: list[str]):
    assert byline(html) == [names]


def test_navigation_and_sharing_words_are_no_names():
    found = byline('<ul><li><a href="/">Home</a></li><li><a href="/share">Share</a></li></ul>'
                   '<span>Jane Doe</span><ul><li><a href="https://x.com/i">Follow</a></li>'
                   '<li><a href="#comments">Comments</a></li></ul>')
    assert found == [["Jane Doe"]]


def test_reviewer_element_and_photo_credit_are_not_bylines():
    found = bylines(page('<div class="reviewer-name">John Roe</div>'
                         '<figure><img src="a.jpg"><figcaption>Photo: Mary Major'
                         '</figcaption></figure><p class="byline">By Jane Doe</p>'))
    assert found == [["Jane Doe"]]


def test_related_stories_and_sidebar_authors_are_not_the_articles():
    related = "".join(f'<li class="teaser"><a href="/s/{i}">Story {i}</a>'
                      f'<span class="author">Writer Number{i}</span></li>' for i in range(4))
    html = (f"<html><body><main><article><h1>Breakwater</h1><p class='byline'>By Jane Doe</p>"
            f"{BODY}</article><ul class='stories'>{related}</ul>"
            "<aside><div class='author'>Mary Major</div></aside></main></body></html>")
    assert bylines(html) == [["Jane Doe"]]


def test_the_tree_is_not_changed():
    tree, site = tree_and_site(page('<p class="byline">By Jane Doe | May 5, 2024</p>'))
    before = lxml.html.tostring(tree)
    assert [c.people for c in read_bylines(tree, site)] == [["Jane Doe"]]
    byline_under_headline(tree, site)
    assert lxml.html.tostring(tree) == before
