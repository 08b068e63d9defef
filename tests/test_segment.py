"""crawler.extraction.segment: a page cut into text blocks with their markup facts."""

from __future__ import annotations

import lxml.html

from crawler.extraction.segment import (
    ANCESTOR_TAGS,
    GROUP_NAMES,
    block_elements,
    class_tokens,
    page_class_words,
    segment,
)

PAGE = """<html><head><title>T</title><script>var x = 1;</script></head><body>
<nav class="main-menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article class="post-content">
  <h1>A headline</h1>
  <p>First paragraph with <a href="/x">a link</a> and <b>bold</b> text.</p>
  <p>Second<br>line after a break.</p>
  <table><tr><td>cell one</td><td>cell two</td></tr></table>
</article>
<div id="sidebarWidget">Trending now</div>
<footer>Copyright 2026</footer>
</body></html>"""


def _segments():
    return segment(lxml.html.fromstring(PAGE))


def test_blocks_are_cut_at_block_tags_in_document_order():
    texts = [s.text for s in _segments()]
    assert texts == ["Home", "News", "A headline",
                     "First paragraph with a link and bold text.", "Second",
                     "line after a break.", "cell one", "cell two", "Trending now",
                     "Copyright 2026"]


def test_script_text_is_never_a_block():
    assert not any("var x" in s.text for s in _segments())


def test_link_characters_are_counted():
    by_text = {s.text: s for s in _segments()}
    assert by_text["Home"].link_chars == len("Home")
    assert by_text["First paragraph with a link and bold text."].link_chars == len("a link")
    assert by_text["A headline"].link_chars == 0


def test_ancestor_tags_and_class_words_are_counted():
    by_text = {s.text: s for s in _segments()}
    nav = ANCESTOR_TAGS.index("nav")
    article = ANCESTOR_TAGS.index("article")
    footer = ANCESTOR_TAGS.index("footer")
    assert by_text["Home"].tags[nav] == 1 and by_text["Home"].tags[article] == 0
    assert by_text["A headline"].tags[article] == 1
    assert by_text["Copyright 2026"].tags[footer] == 1
    groups = dict(zip(GROUP_NAMES, by_text["Home"].groups, strict=True))
    assert groups["nav"] == 1  # class="main-menu": "menu"
    groups = dict(zip(GROUP_NAMES, by_text["Trending now"].groups, strict=True))
    assert groups["side"] == 2  # id="sidebarWidget": camel case split, "sidebar" and "widget"
    groups = dict(zip(GROUP_NAMES, by_text["A headline"].groups, strict=True))
    assert groups["content"] == 2  # class="post-content": "post" and "content"


def test_cells_of_one_row_share_a_row_and_the_owner_tag_is_kept():
    by_text = {s.text: s for s in _segments()}
    assert by_text["cell one"].row == by_text["cell two"].row != -1
    assert by_text["cell one"].tag == "td"
    assert by_text["A headline"].tag == "h1"
    assert by_text["First paragraph with a link and bold text."].row == -1


def test_a_page_without_body_is_segmented_whole():
    tree = lxml.html.fragment_fromstring("<div><p>only text</p></div>")
    assert [s.text for s in segment(tree)] == ["only text"]


def test_block_elements_map_ordinals_back_to_the_markup():
    tree = lxml.html.fromstring(PAGE.replace(
        "<footer>", "<noscript><div>Enable scripts</div></noscript><footer>"))
    segments = segment(tree)
    elements = block_elements(tree)
    for seg in segments:
        element = elements[seg.element - 1]
        assert element.tag == seg.tag
        assert seg.text.split()[0] in element.text_content()
        assert [elements[a - 1] for a in seg.ancestors] == \
            [a for a in reversed(list(element.iterancestors())) if a in elements]
    assert not any(el.getparent().tag == "noscript" for el in elements)


def test_class_tokens_split_words_and_camel_case():
    el = lxml.html.fromstring('<div class="wp-caption-text articleBody" id="main_figure"></div>')
    assert class_tokens(el) == ["wp", "caption", "text", "article", "body", "main", "figure"]


def test_page_class_words_are_the_template_vocabulary_of_every_element():
    tree = lxml.html.fromstring(PAGE.replace("<body>", '<body class="single-post postid-42">'))
    words = page_class_words(tree)
    # every element's class and id, camel case split, body classes included
    assert {"main", "menu", "post", "content", "sidebar", "widget", "single", "postid"} <= words
    # digits and words of fewer than three letters are left out
    assert not {w for w in words if len(w) < 3 or not w.isalpha()}
    assert page_class_words(lxml.html.fromstring("<p>no classes</p>")) == set()
