"""crawler.extraction.metadata.media: the lead image, the body's images with
captions and credits, and the caption blocks taken out of the text."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.etree
import pytest

from crawler.extraction import core
from crawler.extraction.classify import keep_mask, never_body
from crawler.extraction.markup import clean_markup
from crawler.extraction.metadata.media import Image, find_images
from crawler.extraction.metadata.structured import read_structured
from crawler.extraction.segment import Segment, segment

URL = "https://news.example/2026/05/bridge-reopens"
ADCORPUS = Path(__file__).parent / "data" / "adcorpus"

STORY = ("The old river bridge reopened on Tuesday after two years of repairs, and the first "
         "cars crossed it a little after six in the morning while a small crowd watched.")
MORE = ("Engineers replaced the deck and both approaches, and the council says the work came "
        "in under budget despite a wet winter that stopped the crews for several weeks.")


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def _tree(html: str):
    tree, _, _ = core.parse_page(html)
    assert tree is not None
    return tree


def _find(html: str, *, keep=None, url: str | None = URL, fallback: str | None = None):
    """find_images on a page whose kept blocks are its paragraphs of the story
    (``keep``: another rule), as the block classifier would keep them."""
    tree = _tree(html)
    segments = segment(tree)
    rule = keep or (lambda s: s.text in (STORY, MORE))
    kept = [rule(s) for s in segments]
    return find_images(tree, read_structured(tree), segments, kept, url=url,
                       fallback=fallback), segments


def _article(*middle: str, head: str = "", after: str = "") -> str:
    return _page(f"<nav><a href='/'>Home</a></nav><article><h1>Bridge reopens</h1>"
                 f"<div class='entry-content'><p>{STORY}</p>{''.join(middle)}<p>{MORE}</p></div>"
                 f"</article>{after}", head)


# ----------------------------------------------------------------- the lead


def test_og_image_is_the_lead_resolved_against_base():
    html = _article(head="<base href='https://cdn.news.example/site/'>"
                         "<meta property='og:image' content='img/bridge.jpg'>")
    images, _ = _find(html)
    assert images.lead == Image("https://cdn.news.example/site/img/bridge.jpg", None, None)


@pytest.mark.parametrize("og", [
    "https://news.example/static/logo.png",
    "https://news.example/themes/site/images/site-logo-white.png",
    "https://news.example/favicon.ico",
    "https://news.example/img/spacer.gif",
    "https://news.example/icons/share.png",
    "https://secure.gravatar.com/avatar/abc?s=96",
    "https://news.example/brand/mark.svg",
    "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
])
def test_logo_icon_pixel_and_svg_are_never_the_lead(og):
    html = _article("<figure><img src='/photos/bridge-open.jpg' width='1200' height='800'>"
                    "</figure>", head=f"<meta property='og:image' content='{og}'>")
    images, _ = _find(html)
    assert images.lead is not None
    assert images.lead.url == "https://news.example/photos/bridge-open.jpg"


def test_the_publishers_logo_and_small_declared_images_are_not_the_lead():
    ld = {"@context": "https://schema.org", "@type": "NewsArticle",
          "publisher": {"@type": "Organization", "logo": {"url": "/brand/mark-600.png"}}}
    html = _article(head=f"<meta property='og:image' content='/brand/mark-600.png'>"
                         f"<meta name='twitter:image' content='/img/tiny.jpg'>"
                         f"<script type='application/ld+json'>{json.dumps(ld)}</script>")
    images, _ = _find(html)
    # the og:image is the publisher's logo; the twitter image has no size, so it stands
    assert images.lead == Image("https://news.example/img/tiny.jpg", None, None)
    html = _article(head="<meta property='og:image' content='/img/card.jpg'>"
                         "<meta property='og:image:width' content='40'>")
    assert _find(html)[0].lead is None


def test_json_ld_image_object_by_reference_gives_caption_and_credit():
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "headline": "Bridge reopens",
         "image": {"@id": "https://news.example/#primaryimage"}},
        {"@type": "ImageObject", "@id": "https://news.example/#primaryimage",
         "url": "https://news.example/photos/deck.jpg", "caption": " The new   deck ",
         "creditText": "Photo: Jane Doe/AP"}]}
    html = _article(head=f"<script type='application/ld+json'>{json.dumps(graph)}</script>")
    images, _ = _find(html)
    assert images.lead == Image("https://news.example/photos/deck.jpg", "The new deck",
                                "Jane Doe/AP")


def test_a_thumbnail_og_image_gives_way_to_a_larger_one():
    html = _article(head="<meta property='og:image' content='/up/bridge-220x124.jpg'>"
                         "<meta property='og:image' content='/up/bridge.jpg'>")
    assert _find(html)[0].lead.url == "https://news.example/up/bridge.jpg"


def test_without_declared_image_the_first_large_body_image_then_the_fallback():
    html = _article("<p><img src='/img/chart.png' width='120'></p>"
                    "<figure><img src='/img/crowd.jpg' width='900'></figure>")
    images, _ = _find(html)
    assert images.lead.url == "https://news.example/img/crowd.jpg"
    images, _ = _find(_article(), fallback="/img/from-trafilatura.jpg")
    assert images.lead == Image("https://news.example/img/from-trafilatura.jpg", None, None)
    images, _ = _find(_article(), fallback="/img/logo.png")
    assert images.lead is None


# ----------------------------------------------------------------- body images


def test_body_images_in_document_order_without_duplicates_or_furniture():
    html = _article(
        "<figure><img src='/img/one.jpg?w=600' width='600'></figure>",
        "<p><img src='/img/emoji.png' class='emoji' alt=':)'><img src='/img/two.jpg'></p>",
        "<div><img src='/img/one.jpg?w=1200'></div>",  # the same picture, larger
        "<div class='share-bar'><img src='/img/fb-large.png' width='200'></div>",
        "<p><img src='/img/pixel.gif' width='1' height='1'></p>",
        "<div class='author-box'><img src='/img/jane.jpg' width='80'>"
        "<p>Jane Doe writes about roads and rivers for the paper.</p></div>",
        after="<aside class='sidebar'><img src='/img/promo.jpg' width='300'>"
              "<a href='/subscribe'>Subscribe now</a></aside>"
              "<div class='ad-slot'><img src='/img/banner.jpg' width='728'></div>")
    images, _ = _find(html)
    assert [i.url for i in images.body] == ["https://news.example/img/one.jpg?w=600",
                                            "https://news.example/img/two.jpg"]


def test_an_image_box_with_dropped_text_is_furniture():
    teaser = ("<div class='card'><img src='/img/other-story.jpg' width='400'>"
              "<h3>Another story from the archive you may like</h3></div>")
    images, _ = _find(_article(teaser))
    assert images.body == []


def test_image_between_headline_and_text_is_in_the_body():
    html = _page(f"<article><header><h1>Bridge reopens after two years</h1></header>"
                 f"<figure><img src='/img/hero.jpg'><figcaption>The bridge at dawn."
                 f"</figcaption></figure><div class='text'><p>{STORY}</p><p>{MORE}</p></div>"
                 f"<div class='tags'><img src='/img/after.jpg'></div></article>")
    images, _ = _find(html, keep=lambda s: s.tag in ("h1", "p"))
    assert images.body == [Image("https://news.example/img/hero.jpg", "The bridge at dawn.",
                                 None)]


# ----------------------------------------------------------------- captions and credits


@pytest.mark.parametrize(("caption", "expected"), [
    ("<figcaption>Cars cross at dawn. <span class='credit'>Photo: Jane Doe/AP</span>"
     "</figcaption>", ("Cars cross at dawn.", "Jane Doe/AP")),
    ("<figcaption>Cars cross at dawn. <small>© Jane Doe</small></figcaption>",
     ("Cars cross at dawn.", "Jane Doe")),
    ("<figcaption>Cars cross at dawn. Photo: Jane Doe/AP</figcaption>",
     ("Cars cross at dawn.", "Jane Doe/AP")),
    ("<figcaption>Cars cross at dawn (AP Photo/Evan Vucci)</figcaption>",
     ("Cars cross at dawn", "AP Photo/Evan Vucci")),
    ("<figcaption><span class='caption-text'>Cars cross at dawn.</span>"
     "<span class='caption-credit'>Getty Images</span></figcaption>",
     ("Cars cross at dawn.", "Getty Images")),
    ("<figcaption>Cars cross at dawn.</figcaption><p class='photo-copyright'>Jane Doe</p>",
     ("Cars cross at dawn.", "Jane Doe")),
    ("<div class='image-caption'>Cars cross at dawn. Foto: dpa</div>",
     ("Cars cross at dawn.", "dpa")),
    ("<p>Cars cross at dawn.</p>", ("Cars cross at dawn.", None)),
])
def test_figure_caption_and_credit(caption, expected):
    html = _article(f"<figure><img src='/img/dawn.jpg'>{caption}</figure>")
    images, _ = _find(html)
    assert [(i.caption, i.credit) for i in images.body] == [expected]


def test_wordpress_and_blogger_captions_are_caption_blocks():
    wp = ("<div class='wp-caption aligncenter'><a href='/img/deck-full.jpg'>"
          "<img src='/img/deck-600.jpg' width='600'></a>"
          "<p class='wp-caption-text'>The new deck, seen from the east bank.</p></div>")
    blogger = ("<table class='tr-caption-container'><tbody><tr><td><a href='/x.jpg'>"
               "<img src='/img/piers.jpg' width='400'></a></td></tr><tr>"
               "<td class='tr-caption'>Piers were rebuilt (Photo: City Hall)</td></tr>"
               "</tbody></table>")
    keep_too = ("The new deck, seen from the east bank.", "Piers were rebuilt (Photo: City Hall)")
    images, segments = _find(_article(wp, blogger),
                             keep=lambda s: s.text in (STORY, MORE, *keep_too))
    assert images.body == [
        Image("https://news.example/img/deck-600.jpg", "The new deck, seen from the east bank.",
              None),
        Image("https://news.example/img/piers.jpg", "Piers were rebuilt", "City Hall")]
    assert sorted(segments[i].text for i in images.caption_blocks) == sorted(keep_too)


def test_caption_blocks_are_only_kept_blocks_of_captions():
    html = _article("<figure><img src='/img/dawn.jpg'><figcaption>Cars cross at dawn."
                    "</figcaption></figure>")
    images, _ = _find(html)  # the classifier dropped the caption: nothing to take out
    assert images.body[0].caption == "Cars cross at dawn."
    assert images.caption_blocks == frozenset()
    images, segments = _find(html, keep=lambda s: True)
    assert [segments[i].text for i in images.caption_blocks] == ["Cars cross at dawn."]


def test_a_linked_card_title_is_no_caption():
    card = ("<figure><a href='/2026/04/ferry'><img src='/img/ferry.jpg'>"
            "<figcaption>Ferry service returns</figcaption></a></figure>")
    images, _ = _find(_article(card), keep=lambda s: True)
    assert [(i.url, i.caption) for i in images.body] == [
        ("https://news.example/img/ferry.jpg", None)]
    assert images.caption_blocks == frozenset()


def test_product_cards_are_not_captions():
    card = ("<div class='thumbnail'><img src='/img/kettle.jpg'><div class='caption'>"
            "<h4>Steel kettle</h4><p>Brand: Acme</p><p>Item: K-1</p><p>Price: $40</p>"
            "</div></div>")
    images, _ = _find(_article(card), keep=lambda s: True)
    assert [i.caption for i in images.body] == [None]
    assert images.caption_blocks == frozenset()


# ----------------------------------------------------------------- contract


def test_the_tree_is_not_changed_and_no_kept_block_gives_no_body():
    html = _article("<figure><img src='/img/dawn.jpg'><figcaption>Dawn</figcaption></figure>",
                    head="<meta property='og:image' content='/img/og.jpg'>")
    tree = _tree(html)
    before = lxml.etree.tostring(tree)
    segments = segment(tree)
    images = find_images(tree, read_structured(tree), segments, [False] * len(segments),
                         url=URL)
    assert lxml.etree.tostring(tree) == before
    assert images.body == [] and images.caption_blocks == frozenset()
    assert images.lead == Image("https://news.example/img/og.jpg", None, None)


def test_relative_urls_without_page_url_are_dropped():
    images, _ = _find(_article("<figure><img src='/img/dawn.jpg'></figure>",
                               head="<meta property='og:image' content='/img/og.jpg'>"),
                      url=None)
    assert images.lead is None and images.body == []


def _real(name: str) -> tuple[object, list[Segment], list[bool], str]:
    """A saved page as the extractor holds it: parsed, its ad markup removed,
    its blocks and the block classifier's mask."""
    entry = next(e for e in json.loads((ADCORPUS / "manifest.json").read_text())["pages"]
                 if e["file"] == name)
    text = (ADCORPUS / name).read_text(encoding="utf-8")
    opts = core.ExtractionOptions()
    page = core.analyse(text, entry["url"], None, opts)
    assert isinstance(page, core.PageAnalysis)
    tree, source, _ = core.parse_page(text)
    clean_markup(tree, entry["url"], opts.markup, source=source)
    assert [s.text for s in segment(tree)] == [s.text for s in page.segments]
    return tree, page.segments, keep_mask(page.vectors, never_body(page.segments, page.junk)), \
        entry["url"]


@pytest.mark.parametrize(("name", "expected"), [
    ("pages/en-2.html", Image("https://cdn.theledgerpost.example/img/2026/11/library-tools.jpg",
                              "Volunteers label drills and sanders before the collection "
                              "opened on Monday.", "Jane Doe / Northlight Agency")),
    ("pages/de-2.html", Image("https://bilder.hansestadt-echo.example/2026/11/faehre-linie74.jpg",
                              "Die neue Elektrofähre legt am Altstadtkai an.",
                              "Jana Berg / Nordbild")),
])
def test_saved_article_hero_figure(name, expected):
    tree, segments, kept, url = _real(name)
    images = find_images(tree, read_structured(tree), segments, kept, url=url)
    assert images.body == [expected]
    assert images.lead == expected
