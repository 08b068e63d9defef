"""crawler.extraction.metadata.links: the body's outgoing links and the page's
language alternates."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.etree

from crawler.extraction import core
from crawler.extraction.classify import keep_mask, never_body
from crawler.extraction.markup import clean_markup
from crawler.extraction.metadata.links import (
    Alternate,
    Link,
    alternates,
    base_url,
    body_links,
)
from crawler.extraction.segment import segment

URL = "https://news.example/2026/05/bridge-reopens"
ADCORPUS = Path(__file__).parent / "data" / "adcorpus"

PAGE = """<html><head><title>Bridge</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article>
<p>The <a href="https://council.example/roads/bridge">council's   road
 department</a> said the <a href="/2025/01/bridge-closes">bridge closed</a> in 2024
 for repairs <a href="#timeline">described below</a>.</p>
<p id="timeline">Work began in spring. See the <a href="https://council.example/roads/bridge">
 project page</a>, <a href="mailto:press@council.example">e-mail the press office</a>,
 <a href="tel:+15550100">call</a>, <a href="javascript:void(0)">share</a>, or read
 <a href="https://news.example/2026/05/bridge-reopens#comments">the comments</a> and
 <a href="//other.example/report.pdf">the engineers' report</a>.<a href="/img/full.jpg">
 <img src="/img/thumb.jpg"></a></p>
<a href="/2026/04/ferry-returns"><h3>Ferry service returns</h3></a>
<noscript><p><a href="/no-js">Enable scripts</a></p></noscript>
</article>
<footer><p><a href="/privacy">Privacy policy</a> and <a href="/terms">terms</a></p></footer>
</body></html>"""

BODY_TEXTS = ("The council's", "Work began", "Ferry service returns", "Enable scripts")


def _links(html: str = PAGE, url: str | None = URL) -> list[Link]:
    tree, _, _ = core.parse_page(html)
    segments = segment(tree)
    kept = [s.text.startswith(BODY_TEXTS) for s in segments]
    return body_links(tree, segments, kept, url=url)


def test_links_of_kept_blocks_absolute_in_order_deduplicated():
    assert _links() == [
        Link("https://council.example/roads/bridge", "council's road department"),
        Link("https://news.example/2025/01/bridge-closes", "bridge closed"),
        Link("https://other.example/report.pdf", "the engineers' report"),
        Link("https://news.example/2026/04/ferry-returns", "Ferry service returns"),
    ]


def test_navigation_footer_fragments_other_schemes_and_textless_links_are_left_out():
    urls = {link.url for link in _links()}
    assert not urls & {"https://news.example/", "https://news.example/news",
                       "https://news.example/privacy", "https://news.example/terms"}
    assert not any(u.startswith(("mailto:", "tel:", "javascript:")) or "#" in u for u in urls)
    assert "https://news.example/img/full.jpg" not in urls  # an image link has no text
    assert "https://news.example/no-js" not in urls  # <noscript> is never page text


def test_base_href_and_no_url():
    page = PAGE.replace("<title>Bridge</title>",
                        "<title>Bridge</title><base href='https://mirror.example/news/'>")
    assert _links(page)[1] == Link("https://mirror.example/2025/01/bridge-closes",
                                   "bridge closed")
    tree, _, _ = core.parse_page(page)
    assert base_url(tree, URL) == "https://mirror.example/news/"
    # without a page URL, relative links cannot be made absolute (nor the page's
    # own URL known): only the absolute ones stay
    assert [link.url for link in _links(url=None)] == [
        "https://council.example/roads/bridge",
        "https://news.example/2026/05/bridge-reopens#comments"]


def test_nothing_kept_no_links_and_tree_unchanged():
    tree, _, _ = core.parse_page(PAGE)
    before = lxml.etree.tostring(tree)
    segments = segment(tree)
    assert body_links(tree, segments, [False] * len(segments), url=URL) == []
    assert body_links(tree, segments, [True] * len(segments), url=URL)
    assert lxml.etree.tostring(tree) == before


def test_hreflang_alternates():
    html = """<html><head>
    <link rel="alternate" hreflang="en-GB" href="https://news.example/uk/bridge">
    <link rel="alternate" hreflang="de" href="/de/bruecke">
    <link rel="alternate" hreflang="x-default" href="https://news.example/bridge">
    <link rel="alternate" hreflang="de" href="/de/bruecke">
    <link rel="alternate" type="application/rss+xml" hreflang="fr" href="/fr/feed.xml">
    <link rel="alternate" href="/amp/bridge">
    <link rel="canonical" hreflang="en" href="/bridge">
    <link rel="Alternate  nofollow" hreflang=" fr-CA " href="/fr/pont">
    </head><body><p>x</p></body></html>"""
    tree, _, _ = core.parse_page(html)
    assert alternates(tree, url=URL) == [
        Alternate("en-GB", "https://news.example/uk/bridge"),
        Alternate("de", "https://news.example/de/bruecke"),
        Alternate("x-default", "https://news.example/bridge"),
        Alternate("fr-CA", "https://news.example/fr/pont"),
    ]


def test_saved_article_body_links():
    entry = next(e for e in json.loads((ADCORPUS / "manifest.json").read_text())["pages"]
                 if e["file"] == "pages/en-2.html")
    text = (ADCORPUS / entry["file"]).read_text(encoding="utf-8")
    opts = core.ExtractionOptions()
    page = core.analyse(text, entry["url"], None, opts)
    assert isinstance(page, core.PageAnalysis)
    tree, source, _ = core.parse_page(text)
    clean_markup(tree, entry["url"], opts.markup, source=source)
    kept = keep_mask(page.vectors, never_body(page.segments, page.junk))
    urls = [link.url for link in body_links(tree, page.segments, kept, url=entry["url"])]
    # the menu, the sponsored links below the article and the footer are not the body
    assert not any(u.endswith(("/news", "/business", "/privacy", "/terms")) for u in urls)
    assert not any("taboola" in u for u in urls)
    assert all(u.startswith("https://") for u in urls)
