"""crawler.extraction.metadata.headline: the headline, not "Headline | Site name"."""

from __future__ import annotations

import json

import lxml.html
import pytest

from crawler.extraction.metadata.headline import find_title
from crawler.extraction.metadata.structured import read_structured

URL = "https://www.example-news.com/2024/05/some-story"


def page(head: str = "", body: str = "") -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def title(head: str = "", body: str = "", *, url: str | None = URL,
          sitename: str | None = None, fallback: str | None = None) -> str | None:
    tree = page(head, body)
    return find_title(tree, read_structured(tree), url=url, sitename=sitename,
                      fallback=fallback)


def site_meta(name: str) -> str:
    return f'<meta property="og:site_name" content="{name}">'


@pytest.mark.parametrize("declared", [
    "Rates rise again | Daily Planet",
    "Rates rise again - Daily Planet",
    "Rates rise again – Daily Planet",
    "Rates rise again — Daily Planet",
    "Rates rise again · Daily Planet",
    "Rates rise again » Daily Planet",
    "Rates rise again :: Daily Planet",
    "Daily Planet | Rates rise again",
    "Daily Planet: Rates rise again",
    "Daily Planet » News » Rates rise again",
])
def test_site_name_cut_from_either_end_whatever_the_separator(declared):
    head = f"<title>{declared}</title>{site_meta('Daily Planet')}"
    assert title(head) == "Rates rise again"


def test_what_follows_the_site_name_goes_with_it():
    head = "<title>Rates rise again - Daily Planet - Your city, your news</title>"
    assert title(head, url="https://dailyplanet.example/x") == "Rates rise again"


def test_site_name_known_from_the_host_name_alone():
    assert title("<title>Rates rise again | Example News</title>") == "Rates rise again"
    assert title("<title>Rates rise again - example-news.com</title>") == "Rates rise again"


def test_site_name_known_from_json_ld_publisher_and_website():
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "The Courier"},
        {"@type": "WebPage", "name": "Rates rise again | The Courier"}]}
    head = (f'<title>Rates rise again | The Courier</title>'
            f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    assert title(head, url="https://courier.example/x") == "Rates rise again"


def test_site_name_abbreviated_by_its_initials_in_the_host():
    head = "<title>Easy Car Maintenance Checklist | Farm Bureau Financial Services</title>"
    assert title(head, url="https://www.fbfs.com/learning/car") == "Easy Car Maintenance Checklist"


def test_site_name_begun_by_a_name_the_page_gives():
    head = f"<title>Puppy training basics | VCA Animal Hospitals</title>{site_meta('VCA')}"
    assert title(head, url="https://vcahospitals.example/p") == "Puppy training basics"


def test_a_stray_separator_at_an_end_goes():
    assert title("<title>Top home gym must haves ⋆</title>") == "Top home gym must haves"


def test_a_heading_loses_a_section_word_too():
    body = "<article><h1>How meditation rewires the brain | Opinion</h1></article>"
    assert title("", body) == "How meditation rewires the brain"


def test_headline_with_its_own_dash_and_colon_is_kept():
    head = ("<title>Brexit: the deal - what it means | Daily Planet</title>"
            + site_meta("Daily Planet"))
    assert title(head) == "Brexit: the deal - what it means"
    # no evidence that either side names the site: nothing is cut
    assert title("<title>Spider-Man - Far From Home review</title>") == (
        "Spider-Man - Far From Home review")
    assert title("<title>Review: a quiet triumph</title>") == "Review: a quiet triumph"


def test_h1_of_the_article_beats_the_seo_title():
    head = f"<title>Rates Rise: 5 Things to Know | Daily Planet</title>{site_meta('Daily Planet')}"
    body = "<article><h1>The central bank raised rates for the fifth time</h1><p>Text</p></article>"
    assert title(head, body) == "The central bank raised rates for the fifth time"


def test_h1_and_og_title_agreeing_give_the_h1_text():
    head = ('<meta property="og:title" content="Rates rise again - Markets - Daily Planet">'
            "<title>Rates rise again - Markets - Daily Planet</title>")
    body = "<main><h1>Rates rise again</h1></main>"
    assert title(head, body) == "Rates rise again"


def test_logo_h1_in_the_page_header_is_ignored():
    head = f"<title>Rates rise again | Daily Planet</title>{site_meta('Daily Planet')}"
    body = ('<header class="site-header"><h1><a href="/">Daily Planet</a></h1></header>'
            "<article><h1>Rates rise again</h1></article>")
    assert title(head, body) == "Rates rise again"
    # a logo is known as one by its link to the home page, even without a site name
    body = ('<div class="top"><h1><a href="https://www.example-news.com/">The Planet Morning '
            "Gazette</a></h1></div><div><h1>Rates rise again</h1></div>")
    assert title("", body) == "Rates rise again"


def test_a_heading_inside_a_link_home_is_a_logo():
    body = ('<a href="/"><div class="brand-box"><h1>The Planet Morning Gazette</h1></div></a>'
            "<div><h1>Rates rise again</h1></div>")
    assert title("", body) == "Rates rise again"


def test_h1_in_the_page_header_counts_less_than_the_articles():
    body = ('<header><h1>Storms expected on the coast tonight</h1></header>'
            "<article><h1>Rates rise again for the fifth time</h1></article>")
    assert title("", body) == "Rates rise again for the fifth time"


def test_headings_of_navigation_sidebar_footer_and_cookie_banner_are_ignored():
    body = ('<div id="cookie-consent"><h1>We value your privacy</h1></div>'
            '<nav><h1>Sections</h1></nav><aside><h1>Most read stories today</h1></aside>'
            "<div class='content'><h1>Rates rise again for the fifth time</h1></div>"
            "<footer><h1>About this newspaper</h1></footer>")
    assert title("", body) == "Rates rise again for the fifth time"


def test_several_h1_the_one_agreeing_with_the_declared_title_wins():
    # nothing says "Planet Daily" is the site's name: the title agrees with the
    # heading it starts with
    head = "<title>Rates rise again for the fifth time - Planet Daily</title>"
    body = ("<div><h1>Analysis from our markets desk</h1>"
            "<h1>Rates rise again for the fifth time</h1><h1>What comes next</h1></div>")
    assert title(head, body, url="https://news.example/x") == (
        "Rates rise again for the fifth time")


def test_a_one_or_two_word_h1_is_a_section_label_not_the_headline():
    head = ('<meta property="og:title" content="Cybersecurity sector update, fall 2025">'
            "<title>Cybersecurity sector update, fall 2025</title>")
    body = "<main><h1>M&amp;A Updates</h1></main>"
    assert title(head, body) == "Cybersecurity sector update, fall 2025"


def test_no_h1_the_declared_title_is_trimmed():
    head = (f'<meta property="og:title" content="Rates rise again">{site_meta("Daily Planet")}'
            "<title>Rates rise again | Daily Planet</title>")
    assert title(head, "<p>Text</p>") == "Rates rise again"


def test_json_ld_headline_of_the_article_object():
    ld = {"@context": "https://schema.org", "@type": "NewsArticle",
          "headline": "Rates rise &amp; markets fall", "publisher": {"name": "Daily Planet"}}
    head = (f'<script type="application/ld+json">{json.dumps(ld)}</script>'
            "<title>Daily Planet - breaking news, sport and weather</title>")
    assert title(head) == "Rates rise & markets fall"


def test_json_ld_headline_and_h1_outvote_a_different_og_title():
    ld = {"@type": "BlogPosting", "headline": "How we rebuilt the search index"}
    head = (f'<script type="application/ld+json">{json.dumps(ld)}</script>'
            '<meta property="og:title" content="Search index rebuild: 7 lessons">'
            '<title>Search index rebuild: 7 lessons</title>')
    body = "<article><h1>How we rebuilt the search index</h1></article>"
    assert title(head, body) == "How we rebuilt the search index"


def test_h1_and_og_title_disagreeing_without_other_evidence_the_article_h1_wins():
    head = '<meta property="og:title" content="Top 10 cameras of 2025 | Snap Shop">'
    body = "<article><h1>The ten cameras our testers loved this year</h1></article>"
    assert title(head, body, url="https://snapshop.example/c") == (
        "The ten cameras our testers loved this year")


def test_the_callers_site_name_that_is_the_headline_is_not_cut():
    # trafilatura takes a part of <title> with a dot in it for the site's name
    head = "<title>KDE 4.9.3 Has Been Officially Released - Softpedia</title>"
    body = "<div><h1>KDE 4.9.3 Has Been Officially Released</h1></div>"
    assert title(head, body, url=None, sitename="KDE 4.9.3 Has Been Officially Released") == (
        "KDE 4.9.3 Has Been Officially Released")
    # a sentence is no site's name; nothing shows that the other part is one
    head = "<title>Today, I Only Care That You Vote. | Peter Shankman</title>"
    assert title(head, url=None, sitename="Today, I Only Care That You Vote.") == (
        "Today, I Only Care That You Vote. | Peter Shankman")


def test_the_callers_site_name_that_would_leave_nothing_is_dropped():
    head = "<title>Ed Brill - Updating entitlements in Notes/Domino 8.5.3</title>"
    body = '<div id="header"><h1>Ed Brill</h1></div><p>Text</p>'
    assert title(head, body, url=None, sitename="Updating entitlements in Notes/Domino 8.5.3") == (
        "Updating entitlements in Notes/Domino 8.5.3")


def test_the_callers_site_name_cuts_a_title():
    assert title("<title>Rates rise again ~ The Planet</title>", url=None,
                 sitename="The Planet") == "Rates rise again"


def test_old_blog_theme_blog_name_in_h1_post_title_in_title():
    head = "<title>Seth's Blog: Entering sync markets</title>"
    body = ('<div id="banner"><h1>Seth\'s Blog</h1></div>'
            "<div class='entry'><h3>Entering sync markets</h3><p>Text</p></div>")
    assert title(head, body, url=None) == "Entering sync markets"


def test_text_cleaned_entities_spaces_quotes_and_scripts():
    body = ('<article><h1>  Rates\n rise<br>again <script>var x = 1;</script>'
            "<span>&amp; fall</span></h1></article>")
    assert title("", body) == "Rates rise again & fall"
    head = '<meta property="og:title" content="&quot;Quoted headline&quot;">'
    assert title(head) == "Quoted headline"


def test_an_icons_svg_title_is_no_title():
    body = '<a href="/share"><svg><title>Share on Facebook</title></svg></a><p>Text</p>'
    assert title("", body, fallback="From trafilatura") == "From trafilatura"


def test_nothing_on_the_page_gives_the_fallback():
    assert title("", "<p>Only text</p>", fallback="  From trafilatura ") == "From trafilatura"
    assert title("", "<p>Only text</p>") is None


def test_the_tree_is_not_changed():
    head = f"<title>Rates rise again | Daily Planet</title>{site_meta('Daily Planet')}"
    body = "<header><h1>Daily Planet</h1></header><article><h1>Rates rise again</h1></article>"
    tree = page(head, body)
    before = lxml.html.tostring(tree)
    find_title(tree, read_structured(tree), url=URL)
    assert lxml.html.tostring(tree) == before


def test_odd_urls_and_values_do_not_raise():
    assert title("<title>Rates rise again</title>", url="http://[bad") == "Rates rise again"
    ld = {"@type": "Article", "headline": ["not", "a", "string"], "publisher": "Daily Planet"}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    assert title(head, "<h1>Rates rise again</h1>") == "Rates rise again"
