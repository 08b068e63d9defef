"""crawler.extraction.metadata.credits: one credit string into clean names."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.extraction.metadata.credits import Credits, Site, name_key, split_names
from crawler.extraction.metadata.structured import read_structured

NO_SITE = Site(set(), None)


@pytest.mark.parametrize(("value", "names"), [
    ("By Jane Doe", ["Jane Doe"]),
    ("by: Jane Doe", ["Jane Doe"]),
    ("Written by Jane Doe", ["Jane Doe"]),
    ("Author: Jane Doe", ["Jane Doe"]),
    ("Jane Doe, Senior Reporter", ["Jane Doe"]),
    ("Jane Doe - Staff Writer", ["Jane Doe"]),
    ("Jane Doe (jane.doe@example.com)", ["Jane Doe"]),
    ("Jane Doe @janedoe", ["Jane Doe"]),
    ("Jane Doe, John Roe and 2 others", ["Jane Doe", "John Roe"]),
    ("Jane Doe & John Roe", ["Jane Doe", "John Roe"]),
    ("Jane Doe; John Roe | Mary Major", ["Jane Doe", "John Roe", "Mary Major"]),
    ("Jane Doe, MD", ["Jane Doe, MD"]),
    ("Genevieve Carlton, Ph.D.", ["Genevieve Carlton, Ph.D."]),
    ("Jane Doe, MS, RD", ["Jane Doe, MS, RD"]),
    ("Jane Doe, John Roe, MD", ["Jane Doe", "John Roe, MD"]),
    ("A. J. Neal", ["A. J. Neal"]),
    ("Jean-Luc Aufranc (CNXSoft)", ["Jean-Luc Aufranc (CNXSoft)"]),
    ("Jane Doe, jane doe", ["Jane Doe"]),
    ("Staff", []),
    ("Newsroom", []),
    ("Editorial Team", []),
    ("admin", []),
])
def test_cleaning(value: str, names: list[str]):
    assert split_names(value, NO_SITE).people == names


@pytest.mark.parametrize("text", [
    "By Jane Doe. Medically reviewed by John Roe, MD",
    "By Jane Doe | Fact checked by John Roe",
    "Written by Jane Doe. Edited by John Roe",
    "By Jane Doe, photos by John Roe",
    "By Jane Doe. Illustration by John Roe",
])
def test_reviewers_editors_and_photographers_are_not_authors(text: str):
    found = split_names(text, NO_SITE, byline=True, usernames=False)
    assert found.people == ["Jane Doe"]
    assert [name_key(n) for n in found.others] == ["johnroe"]


def test_last_first_turned_round_where_the_field_holds_one_name():
    assert split_names("Doe, Jane", inverted=True).people == ["Jane Doe"]
    assert split_names("Doe, Jane A.", inverted=True).people == ["Jane A. Doe"]
    # post-nominal letters after the comma are no first name: not turned round
    assert split_names("Doe, MD", inverted=True).people == ["Doe, MD"]


def test_wire_services_and_the_sites_own_name_are_organisations():
    assert split_names("Jane Doe, Associated Press") == Credits(["Jane Doe"],
                                                               ["Associated Press"])
    site = Site({"modernfarmer"}, None)
    assert split_names("Jane Doe, Modern Farmer", site) == Credits(["Jane Doe"],
                                                                  ["Modern Farmer"])


def test_name_key_ignores_titles_post_nominals_punctuation_and_case():
    assert name_key("Dr. Jane O'Doe, MD") == name_key("jane odoe") == "janeodoe"


def test_site_names_from_the_publisher_the_site_name_and_the_host():
    tree = lxml.html.fromstring(
        '<html><head><meta property="og:site_name" content="The Gazette">'
        '<script type="application/ld+json">{"@type": "Article", "publisher":'
        ' {"@type": "Organization", "name": "Gazette Media Ltd"}}</script></head></html>')
    site = Site.of(read_structured(tree), "https://www.harbour-gazette.example/news/1")
    assert site.publisher == "Gazette Media Ltd"
    assert site.keys == {"thegazette", "gazettemedialtd", "harbourgazette"}
    assert site.names("Harbour-Gazette") and not site.names("Jane Doe")
