"""crawler.extraction.metadata.sitenames: what names the site."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.extraction.metadata.sitenames import (
    NAME_META,
    declared_publisher,
    host_labels,
    host_name,
    ld_names,
    meta_names,
)
from crawler.extraction.metadata.structured import Structured, read_structured


def structured(head: str) -> Structured:
    return read_structured(lxml.html.fromstring(f"<html><head>{head}</head><body></body></html>"))


def ld(data: str) -> str:
    return f'<script type="application/ld+json">{data}</script>'


def test_meta_names_the_sites_own_and_those_that_may_name_it():
    found = structured('<meta property="og:site_name" content="Harbour Gazette">'
                       '<meta name="application-name" content="Gazette">'
                       '<meta name="twitter:site" content="@hgazette">'
                       '<meta name="author" content="Jane Doe">')
    assert meta_names(found, NAME_META) == ["Harbour Gazette", "Gazette"]
    assert meta_names(found) == ["Harbour Gazette", "Gazette", "@hgazette"]


def test_ld_names_of_the_website_organisation_and_publisher():
    found = structured(ld(
        '{"@graph": [{"@type": "WebSite", "name": "Harbour Gazette", "alternateName": "HG"},'
        ' {"@type": "NewsArticle", "headline": "Breakwater", "publisher":'
        ' {"@type": "Organization", "name": "Gazette Media"}},'
        ' {"@type": "Person", "name": "Jane Doe"}]}'))
    assert [n for n in ld_names(found) if n] == ["Harbour Gazette", "HG", "Gazette Media"]


def test_declared_publisher_by_reference_in_a_graph():
    found = structured(ld(
        '{"@graph": [{"@type": "Article", "publisher": {"@id": "https://example.com/#org"}},'
        ' {"@type": "Organization", "@id": "https://example.com/#org",'
        ' "name": "Plumbing &amp; Drains"}]}'))
    assert declared_publisher(found) == "Plumbing & Drains"


def test_a_person_declared_as_publisher_is_no_publisher():
    found = structured(ld('{"@type": "BlogPosting", "author": {"@type": "Person", "name":'
                          ' "Marco Bambini"}, "publisher": {"@type": "Person", "name":'
                          ' "Marco Bambini"}}'))
    assert declared_publisher(found) is None


def test_publisher_from_meta_when_a_name_not_a_url():
    assert declared_publisher(structured(
        '<meta property="article:publisher" content="https://facebook.com/x">')) is None
    assert declared_publisher(structured(
        '<meta property="article:publisher" content="Harbour Gazette">')) == "Harbour Gazette"


@pytest.mark.parametrize(("url", "labels", "name"), [
    ("https://www.harbour-gazette.example/news/1", ["harbour-gazette", "example"],
     "harbour-gazette"),
    ("https://news.bbc.co.uk/story", ["news", "bbc"], "bbc"),
    ("https://m.fbfs.com/blog", ["fbfs"], "fbfs"),
    ("https://localhost/page", ["localhost"], None),
])
def test_host_labels_and_the_host_name(url: str, labels: list[str], name: str | None):
    assert host_labels(url) == labels
    assert host_name(url) == name


def test_no_host_without_a_url_or_from_an_unreadable_one():
    assert host_labels(None) == [] and host_name(None) is None
    assert host_labels("http://[broken/") == []
    assert host_name("http://[broken/") is None and host_name("http://\u2100.com/") is None
