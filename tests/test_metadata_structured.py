"""crawler.extraction.metadata.structured: JSON-LD objects and <meta> values, read once."""

from __future__ import annotations

import lxml.html

from crawler.extraction.metadata.structured import ld_types, read_structured
from crawler.extraction.signals import read_signals

PAGE = """<html><head>
<meta property="og:title" content=" A title ">
<meta name="author" content="Jane Doe"><meta name="AUTHOR" content="John Roe">
<meta name="empty" content="  ">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Site"},
  {"@type": ["NewsArticle"], "headline": "Head", "datePublished": "2024-01-02T10:00:00+01:00",
   "author": {"@type": "Person", "name": "Jane Doe"}}]}
</script>
<script type="application/ld+json">{"@type": "WebPage", "mainEntity": {"@type": "http://schema.org/Article",
 "headline": "Line
 break"}}</script>
<script type="application/ld+json">{not json</script>
</head><body><p>x</p></body></html>"""


def test_objects_in_document_order_with_graph_and_main_entity():
    found = read_structured(lxml.html.fromstring(PAGE))
    assert [sorted(ld_types(n)) for n in found.ld] == [
        [], ["website"], ["newsarticle"], ["webpage"], ["article"]]
    # a raw newline inside a JSON string is read as browsers' consumers read it
    assert found.ld[-1]["headline"] == "Line\n break"
    assert [n["headline"] for n in found.of_type(frozenset({"newsarticle", "article"}))] == [
        "Head", "Line\n break"]


def test_meta_values_by_lower_case_key_empty_ones_dropped():
    found = read_structured(lxml.html.fromstring(PAGE))
    assert found.meta["author"] == ["Jane Doe", "John Roe"]
    assert found.meta_first("og:title") == "A title"
    assert found.meta_first("missing", "author") == "Jane Doe"
    assert "empty" not in found.meta


def test_signals_read_from_the_same_objects():
    signals = read_signals(lxml.html.fromstring(PAGE))
    assert signals.published == "2024-01-02T10:00:00+01:00"
    assert signals.is_typed_article
    assert "WebSite" in signals.ld_types


def test_objects_by_id_for_references_first_one_kept():
    found = read_structured(lxml.html.fromstring(
        '<html><head><script type="application/ld+json">{"@graph": ['
        '{"@type": "Article", "@id": "#a", "author": {"@id": "#jane"},'
        ' "publisher": {"@id": "#org", "@type": "Organization", "name": "Gazette"}},'
        '{"@type": "Person", "@id": "#jane", "name": "Jane Doe"},'
        '{"@type": "Person", "@id": "#jane", "name": "Someone Else"}]}'
        '</script></head></html>'))
    index = found.by_id()
    assert index["#jane"]["name"] == "Jane Doe"  # the first object with that @id
    assert index["#org"]["name"] == "Gazette"  # nested in another object
    assert index["#a"]["@type"] == "Article"
    assert set(index) == {"#a", "#jane", "#org"}  # a bare reference ({"@id": ...}) is no object
