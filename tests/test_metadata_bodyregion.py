"""crawler.extraction.metadata.bodyregion: where the article's kept text sits in
the page tree."""

from __future__ import annotations

from crawler.extraction import core
from crawler.extraction.metadata.bodyregion import PageBlocks
from crawler.extraction.segment import segment

STORY = ("The old river bridge reopened on Tuesday after two years of repairs, and the first "
         "cars crossed it a little after six in the morning while a small crowd watched.")
MORE = ("Engineers replaced the deck and both approaches, and the council says the work came "
        "in under budget despite a wet winter that stopped the crews for several weeks.")
PAGE = (f"<html><head></head><body><nav><p id='menu'>Home News Sport</p></nav>"
        f"<article id='article'><h1 id='h1'>Bridge reopens</h1>"
        f"<figure id='figure'><figcaption>The bridge at dawn</figcaption></figure>"
        f"<div id='text'><p>{STORY}</p><p>{MORE}</p></div>"
        f"<aside id='aside'><p>Most read stories this week</p></aside></article></body></html>")


def test_container_region_and_the_blocks_inside():
    tree, _, _ = core.parse_page(PAGE)
    assert tree is not None
    segments = segment(tree)
    kept = [s.text in ("Bridge reopens", STORY, MORE) for s in segments]
    page = PageBlocks(tree, segments, kept)
    el = tree.get_element_by_id
    # the deepest block element with 80% of the kept words holds the story
    assert page.container_el is el("text")
    # the figure between the headline and the text is in the region, by the parent
    assert page.region(page.ordinal[el("figure")]) is el("article")
    assert page.region(page.ordinal[el("text")]) is el("text")
    # the sidebar after the last kept block and the menu are out
    assert page.region(page.ordinal[el("aside")]) is None
    assert page.region(page.ordinal[el("menu")]) is None
    assert [segments[i].text for i in page.inside(page.ordinal[el("text")])] == [STORY, MORE]
    assert page.holds_kept(page.ordinal[el("article")])
    assert not page.holds_kept(page.ordinal[el("figure")])
    assert not page.mostly_kept(page.ordinal[el("aside")], set())
    assert page.mostly_kept(page.ordinal[el("article")], set())
