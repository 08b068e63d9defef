from __future__ import annotations

import lxml.html

from crawler.extraction.markup import ElementHidingRules, MarkupRules, clean_markup, easylist

BODY = "<p>" + "The council met on Tuesday to discuss the harbour budget. " * 5 + "</p>"


def page(inner: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(
        f"<html><body><article>{BODY}{inner}</article></body></html>")


def text_after(inner: str, rules: MarkupRules = MarkupRules(), url: str = "https://x.example/a"):
    tree = page(inner)
    counts = clean_markup(tree, url, rules, source=inner)
    return tree.text_content(), counts


def test_ad_network_slots_go() -> None:
    text, counts = text_after(
        '<ins class="adsbygoogle">Ad label one</ins>'
        '<iframe src="https://tpc.googlesyndication.com/x">Ad frame</iframe>'
        '<div data-ad-slot="12">Slot text</div>'
        '<iframe src="https://www.youtube.com/embed/x">Video kept</iframe>')
    assert "Ad label one" not in text and "Ad frame" not in text and "Slot text" not in text
    assert "Video kept" in text and "harbour budget" in text
    assert counts["adnet"] == 3


def test_hidden_elements_go() -> None:
    text, counts = text_after('<div hidden>Secret one</div><p style="display: none">Secret two</p>'
                              '<span aria-hidden="true">Secret three</span>'
                              '<p style="color:red">Shown</p>')
    assert "Secret" not in text and "Shown" in text
    assert counts["hidden"] == 3


def test_an_element_gone_with_a_removed_ancestor_is_not_counted_again() -> None:
    # ad-network slots are removed first; the hidden label inside one goes with it
    text, counts = text_after('<div data-ad-slot="7">Slot <span hidden>Label</span></div>'
                              '<p style="display:none">Other</p>')
    assert "Slot" not in text and "Label" not in text and "Other" not in text
    assert counts["adnet"] == 1 and counts["hidden"] == 1, counts


def test_shown_text_leaves_out_what_no_reader_sees() -> None:
    from crawler.extraction.markup import shown_text

    tree = lxml.html.document_fromstring(
        "<html><head><title>Head title</title></head><body><p>Seen</p>"
        '<script type="application/ld+json">{"articleBody": "In a script"}</script>'
        "<style>p {}</style><noscript><p>No script</p></noscript>"
        "<template><p>In a template</p></template><div><b>Seen too</b></div></body></html>")
    assert " ".join(shown_text(tree)).split() == ["Seen", "Seen", "too"]


def test_large_elements_are_never_removed() -> None:
    tree = lxml.html.document_fromstring(
        f'<html><body><div data-ad-unit="wrap">{BODY * 6}</div></body></html>')
    clean_markup(tree, None, MarkupRules(), source="data-ad-unit")
    assert "harbour budget" in tree.text_content()


STORY = "".join(f"<p>Paragraph {i} of the story on the harbour budget and what it costs.</p>"
                for i in range(30))


def _copies(html: str) -> tuple[int, dict[str, int]]:
    tree = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
    counts = clean_markup(tree, None, MarkupRules(), source=html)
    return tree.text_content().count("Paragraph 7 of"), counts


def test_a_long_hidden_copy_of_the_story_goes() -> None:
    # schema.org markup in a display:none box says the whole story again
    copies, counts = _copies(f"<article>{STORY}</article>"
                             f'<div style="display:none" itemscope><div itemprop="articleBody">'
                             f"{STORY}</div></div>")
    assert copies == 1 and counts["hidden"] == 1


def test_a_long_hidden_story_said_nowhere_else_stays() -> None:
    # a story a script reveals; its JSON-LD articleBody is no copy a reader sees
    body = lxml.html.fromstring(f"<div>{STORY}</div>").text_content()
    script = f'<script type="application/ld+json">{{"articleBody": "{body}"}}</script>'
    copies, counts = _copies(f'<div style="display:none">{STORY}</div>{script}')
    assert copies == 2 and counts["hidden"] == 0


def test_of_two_hidden_copies_one_stays() -> None:
    copies, counts = _copies(f'<div style="display:none">{STORY}</div><div hidden>{STORY}</div>')
    assert copies == 1 and counts["hidden"] == 1


def test_easylist_rules_parse_and_match() -> None:
    rules = ElementHidingRules.parse([
        "! comment", "###top-ad", "##.sponsor-box", '##div[id^="dfp-"]',
        '##a[href^="http://clicks.example/"]', "safe.example#@#.sponsor-box",
    ])
    assert rules.matches_id("top-ad", "x.example") and rules.matches_id("dfp-12", "x.example")
    assert rules.matches_class("story sponsor-box", "x.example")
    assert not rules.matches_class("story sponsor-box", "safe.example")  # listed exception
    assert not rules.matches_class("story", "x.example")
    assert rules.matches_href("http://clicks.example/go?id=1")
    tree = lxml.html.document_fromstring(
        '<html><body><div id="top-ad">A</div><div class="x sponsor-box">B</div>'
        '<a href="http://clicks.example/1">C</a><p class="sponsor">D</p></body></html>')
    found = {el.text for el in rules.find(tree, "x.example")}
    assert found == {"A", "B", "C"}


def test_shipped_easylist_is_loaded_with_its_licence() -> None:
    rules = easylist()
    assert len(rules.ids) > 5000 and len(rules.classes) > 5000
    from importlib import resources

    head = resources.files("crawler.extraction").joinpath("data/easylist-generic.txt") \
        .read_text("utf-8")[:600]
    assert "CC BY-SA" in head and "GPL" in head


def test_easylist_is_off_by_default_and_works_when_on() -> None:
    inner = '<div class="adsbox">Buy now</div>'
    assert "Buy now" in text_after(inner)[0]
    text, counts = text_after(inner, MarkupRules(easylist=True))
    assert "Buy now" not in text and counts["easylist"] == 1
