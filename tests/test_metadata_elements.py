"""crawler.extraction.metadata.elements: an element's text, the block element it
lies in, and the path up from it."""

from __future__ import annotations

from crawler.extraction import core
from crawler.extraction.metadata.elements import block_of, element_text, ordinals, path_up
from crawler.extraction.segment import segment


def _tree(html: str):
    tree, _, _ = core.parse_page(html)
    assert tree is not None
    return tree


def test_element_text_spaces_blocks_and_skips_scripts():
    tree = _tree("<html><body><div id='x'><h2>Title</h2><p>One <b>two</b>"
                 "<script>var no;</script> three</p></div></body></html>")
    assert element_text(tree.get_element_by_id("x")) == "Title One two three"


def test_block_of_an_element_is_the_segments_block_element():
    tree = _tree("<html><body><div><p id='p'>One <b id='b'>two</b> three</p></div>"
                 "<noscript><p><b id='n'>no</b></p></noscript></body></html>")
    elements, ordinal = ordinals(tree)
    assert [ordinal[el] for el in elements] == list(range(1, len(elements) + 1))
    p, b = tree.get_element_by_id("p"), tree.get_element_by_id("b")
    assert block_of(b, ordinal) == block_of(p, ordinal) == ordinal[p]
    assert [s.element for s in segment(tree) if s.text == "One two three"] == [ordinal[p]]
    assert block_of(tree.get_element_by_id("n"), ordinal) is None  # never page text


def test_path_up_stops_below_stop():
    tree = _tree("<html><body><div id='d'><p id='p'><b id='b'>x</b></p></div></body></html>")
    b, d = tree.get_element_by_id("b"), tree.get_element_by_id("d")
    assert [el.get("id") for el in path_up(b, d)] == ["b", "p"]
    assert [el.tag for el in path_up(b, None)][-1] == "html"
