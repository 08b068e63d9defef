"""crawler.extraction.classify: which blocks are the body, and how they are joined."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.extraction.blocks import Block, BlockRules
from crawler.extraction.classify import (
    LABELLED_CONTAINER_WORDS,
    body_blocks,
    body_or_fallback,
    comment_blocks,
    fallback_mask,
    falls_back,
    furniture,
    keep_mask,
    never_body,
)
from crawler.extraction.segment import segment

STORY = " ".join(["The council met on Tuesday to debate the harbour budget."] * 4)


def _segments(body: str):
    return segment(lxml.html.fromstring(f"<html><body>{body}</body></html>"))


def _furniture_texts(body: str) -> set[str]:
    segs = _segments(body)
    return {segs[i].text for i in furniture(segs)}


def test_a_small_box_holding_a_promo_label_goes_whole():
    box = ('<div class="x1"><p>We may earn a commission when you buy through links on our site.'
           '</p><div class="x2"><h4>Breezeline Desk Fan</h4><p>Three speeds, whisper mode</p>'
           '<a href="https://shop.example/fan">Buy now</a></div></div>')
    gone = _furniture_texts(f"<article><p>{STORY}</p>{box}<p>{STORY}</p></article>")
    assert {"Breezeline Desk Fan", "Three speeds, whisper mode", "Buy now"} <= gone
    assert STORY not in gone


def test_a_read_more_list_goes_with_its_label():
    related = ('<div><p><strong>Read more:</strong></p><ul><li><a href="/a">Storm damage on '
               'the dunes</a></li><li><a href="/b">Seals spotted at the pier</a></li></ul></div>')
    gone = _furniture_texts(f"<article><p>{STORY}</p>{related}</article>")
    assert {"Read more:", "Storm damage on the dunes", "Seals spotted at the pier"} <= gone


#: A Japanese paragraph is one 'word' to str.split(): its characters must count.
JAPANESE = "アルダー湾の漁港で半世紀にわたって続いてきた朝市が、日曜日の営業を最後に閉じられた。"


@pytest.mark.parametrize(("para", "label"), [(STORY, "<p>Advertisement</p>"),
                                             (JAPANESE, "<div>Advertisement</div>")])
def test_an_ad_label_inside_the_article_does_not_take_the_article(para: str, label: str):
    """The label's container is the article itself: far above the size of a box,
    in a spaced script or not."""
    assert len(STORY.split()) * 3 > LABELLED_CONTAINER_WORDS
    body = "".join(f"<p>{para}</p>" for _ in range(3))
    gone = _furniture_texts(f"<article>{body}{label}{body}</article>")
    assert gone == {"Advertisement"}


def test_a_newsletter_box_around_a_form_goes_whole():
    box = ('<aside><h3>Our morning letter</h3><p>The news of the bay, every morning before 7.</p>'
           '<form><label>Email</label><input name="e"></form></aside>')
    gone = _furniture_texts(f"<article><p>{STORY}</p>{box}</article>")
    assert "The news of the bay, every morning before 7." in gone
    assert STORY not in gone


def test_figure_captions_and_credits_are_not_body():
    fig = ('<figure><img src="a.jpg"><figcaption>Volunteers label drills. Photo: Jane Doe'
           '</figcaption></figure>')
    gone = _furniture_texts(f"<article><p>{STORY}</p>{fig}</article>")
    assert gone == {"Volunteers label drills. Photo: Jane Doe"}


def test_the_rest_of_a_figure_is_the_models_to_judge():
    # sites wrap whole parts of a story in a <figure> (a pick with its review,
    # a table): only the caption is furniture by rule
    pick = ("<figure><h3>The best budget press</h3><p>It brewed a clean cup in every test "
            "and kept the coffee hot for an hour.</p><figcaption>The press on test. Photo: "
            "Jane Doe</figcaption></figure>")
    gone = _furniture_texts(f"<article><p>{STORY}</p>{pick}</article>")
    assert gone == {"The press on test. Photo: Jane Doe"}


def test_kept_cells_of_a_row_and_items_of_a_list_are_joined():
    segs = _segments("<p>Intro text here.</p><table><tr><td>a</td><td>b</td></tr>"
                     "<tr><td>c</td><td>d</td></tr></table><ul><li>one</li><li>two</li></ul>"
                     "<p>End.</p>")
    blocks = body_blocks(segs, [True] * len(segs))
    assert [(b.kind, b.text) for b in blocks] == [
        ("p", "Intro text here."), ("row", "a | b"), ("row", "c | d"), ("list", "one\ntwo"),
        ("p", "End.")]
    # a dropped item splits the list
    keep = [s.text != "one" for s in segs]
    assert [b.text for b in body_blocks(segs, keep)][-2:] == ["two", "End."]


def test_link_share_of_a_joined_list_counts_its_links():
    segs = _segments('<ul><li><a href="/a">First headline here</a></li>'
                     '<li><a href="/b">Second headline here</a></li></ul>')
    (block,) = body_blocks(segs, [True, True])
    assert block.kind == "list" and block.link_share > 0.9


def test_an_ad_slot_labelled_inside_its_own_box_goes_whole():
    """The label is inline text of the ad slot's own element, the ad's copy a block inside it."""
    slot = ('<div class="slot"><span>Advertisement</span><p>Sponsored: a brand new advert.</p>'
            '</div>')
    gone = _furniture_texts(f"<article><div><p>{STORY}</p>{slot}<p>{STORY}</p></div></article>")
    assert gone == {"Advertisement", "Sponsored: a brand new advert."}


COMMENT = "I disagree with the council, the harbour has needed that money for years now."


def test_blocks_that_are_the_pages_comments_are_comment_blocks():
    segs = _segments(f"<article><p>{STORY}</p></article>"
                     f"<section><p>{COMMENT}</p><p>Reply</p></section>")
    found = {segs[i].text for i in comment_blocks(segs, f"Jane wrote:\n{COMMENT}")}
    assert found == {COMMENT}
    assert comment_blocks(segs, None) == set() == comment_blocks(segs, "")


class _KeepAll:
    def predict(self, vectors):
        return [True] * len(vectors)


def test_the_body_never_keeps_a_comment_whatever_the_model_says():
    segs = _segments(f"<article><p>{STORY}</p></article><section><p>{COMMENT}</p></section>")
    vectors = [[0.0]] * len(segs)
    keep = keep_mask(vectors, never_body(segs, comments=COMMENT), _KeepAll())
    assert [s.text for s, k in zip(segs, keep, strict=True) if k] == [STORY]
    assert all(keep_mask(vectors, never_body(segs), _KeepAll()))


def _blocks(*words: int, removed: int | None = None):
    blocks = [Block(text="w " * n, kind="p", words=n) for n in words]
    if removed is not None:
        blocks[removed].removed_by = "label"
    return blocks


def test_a_body_with_less_than_half_of_trafilaturas_words_falls_back():
    other = " ".join(["word"] * 100)
    assert falls_back(_blocks(20, 29), other)
    assert not falls_back(_blocks(20, 30), other)
    # words the block rules removed do not count; without trafilatura's body, never
    assert falls_back(_blocks(20, 30, removed=1), other)
    assert not falls_back(_blocks(), None) and not falls_back(_blocks(), "")


def test_the_fallback_is_trafilaturas_blocks_less_furniture_and_comments():
    segs = _segments(f"<article><p>{STORY}</p></article>"
                     "<div><span>Advertisement</span><p>Sponsored: a dentist.</p></div>"
                     f"<section><p>{COMMENT}</p></section><p>Unvoted</p>")
    votes_of = [1.0 if s.text != "Unvoted" else 0.2 for s in segs]
    keep = fallback_mask(votes_of, never_body(segs, comments=COMMENT))
    assert [s.text for s, k in zip(segs, keep, strict=True) if k] == [STORY]


class _KeepNone:
    def predict(self, vectors):
        return [False] * len(vectors)


POST = "I replaced the pump last spring and the noise stopped within a day or two."


def test_a_page_whose_only_text_is_its_discussion_has_the_thread_as_its_body():
    segs = _segments(f"<nav><a href='/'>Home</a></nav><section><p>{COMMENT}</p>"
                     f"<p>{POST}</p></section><footer>Contact us</footer>")
    never = never_body(segs, comments=f"{COMMENT}\n{POST}")
    keep = keep_mask([[0.0]] * len(segs), never, _KeepNone())
    body = body_or_fallback(segs, keep, [0.0] * len(segs), None, BlockRules(), never)
    assert body.thread
    assert [b.text for b in body.blocks if b.removed_by is None] == [COMMENT, POST]


def test_a_body_the_block_rules_empty_gives_way_to_the_thread_too():
    # the model keeps blocks, but only a link list that the block rules remove
    segs = _segments("<ul><li><a href='/a'>Gardening tips for spring</a></li>"
                     "<li><a href='/b'>Pumps and pipes explained</a></li></ul>"
                     f"<section><p>{COMMENT}</p><p>{POST}</p></section>")
    never = never_body(segs, comments=f"{COMMENT}\n{POST}")
    keep = [s.tag == "li" for s in segs]
    body = body_or_fallback(segs, keep, [0.0] * len(segs), None, BlockRules(), never)
    assert body.thread
    assert [b.text for b in body.blocks if b.removed_by is None] == [COMMENT, POST]
    assert body.counts == {}


def test_comments_beside_a_body_stay_out_of_it():
    segs = _segments(f"<article><p>{STORY}</p></article><section><p>{COMMENT}</p></section>")
    never = never_body(segs, comments=COMMENT)
    keep = keep_mask([[0.0]] * len(segs), never, _KeepAll())
    body = body_or_fallback(segs, keep, [0.0] * len(segs), None, BlockRules(), never)
    assert not body.thread
    assert [b.text for b in body.blocks if b.removed_by is None] == [STORY]


def test_a_tree_verdict_under_the_veto_stands_alone():
    from crawler.extraction.classify import TREE_VETO, combine

    sure_no = TREE_VETO / 2
    # words that are sure of "article" do not outvote a page shape that is sure of "no"
    assert combine(sure_no, 0.99) == sure_no
    # above the veto the halves are averaged as log-odds
    assert combine(0.5, 0.9) == pytest.approx(0.75, abs=0.001)
    assert combine(0.2, 0.2) == pytest.approx(0.2)
    # the three models of the shipped rule: the mean of the three log-odds
    assert combine(0.5, 0.9, 0.1) == pytest.approx(0.5)
    assert combine(sure_no, 0.99, 0.99) == sure_no


def _constant_model(leaf_value: float):
    """A block model of one leaf: every block kept (> 0) or dropped (< 0)."""
    from crawler.extraction.features import BLOCK_FEATURES
    from crawler.extraction.model import FORMAT, TreeEnsemble

    return TreeEnsemble.from_dict({
        "format": FORMAT, "features": list(BLOCK_FEATURES), "baseline": 0.0, "threshold": 0.5,
        "roots": [0], "depth": 1,
        "nodes": {"feature": [0], "threshold": [0.0], "left": [0], "right": [0],
                  "missing_left": [False], "leaf": [True], "value": [leaf_value]}})


def test_a_block_model_put_in_place_is_the_one_extraction_uses_until_the_block_ends():
    import dataclasses
    from pathlib import Path

    from crawler.extraction import extract
    from crawler.extraction.classify import block_model, using_block_model
    from crawler.extraction.model import TreeEnsemble

    asked: list[int] = []

    class Counting(TreeEnsemble):
        def predict(self, rows):  # type: ignore[no-untyped-def]
            asked.append(len(rows))
            return super().predict(rows)

    keep_all = _constant_model(10.0)
    counting = Counting(**{f.name: getattr(keep_all, f.name)
                           for f in dataclasses.fields(keep_all)})
    html = (Path(__file__).parent / "data" / "pages" / "article_comments.html").read_bytes()
    shipped = extract(html, "https://example.org/a").text
    with using_block_model(counting):
        assert block_model() is counting
        assert extract(html, "https://example.org/a").text
    assert asked and asked[0] > 1  # the page's blocks, judged by the model put in place
    assert block_model() is not counting
    assert extract(html, "https://example.org/a").text == shipped
    assert len(asked) == 1
