"""crawler.extraction.metadata.dates: published and modified dates with their sources."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from crawler.extraction.core import parse_page
from crawler.extraction.metadata.dates import SOURCES, DateHint, Dates, FoundDate, find_dates
from crawler.extraction.metadata.datevalues import parse_value
from crawler.extraction.metadata.structured import read_structured

FETCHED = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
PAGES = Path(__file__).parent / "data" / "dates"


def dates(html: str, *, url: str | None = "https://example.com/news/story",
          fetched_at: datetime | None = FETCHED, hints: tuple[DateHint, ...] = (),
          fallback: str | None = None) -> Dates:
    tree = lxml.html.fromstring(html)
    return find_dates(tree, read_structured(tree), url=url, fetched_at=fetched_at,
                      hints=hints, fallback=fallback)


def page(head: str = "", body: str = "", lang: str = "en-US") -> str:
    return (f'<html lang="{lang}"><head>{head}</head><body>{body}'
            "<p>" + "Body text of the article. " * 20 + "</p></body></html>")


def ld(*objects: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(list(objects))}</script>'


ARTICLE = {"@type": "NewsArticle", "headline": "Story",
           "datePublished": "2024-03-05T09:30:00+01:00",
           "dateModified": "2024-03-06T10:00:00+01:00"}


# --------------------------------------------------------------------------- sources


def test_json_ld_article_object_not_the_webpage_nor_a_nested_comment():
    found = dates(page(ld({"@type": "WebPage", "datePublished": "2020-01-01"},
                          {**ARTICLE, "comment": {"@type": "Comment",
                                                  "datePublished": "2024-05-01"}})))
    assert found.published == FoundDate("2024-03-05T09:30:00+01:00", "json-ld")
    assert found.modified == FoundDate("2024-03-06T10:00:00+01:00", "json-ld")


def test_the_article_object_of_the_page_url_where_there_are_several():
    other = {"@type": "BlogPosting", "url": "https://example.com/other",
             "datePublished": "2023-01-01"}
    mine = {"@type": "BlogPosting", "url": "https://www.example.com/news/story/",
            "datePublished": "2024-02-02"}
    assert dates(page(ld(other, mine))).published == FoundDate("2024-02-02", "json-ld")


def test_meta_publication_and_modification():
    head = ('<meta property="article:published_time" content="2024-03-05T08:00:00Z">'
            '<meta property="og:updated_time" content="2024-03-07T08:00:00Z">')
    found = dates(page(head))
    assert found.published == FoundDate("2024-03-05T08:00:00Z", "meta")
    assert found.modified == FoundDate("2024-03-07T08:00:00Z", "meta")


@pytest.mark.parametrize("name", ["parsely-pub-date", "sailthru.date", "DC.date.issued",
                                  "pubdate", "date"])
def test_other_meta_names(name):
    head = f'<meta name="{name}" content="2024-03-05">'
    assert dates(page(head)).published == FoundDate("2024-03-05", "meta")


def test_time_shown_under_the_headline():
    body = ('<h1>Story</h1><div class="byline">By Jane Doe '
            '<time datetime="2024-03-05T14:00:00-05:00">March 5, 2024</time></div>')
    assert dates(page(body=body)).published == FoundDate("2024-03-05T14:00:00-05:00", "time")


def test_date_in_the_byline_text():
    body = '<h1>Story</h1><p class="meta">Published 4 March 2024 by Jane Doe</p>'
    assert dates(page(body=body)).published == FoundDate("2024-03-04", "text")


def test_url_date():
    found = dates(page(), url="https://example.com/2024/03/05/story/")
    assert found.published == FoundDate("2024-03-05", "url")


def test_fallback_where_nothing_else():
    assert dates(page(), fallback="2024-02-01").published == FoundDate("2024-02-01", "text")


def test_fallback_that_is_the_declared_modification_is_no_publication():
    head = '<meta property="article:modified_time" content="2024-02-01T10:00:00Z">'
    found = dates(page(head), fallback="2024-02-01")
    assert found.published is None
    assert found.modified == FoundDate("2024-02-01T10:00:00Z", "meta")


def test_fallback_on_1_january_is_a_year_found_alone():
    assert dates(page(), fallback="2024-01-01").published is None


def test_date_labelled_as_the_publication_far_from_the_headline():
    body = "<h1>Story</h1>" + "<p>" + "Text. " * 300 + "</p><p>Post time: 01-04-2024</p>"
    assert dates(page(body=body)).published == FoundDate("2024-01-04", "text")


def test_time_marked_as_the_publication_away_from_the_headline():
    body = ("<h1>Story</h1>" + "<p>" + "Text. " * 300 + "</p>"
            '<p><span itemprop="datePublished" content="2024-03-05">March 5, 2024</span></p>')
    assert dates(page(body=body)).published == FoundDate("2024-03-05", "time")


def test_every_source_is_one_of_sources():
    assert {"json-ld", "meta", "time", "url", "text", "feed", "sitemap"} == set(SOURCES)


# --------------------------------------------------------------------------- trust order


def test_json_ld_before_meta():
    head = ld(ARTICLE) + '<meta property="article:published_time" content="2024-01-01">'
    assert dates(page(head)).published.source == "json-ld"


def test_shown_date_before_declared_and_declared_value_kept_on_the_same_day():
    body = '<h1>Story</h1><p>March 5, 2024</p>'
    assert dates(page(ld(ARTICLE), body)).published == FoundDate(
        "2024-03-05T09:30:00+01:00", "json-ld")
    other_day = '<h1>Story</h1><p>Published March 1, 2024</p>'
    assert dates(page(ld(ARTICLE), other_day)).published == FoundDate("2024-03-01", "text")


def test_updated_only_page_keeps_its_declared_publication():
    body = '<h1>Story</h1><p>By Jane Doe · Updated March 6, 2024</p>'
    found = dates(page(ld(ARTICLE), body))
    assert found.published == FoundDate("2024-03-05T09:30:00+01:00", "json-ld")
    assert found.modified == FoundDate("2024-03-06T10:00:00+01:00", "json-ld")


def test_updated_date_is_published_only_where_nothing_else_is_given():
    body = '<h1>Story</h1><p>Last updated: March 6, 2024</p>'
    found = dates(page(body=body))
    assert found.published == FoundDate("2024-03-06", "text")
    assert found.modified == FoundDate("2024-03-06", "text")


def test_published_and_updated_both_shown():
    body = '<h1>Story</h1><p>Published March 3, 2024. Updated: March 7, 2024</p>'
    found = dates(page(body=body))
    assert found.published == FoundDate("2024-03-03", "text")
    assert found.modified == FoundDate("2024-03-07", "text")


# --------------------------------------------------------------------------- limits


def test_no_date_after_the_fetch_compared_with_the_offset():
    # 23:30 in New York on 1 June is 03:30 UTC on 2 June: after the fetch
    late = '<meta property="article:published_time" content="2024-06-01T23:30:00-04:00">'
    assert dates(page(late)).published is None
    # 11:00 UTC on 1 June: before it
    early = '<meta property="article:published_time" content="2024-06-01T07:00:00-04:00">'
    assert dates(page(early)).published.value == "2024-06-01T07:00:00-04:00"


def test_a_day_is_compared_with_the_fetch_day_in_the_zone_furthest_ahead():
    fetched = datetime(2024, 6, 1, 20, 0, tzinfo=UTC)  # already 2 June in Kiribati
    tomorrow = '<meta name="date" content="2024-06-02">'
    assert dates(page(tomorrow), fetched_at=fetched).published == FoundDate("2024-06-02", "meta")
    later = '<meta name="date" content="2024-06-03">'
    assert dates(page(later), fetched_at=fetched).published is None


def test_without_a_fetch_time_nothing_after_now():
    head = '<meta name="date" content="2999-01-01"><meta name="dc.date" content="2024-01-01">'
    assert dates(page(head), fetched_at=None).published == FoundDate("2024-01-01", "meta")


def test_a_naive_fetch_time_is_utc():
    late = '<meta property="article:published_time" content="2024-06-01T12:30:00Z">'
    assert dates(page(late), fetched_at=datetime(2024, 6, 1, 12, 0)).published is None


def test_a_future_declaration_falls_to_the_next_source():
    head = ('<meta property="article:published_time" content="2030-01-01">'
            '<meta name="dc.date" content="2024-01-01">')
    assert dates(page(head)).published == FoundDate("2024-01-01", "meta")


def test_modified_before_published_is_dropped():
    article = {**ARTICLE, "dateModified": "2024-03-01T00:00:00+01:00"}
    assert dates(page(ld(article))).modified is None


def test_years_before_1990_are_not_dates():
    assert dates(page('<meta name="date" content="1970-01-01">')).published is None


def test_tree_is_not_changed():
    html = page(ld(ARTICLE), '<h1>Story</h1><p>March 5, 2024</p>')
    tree = lxml.html.fromstring(html)
    before = etree.tostring(tree)
    find_dates(tree, read_structured(tree), url=None, fetched_at=FETCHED)
    assert etree.tostring(tree) == before


# --------------------------------------------------------------------------- hints


def test_feed_hint_where_the_page_gives_nothing():
    hints = (DateHint("2024-03-05T10:00:00+00:00", "feed", "published"),)
    assert dates(page(), hints=hints).published == FoundDate(
        "2024-03-05T10:00:00+00:00", "feed")


def test_rfc_2822_feed_date_read():
    hints = (DateHint("Tue, 05 Mar 2024 10:00:00 GMT", "feed", "published"),)
    assert dates(page(), hints=hints).published == FoundDate("2024-03-05T10:00:00Z", "feed")


def test_page_declaration_beats_a_hint():
    hints = (DateHint("2024-03-01", "feed", "published"),)
    assert dates(page(ld(ARTICLE)), hints=hints).published.source == "json-ld"


def test_a_lastmod_is_a_modification_only():
    found = dates(page(ld({"@type": "Article", "datePublished": "2024-03-05"})),
                  hints=(DateHint("2024-04-01", "sitemap", "modified"),))
    assert found.published == FoundDate("2024-03-05", "json-ld")
    assert found.modified == FoundDate("2024-04-01", "sitemap")
    assert dates(page(), hints=(DateHint("2024-04-01", "sitemap", "modified"),)).published \
        is None


def test_news_sitemap_publication_and_lastmod():
    hints = (DateHint("2024-04-01", "sitemap", "modified"),
             DateHint("2024-03-05T08:00:00Z", "sitemap", "published"))
    found = dates(page(), hints=hints)
    assert found.published == FoundDate("2024-03-05T08:00:00Z", "sitemap")
    assert found.modified == FoundDate("2024-04-01", "sitemap")


def test_feed_before_sitemap():
    hints = (DateHint("2024-03-04", "sitemap", "published"),
             DateHint("2024-03-05", "feed", "published"))
    assert dates(page(), hints=hints).published == FoundDate("2024-03-05", "feed")


def test_future_hints_are_dropped():
    assert dates(page(), hints=(DateHint("2030-01-01", "feed", "published"),)).published is None


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(("raw", "value"), [
    ("2024-03-05T09:30:00+05:30", "2024-03-05T09:30:00+05:30"),
    ("2024-03-05T09:30:00.123Z", "2024-03-05T09:30:00Z"),
    ("2024-03-05T09:30:00+0530", "2024-03-05T09:30:00+05:30"),
    ("2024-03-05 09:30", "2024-03-05T09:30"),
    ("2024-03-05T23:30:00-05:00", "2024-03-05T23:30:00-05:00"),  # never made UTC
    ("Tue, 05 Mar 2024 09:30:00 GMT", "2024-03-05T09:30:00Z"),
    ("March 5, 2024", "2024-03-05"),
    ("2024-03-05", "2024-03-05"),
])
def test_values_keep_time_and_offset_as_given(raw, value):
    head = f'<meta property="article:published_time" content="{raw}">'
    assert dates(page(head)).published.value == value


@pytest.mark.parametrize(("raw", "mdy", "day"), [
    ("03/05/2024", True, "2024-03-05"), ("03/05/2024", False, "2024-05-03"),
    ("13/05/2024", True, "2024-05-13"),  # no 13th month: day first whatever the page
    ("03.05.2024", True, "2024-05-03"),  # dots: day first
    ("2024/03/05", False, "2024-03-05"),
])
def test_parse_value_numeric_order(raw, mdy, day):
    when = parse_value(raw, mdy)
    assert when is not None and when.value == day


@pytest.mark.parametrize("raw", ["", "soon", "2024-13-01", "1985-03-05", "31/02/2024", None, 7])
def test_parse_value_rejects_what_is_no_day(raw):
    assert parse_value(raw, True) is None


def test_parse_value_keeps_the_instant():
    when = parse_value("2024-03-05T23:30:00-05:00", True)
    assert when is not None and when.moment is not None
    assert when.moment.astimezone(UTC).isoformat() == "2024-03-06T04:30:00+00:00"
    assert when.day.isoformat() == "2024-03-05"


def test_same_instant_declared_with_the_local_offset_is_preferred():
    head = ld({"@type": "Article", "datePublished": "2024-03-06T02:00:00Z"}) + (
        '<meta property="article:published_time" content="2024-03-05T21:00:00-05:00">')
    assert dates(page(head)).published == FoundDate("2024-03-05T21:00:00-05:00", "meta")


def test_utc_value_given_as_the_urls_local_day():
    head = ld({"@type": "Article", "datePublished": "2024-03-06T02:00:00Z"})
    found = dates(page(head), url="https://example.com/2024/03/05/story")
    assert found.published == FoundDate("2024-03-05", "url")


def test_shown_local_day_beats_a_utc_declaration_of_the_next_day():
    head = ld({"@type": "Article", "datePublished": "2024-03-06T02:00:00Z"})
    body = "<h1>Story</h1><p>March 5, 2024</p>"
    assert dates(page(head, body)).published == FoundDate("2024-03-05", "text")


@pytest.mark.parametrize(("lang", "url", "day"), [
    ("en-US", "https://example.com/a", "2024-05-03"),
    ("en", "https://example.com/a", "2024-05-03"),
    ("en-GB", "https://example.com/a", "2024-03-05"),
    ("en", "https://example.co.uk/a", "2024-03-05"),
    ("de", "https://example.de/a", "2024-03-05"),
])
def test_numeric_day_month_order_from_the_language(lang, url, day):
    body = "<h1>Story</h1><p>05/03/2024</p>"
    assert dates(page(body=body, lang=lang), url=url).published.value == day


def test_dotted_dates_are_day_first_and_a_declared_reading_wins():
    body = "<h1>Story</h1><p>05.03.2024</p>"
    assert dates(page(body=body)).published.value == "2024-03-05"
    declared = ld({"@type": "Article", "datePublished": "2024-05-03T10:00:00+02:00"})
    assert dates(page(declared, body)).published == FoundDate(
        "2024-05-03T10:00:00+02:00", "json-ld")


def test_a_reading_in_the_future_is_not_taken():
    body = "<h1>Story</h1><p>05/07/2024</p>"  # 7 May; 5 July is after the fetch
    assert dates(page(body=body, lang="en-GB")).published.value == "2024-05-07"


@pytest.mark.parametrize(("text", "day"), [
    ("5. März 2024", "2024-03-05"), ("5 mars 2024", "2024-03-05"),
    ("5 de marzo de 2024", "2024-03-05"), ("2024年3月5日", "2024-03-05"),
    ("March 5th, 2024", "2024-03-05"), ("Mar. 5, 2024", "2024-03-05"),
])
def test_dates_written_out_in_several_languages(text, day):
    body = f"<h1>Story</h1><p>{text}</p>"
    assert dates(page(body=body, lang="xx")).published.value == day


# --------------------------------------------------------------------------- real-world shapes

#: Saved pages shaped as common CMSs and news sites write them, with what a
#: reader sees as their dates (tests/data/dates/README.md says what each shows).
EXPECTED = {
    "wordpress_yoast.html": (FoundDate("2023-11-14T08:12:40+00:00", "json-ld"),
                             FoundDate("2024-01-09T16:03:11+00:00", "json-ld")),
    "elementor_updated.html": (FoundDate("2022-07-19T10:00:00+00:00", "meta"),
                               FoundDate("2024-02-20T12:30:00+00:00", "meta")),
    "news_local_day.html": (FoundDate("2024-02-29T21:15:00-05:00", "json-ld"),
                            FoundDate("2024-03-01T09:40:00-05:00", "json-ld")),
    "blog_dateline_above.html": (FoundDate("2024-04-12", "text"), None),
    "german_numeric.html": (FoundDate("2024-03-04", "text"), None),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_world_shaped_pages(name):
    raw = (PAGES / name).read_text(encoding="utf-8")
    tree, _, _ = parse_page(raw)
    assert tree is not None
    url = tree.xpath('string(//link[@rel="canonical"]/@href)') or None
    found = find_dates(tree, read_structured(tree), url=url, fetched_at=FETCHED,
                       fallback="2020-01-01")
    assert (found.published, found.modified) == EXPECTED[name]
