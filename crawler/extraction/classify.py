"""The block classifier: which of a page's blocks are its article text.

Every text block of the page (:mod:`crawler.extraction.segment`) gets a
feature vector (:mod:`crawler.extraction.features`), including how much of it
trafilatura's own extraction kept (a vote), and a gradient-boosted tree model
(``data/blocks-model.json``, trained by ``tools/train_extraction.py`` on the
development sets) says keep or drop. The kept blocks, in page order, are the
article body: table cells of one row are joined into one block.

The page classifier (the article rule) lives here too: the mean (as log-odds)
of a tree model over the page's vector (``data/page-model.json``), a linear
model over its words (``data/page-words-model.json``) and a linear model over
its words and its vector cut into bins (``data/page-mixed-model.json``).

Pure: no Scrapy.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from crawler.extraction.blocks import SHORT_WORDS, Block, BlockRules, filter_blocks, lexicon
from crawler.extraction.features import (
    BLOCK_FEATURES,
    PAGE_FEATURES,
    bigrams,
    block_features,
    vote_share,
)
from crawler.extraction.model import LinearModel, TreeEnsemble, shipped, shipped_linear
from crawler.extraction.segment import Segment, norm_words

BLOCK_MODEL = "blocks-model.json"
PAGE_MODEL = "page-model.json"
PAGE_WORDS_MODEL = "page-words-model.json"
PAGE_MIXED_MODEL = "page-mixed-model.json"
_KIND = {"h1": "head", "h2": "head", "h3": "head", "h4": "head", "h5": "head", "h6": "head",
         "li": "item", "td": "row", "th": "row", "blockquote": "quote", "pre": "code",
         "dd": "item", "dt": "item"}


#: Block models put in place of the shipped one (:func:`using_block_model`).
_block_models: list[TreeEnsemble] = []


def block_model() -> TreeEnsemble:
    """The shipped block model, or the one :func:`using_block_model` put in its place."""
    return _block_models[-1] if _block_models else shipped(BLOCK_MODEL, BLOCK_FEATURES)


@contextmanager
def using_block_model(model: TreeEnsemble) -> Iterator[None]:
    """Within the block, extraction in this process keeps blocks by ``model``
    instead of the shipped one: how the training script measures the whole
    extractor on pages with a model fitted without them
    (``tools/train_extraction.py --extractor-folds``)."""
    _block_models.append(model)
    try:
        yield
    finally:
        _block_models.pop()


def page_model() -> TreeEnsemble:
    return shipped(PAGE_MODEL, PAGE_FEATURES)


def page_words_model() -> LinearModel:
    return shipped_linear(PAGE_WORDS_MODEL)


def page_mixed_model() -> LinearModel:
    return shipped_linear(PAGE_MIXED_MODEL, PAGE_FEATURES)


def article_probability(page_vector: Sequence[float], tokens: Iterable[str],
                        trees: TreeEnsemble | None = None,
                        words: LinearModel | None = None,
                        mixed: LinearModel | None = None) -> float:
    """P(article) of a page: the tree model over the page's vector
    (:data:`PAGE_FEATURES`), the linear model over its tokens
    (:func:`~crawler.extraction.features.page_tokens`) and the linear model over
    its tokens and its binned vector, combined by :func:`combine`."""
    tokens = set(tokens)
    tree_p = float((trees or page_model()).probabilities([page_vector])[0])
    return combine(tree_p, (words or page_words_model()).probability(tokens),
                   (mixed or page_mixed_model()).probability(tokens, page_vector))


#: Below this P(article), the tree model's verdict stands alone: the page's shape
#: (links, teasers, lists, forms) says "no article" so surely that words cannot
#: outvote it. Out of fold, no WCXB article the rule calls one scored below it;
#: front pages full of news words did.
TREE_VETO = 0.03


def combine(tree_p: float, *linear_p: float) -> float:
    """The models' probabilities averaged as log-odds: a model that is sure
    outweighs one that hesitates. A tree verdict under :data:`TREE_VETO` stands alone."""
    if tree_p < TREE_VETO:
        return tree_p
    eps = 1e-6
    ps = (tree_p, *linear_p)
    logit = sum(math.log(max(p, eps) / max(1 - p, eps)) for p in ps) / len(ps)
    return 1 / (1 + math.exp(-logit))


def is_article_page(page_vector: Sequence[float], tokens: Iterable[str],
                    threshold: float | None = None) -> bool:
    """The page classifier's verdict: is this page an article? ``threshold``
    applies to :func:`article_probability`; by default the one kept in the tree
    model's file (set for a recall of 0.98 on the development set's articles)."""
    bar = page_model().threshold if threshold is None else threshold
    return article_probability(page_vector, tokens) >= bar


def as_block(seg: Segment) -> Block:
    return Block(text=seg.text, kind=_KIND.get(seg.tag, "p"), words=len(seg.text.split()),
                 link_chars=seg.link_chars)


def votes(segments: Sequence[Segment], other_text: str | None) -> list[float]:
    """Each block's share kept by another extraction of the page (its text)."""
    words = norm_words(other_text or "")
    pairs, single = bigrams(words), set(words)
    return [vote_share(s.words, pairs, single) for s in segments]


def junk_flags(segments: Sequence[Segment]) -> list[bool]:
    """Which blocks the lexicon's label rule calls furniture ("Advertisement",
    "Read more:", "We may earn a commission ...")."""
    lex = lexicon()
    return [lex.is_junk(as_block(s)) for s in segments]


def page_vectors(segments: Sequence[Segment], *, block_votes: Sequence[float],
                 title: str | None, language: str | None,
                 junk: Sequence[bool] | None = None) -> list[list[float]]:
    """The feature vectors of a page's blocks (what the model is trained on);
    ``block_votes`` are :func:`votes` in trafilatura's text of the page,
    ``junk`` the :func:`junk_flags` (computed when not given)."""
    return block_features(segments, language=language, title=title, votes=block_votes,
                          junk=junk if junk is not None else junk_flags(segments))


#: A container of a furniture label is furniture as a whole up to this many words
#: (a product box, a "Read more" box); beyond, it is the article holding an ad label.
LABELLED_CONTAINER_WORDS = 100


def furniture(segments: Sequence[Segment], junk: Sequence[bool] | None = None) -> set[int]:
    """Blocks that are never body, whatever the model says:

    - the blocks of a small container (``LABELLED_CONTAINER_WORDS``, no block of
      more than ``SHORT_WORDS``) that holds a lexicon label or a form's own text:
      the product box under "We may earn a commission", the headline list under
      "Read more:", the newsletter box around its e-mail field;
    - figure captions (``<figcaption>``): they describe an image, not the story.
      Other text inside a ``<figure>`` is the model's to judge: sites wrap
      whole sections of a story in one (a product pick, a table, a list), and
      out of fold a rule dropping it took eleven words of body for every word
      of furniture on WCXB.
    """
    junk = junk if junk is not None else junk_flags(segments)
    words: dict[int, int] = {}
    longest: dict[int, int] = {}
    for seg, j in zip(segments, junk, strict=True):
        n = len(seg.words)
        for key in {seg.element, seg.parent, seg.grandparent}:
            words[key] = words.get(key, 0) + n
            if not j:
                longest[key] = max(longest.get(key, 0), n)
    # a marker's container: its own element when blocks sit inside it (a span
    # "Advertisement" in the ad slot's div, above the ad's copy), and its parent;
    # small, and made of short blocks only (a paragraph of prose is a story's)
    containers = {key for seg, j in zip(segments, junk, strict=True) if j or seg.tag == "form"
                  for key in (seg.element, seg.parent)
                  if key and words.get(key, 0) <= LABELLED_CONTAINER_WORDS
                  and longest.get(key, 0) <= SHORT_WORDS}
    return {i for i, seg in enumerate(segments)
            if junk[i] or seg.parent in containers or seg.grandparent in containers
            or seg.tag == "figcaption"}


#: A block with this share of its word pairs in the page's comments is a comment.
COMMENT_SHARE = 0.7


def comment_blocks(segments: Sequence[Segment], comments: str | None) -> set[int]:
    """The blocks that are the page's reader comments (trafilatura's comment
    extraction, the record's ``comments``): never in ``text`` too, where they
    would be the same words twice in one record."""
    if not comments:
        return set()
    return {i for i, share in enumerate(votes(segments, comments)) if share >= COMMENT_SHARE}


class NeverBody(NamedTuple):
    """The blocks no body keeps, the model's or the fallback's, found once a
    page (:func:`never_body`): the :func:`furniture` and the
    :func:`comment_blocks` of the page's comments."""

    furniture: frozenset[int]
    comments: frozenset[int]

    @property
    def blocks(self) -> frozenset[int]:
        return self.furniture | self.comments


def never_body(segments: Sequence[Segment], junk: Sequence[bool] | None = None,
               comments: str | None = None) -> NeverBody:
    """The page's :class:`NeverBody`, from its ``junk`` flags and its ``comments``."""
    return NeverBody(frozenset(furniture(segments, junk)),
                     frozenset(comment_blocks(segments, comments)))


def keep_mask(vectors: list[list[float]], never: NeverBody,
              model: TreeEnsemble | None = None) -> list[bool]:
    """Which blocks are the article's body: the model's call, less the blocks
    that are :class:`NeverBody`."""
    if len(vectors) == 0:
        return []
    excluded = never.blocks
    keep = (model or block_model()).predict(vectors)
    return [bool(k) and i not in excluded for i, k in enumerate(keep)]


#: The model's body is taken to have missed the article when, after the block
#: rules, it has fewer than this share of the words of trafilatura's own body of
#: the page: the blocks trafilatura kept (:func:`fallback_mask`) are then the
#: body, under the same furniture and block rules. Chosen out of fold (0.3, 0.5,
#: 0.7 and 1.0 tried): from 0.3 to 0.7 every development set gains or holds.
FALLBACK_SHARE = 0.5
#: A block is in trafilatura's body when this share of its word pairs is there.
VOTE_KEPT = 0.5


def falls_back(blocks: Sequence[Block], other_text: str | None) -> bool:
    """Whether the kept ``blocks`` (the model's body after the block rules) are
    too short against ``other_text`` (trafilatura's body): see :data:`FALLBACK_SHARE`."""
    other = len(other_text.split()) if other_text else 0
    kept = sum(b.words for b in blocks if b.removed_by is None)
    return other > 0 and kept < FALLBACK_SHARE * other


def fallback_mask(block_votes: Sequence[float], never: NeverBody) -> list[bool]:
    """trafilatura's body as a keep mask over the page's blocks (those whose
    :func:`votes` reach :data:`VOTE_KEPT`), less the blocks that are
    :class:`NeverBody`: block by block, so an ad label or a sponsored box that
    trafilatura joined into its body still goes."""
    excluded = never.blocks
    return [v >= VOTE_KEPT and i not in excluded for i, v in enumerate(block_votes)]


class Body(NamedTuple):
    """The body's blocks after the block rules, the rules' removal counts,
    whether it :func:`falls_back`, and whether it is the page's reader
    :func:`comment_blocks` (a page whose only text is its discussion)."""

    blocks: list[Block]
    counts: Counter
    fell_back: bool
    thread: bool = False


def body_or_fallback(segments: Sequence[Segment], keep: Sequence[bool],
                     block_votes: Sequence[float], other_text: str | None, rules: BlockRules,
                     never: NeverBody) -> Body:
    """The body's blocks after the block ``rules``: the ``keep`` mask's (the
    model's), or, when they :func:`falls_back` against ``other_text``
    (trafilatura's body, whose :func:`votes` are ``block_votes``), the
    :func:`fallback_mask`'s. When neither leaves a block but the page has reader
    comments (``never.comments``), the page's text is its discussion (a forum
    thread whose posts trafilatura took for comments): the comment blocks are the
    body, less the furniture, and the record's comments are not written twice."""
    blocks = body_blocks(segments, keep)
    counts = filter_blocks(blocks, rules)
    fell_back = falls_back(blocks, other_text)
    if fell_back:
        blocks = body_blocks(segments, fallback_mask(block_votes, never))
        counts = filter_blocks(blocks, rules)
    if never.comments and not any(b.removed_by is None for b in blocks):
        thread = never.comments - never.furniture
        if thread:
            blocks = body_blocks(segments, [i in thread for i in range(len(segments))])
            return Body(blocks, filter_blocks(blocks, rules), fell_back, thread=True)
    return Body(blocks, counts, fell_back)


def body_blocks(segments: Sequence[Segment], keep: Sequence[bool]) -> list[Block]:
    """The kept segments as the body's blocks: the kept cells of one table row
    become one block (cells joined with `` | ``), the kept items of one list one
    ``list`` block (an item a line), as the block rules expect."""
    blocks: list[Block] = []
    last: tuple[str, int] | None = None
    for i, (seg, kept) in enumerate(zip(segments, keep, strict=True)):
        if not kept:
            last = None
            continue
        group = (("row", seg.row) if seg.row != -1 else ("list", seg.parent) if seg.tag == "li"
                 else None)
        if group is not None and group == last and blocks:
            prev = blocks[-1]
            glue = " | " if group[0] == "row" else "\n"
            blocks[-1] = Block(text=f"{prev.text}{glue}{seg.text}", kind=group[0],
                               words=prev.words + len(seg.text.split()),
                               link_chars=(prev.link_chars or 0) + seg.link_chars + len(glue),
                               parts=(*prev.parts, i))
            continue
        block = as_block(seg)
        block.parts = (i,)
        if group is not None:
            block.kind = group[0]
        blocks.append(block)
        last = group
    return blocks
