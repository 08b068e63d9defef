"""crawler.extraction.metadata.captions: an image's caption and credit, and
which blocks they are."""

from __future__ import annotations

import pytest

from crawler.extraction import core
from crawler.extraction.metadata.bodyregion import PageBlocks
from crawler.extraction.metadata.captions import Caption, find_caption, split_credit
from crawler.extraction.segment import segment

STORY = ("The old river bridge reopened on Tuesday after two years of repairs, and the first "
         "cars crossed it a little after six in the morning while a small crowd watched.")


@pytest.mark.parametrize(("text", "expected"), [
    ("Photo: Jane Doe/AP", (None, "Jane Doe/AP")),
    ("Stocks fell on Monday. Photograph: Jane Doe/The Guardian",
     ("Stocks fell on Monday.", "Jane Doe/The Guardian")),
    ("Fans cheer. AFP via Getty Images", ("Fans cheer.", "AFP via Getty Images")),
    ("Coffee reaches Martinique — via Wikimedia Commons",
     ("Coffee reaches Martinique", "Wikimedia Commons")),
    ("Image courtesy of NASA", (None, "NASA")),
    ("The AP reported that the Reuters building is closed.",
     ("The AP reported that the Reuters building is closed.", None)),
    ("A quiet street at night", ("A quiet street at night", None)),
    ("Aerial images by drone show the damage", ("Aerial images by drone show the damage", None)),
    ("Chart: unemployment by region. Data source: Eurostat",
     ("Chart: unemployment by region.", "Eurostat")),
    ("Die Stadt am Abend (Foto: dpa)", ("Die Stadt am Abend", "dpa")),
    ("A laptop on a desk. Photographer: Firmbee", ("A laptop on a desk.", "Firmbee")),
])
def test_split_credit(text, expected):
    assert split_credit(text) == expected


def _caption(figure: str) -> tuple[Caption, list[str]]:
    html = (f"<html><head></head><body><article><div class='text'><p>{STORY}</p>{figure}"
            f"<p>{STORY}</p></div></article></body></html>")
    tree, _, _ = core.parse_page(html)
    assert tree is not None
    segments = segment(tree)
    page = PageBlocks(tree, segments, [True] * len(segments))
    caption = find_caption(next(tree.iter("img")), page)
    return caption, [segments[i].text for i in caption.segments]


def test_caption_credit_and_the_blocks_they_are():
    caption, blocks = _caption("<figure><img src='/dawn.jpg'><figcaption>Cars cross at dawn. "
                               "<span class='credit'>Photo: Jane Doe/AP</span></figcaption>"
                               "</figure>")
    assert (caption.text, caption.credit) == ("Cars cross at dawn.", "Jane Doe/AP")
    assert blocks == ["Cars cross at dawn. Photo: Jane Doe/AP"]


def test_an_image_without_caption_box_has_no_caption():
    assert _caption("<p><img src='/dawn.jpg'></p>") == (Caption(), [])
