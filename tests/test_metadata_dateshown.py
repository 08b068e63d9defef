"""crawler.extraction.metadata.dateshown: the dates the page's body shows or marks."""

from __future__ import annotations

import lxml.html

from crawler.extraction.metadata.dateshown import (
    Shown,
    headline_element,
    labelled_date,
    marked_dates,
    shown_dates,
)

MDY = True  # the pages below are en-US: numeric dates month first


def tree(body: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f'<html lang="en-US"><head></head><body>{body}'
                                "<p>" + "Body text of the article. " * 20 + "</p></body></html>")


def shown(body: str) -> list[Shown]:
    page = tree(body)
    head = headline_element(page, [])
    assert head is not None
    return shown_dates(page, head, MDY)


def test_the_headline_is_the_h1_matching_the_title():
    page = tree("<div><h1>Harbour Gazette News</h1></div><main><h1>Breakwater to be rebuilt"
                "</h1></main>")
    head = headline_element(page, ["Breakwater to be rebuilt"])
    assert head is not None and head.text_content() == "Breakwater to be rebuilt"


def test_else_the_first_h1_outside_the_page_header():
    page = tree("<header><h1>Harbour Gazette</h1></header><main><h1>Breakwater to be rebuilt"
                "</h1></main>")
    head = headline_element(page, [])
    assert head is not None and head.text_content() == "Breakwater to be rebuilt"


def test_time_shown_under_the_headline_with_its_label():
    found = shown('<h1>Story</h1><p>Published March 3, 2024. Updated: '
                  '<time datetime="2024-03-07">March 7, 2024</time></p>')
    assert [(s.when.value, s.label, s.source, s.after) for s in found] == [
        ("2024-03-03", "published", "text", True), ("2024-03-07", "updated", "time", True)]


def test_time_text_gives_the_local_day_of_a_utc_attribute():
    found = shown('<h1>Story</h1><p><time datetime="2024-03-06T02:00:00Z">March 5, 2024</time>'
                  '</p>')
    assert [(s.when.value, s.source) for s in found] == [("2024-03-05", "time")]


def test_a_numeric_date_keeps_both_readings_likelier_first():
    [found] = shown("<h1>Story</h1><p>Posted 01-04-2024</p>")
    assert [d.isoformat() for d in found.days] == ["2024-01-04", "2024-04-01"]


def test_a_date_inside_a_sentence_near_the_headline_is_not_the_dateline():
    assert shown("<h1>Story</h1><p>The deadline for most people to file is April 15, 2024, "
                 "and you can ask for more time if you need it.</p>") == []


def test_dates_in_comments_sidebars_and_prose_are_not_the_articles():
    body = ('<h1>Story</h1><aside><time datetime="2024-05-01">May 1, 2024</time></aside>'
            '<div class="comments"><p>Posted May 2, 2024</p></div>'
            '<p>' + "On March 3, 2020, the agency said a lot of things about it. " * 4 + '</p>')
    assert shown(body) == []
    assert marked_dates(tree(body), MDY) == (None, None, False)
    assert labelled_date(tree(body), MDY) is None


def test_marks_of_one_day_are_the_articles():
    published, modified, is_shown = marked_dates(tree(
        '<span itemprop="datePublished" content="2024-03-05">March 5, 2024</span>'
        '<time class="updated" datetime="2024-03-06T10:00:00+01:00"></time>'), MDY)
    assert published is not None and published.value == "2024-03-05"
    assert modified is not None and modified.value == "2024-03-06T10:00:00+01:00"
    assert is_shown


def test_dates_of_a_list_of_posts_are_not_marks_of_the_article():
    posts = "".join(f'<li itemprop="datePublished" content="2024-0{m}-01">x</li>'
                    for m in (1, 2, 3))
    assert marked_dates(tree(f"<ul>{posts}</ul>"), MDY) == (None, None, False)


def test_labelled_publication_anywhere_in_the_body():
    page = tree("<h1>Story</h1>" + "<p>" + "Text. " * 300 + "</p><p>Post time: 01-04-2024</p>")
    found = labelled_date(page, MDY)
    assert found is not None and found.value == "2024-01-04"


def test_the_tree_is_not_changed():
    page = tree('<h1>Story</h1><p>By Jane Doe <time datetime="2024-03-05">March 5, 2024</time>'
                '</p><p>Published on March 5, 2024</p>')
    before = lxml.html.tostring(page)
    head = headline_element(page, ["Story"])
    assert head is not None and shown_dates(page, head, MDY)
    marked_dates(page, MDY)
    assert labelled_date(page, MDY) is not None
    assert lxml.html.tostring(page) == before
