from __future__ import annotations

import pytest

from crawler.extraction.blocks import Block, BlockRules, blocks_text, filter_blocks


def block(text: str, kind: str = "p", anchors: list[str] | None = None) -> Block:
    return Block(text=text, kind=kind, words=len(text.split()), anchors=anchors or [])


@pytest.mark.parametrize("text", [
    "Advertisement", "ADVERTISEMENT", "Story continues below advertisement", "Anzeige",
    "Publicité", "Pubblicità", "Publicidade", "Advertentie", "— Advertisement —",
    "Lesen Sie auch: Neues Hallenbad am Stadtpark", "À lire aussi : Le clocher classé",
    "Related: Lifeboat appeal passes halfway mark", "Photo: Jane Doe / Agency",
    "Sign up for our morning briefing", "We may earn a commission when you buy through links.",
    "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.", "Updated at 1:23 p.m.",
    "[button link=\"x\"] Send us your review[/button]",
])
def test_furniture_blocks_go(text: str) -> None:
    blocks = [block(text)]
    filter_blocks(blocks, BlockRules())
    assert blocks[0].removed_by == "label"


@pytest.mark.parametrize("text", [
    "The council debated the advertisement ban for hours before voting it down.",
    "Die Anzeige gegen den früheren Kämmerer wurde am Montag eingereicht.",
    "Photographers lined the quay as the ship came in.",
    "Readers who signed up for the scheme last year will be contacted by letter, "
    "the council said, and may earn a commission on each referral they make.",
])
def test_prose_that_uses_such_words_stays(text: str) -> None:
    blocks = [block(text)]
    filter_blocks(blocks, BlockRules())
    assert blocks[0].removed_by is None


def test_long_block_starting_with_a_prefix_stays_unless_mostly_links() -> None:
    prose = "Photo: " + "the exhibition shows decades of harbour life in pictures. " * 4
    kept = [block(prose)]
    filter_blocks(kept, BlockRules())
    assert kept[0].removed_by is None
    links = ["first headline about the town and its harbour budget",
             "second headline about the council and the new ferry terminal",
             "third headline about a bookshop that closes after forty years"]
    listing = "Read more: " + " ".join(links) + " " + links[0]
    gone = [block(listing, anchors=links)]
    filter_blocks(gone, BlockRules())
    assert gone[0].removed_by == "label"


def test_link_lists_and_their_heading_go() -> None:
    anchors = ["lifeboat station appeal passes halfway mark", "pier café owners fined"]
    blocks = [block("The body paragraph stays where it is, whatever its links say."),
              block("More from the coast", kind="head"),
              block("- Lifeboat station appeal passes halfway mark\n- Pier café owners fined",
                    kind="list", anchors=anchors),
              block("- First step of the recipe\n- Second step", kind="list", anchors=anchors)]
    filter_blocks(blocks, BlockRules())
    assert [b.removed_by for b in blocks] == [None, "linklist", "linklist", None]
    assert blocks_text(blocks) == blocks[0].text + "\n" + blocks[3].text


def test_repeat_rule_is_opt_in() -> None:
    blocks = [block("Tap the kite"), block("Body one is a sentence."),
              block("Tap the kite"), block("Body two is another sentence.")]
    filter_blocks(blocks, BlockRules())
    assert [b.removed_by for b in blocks] == [None] * 4
    filter_blocks(blocks, BlockRules(repeat=True))
    assert [b.removed_by for b in blocks] == ["repeat", None, "repeat", None]
