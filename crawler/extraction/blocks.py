"""Block rules applied after extraction: the body as a list of blocks
(paragraphs, headings, list, quotes, table rows ...) and the rules that drop
page furniture trafilatura let through.

- ``label``: a block that is exactly an ad-slot label or promo phrase of the
  lexicon (``data/lexicon.json``, en de fr es it pt nl), or a short block that
  starts with a lexicon prefix ("Related:", "Lesen Sie auch", "Photo:"),
  contains a promo phrase ("in your inbox") or matches a lexicon pattern
  ("Follow us on Twitter", "Updated at 1:23 p.m.", unrendered shortcodes). Short
  stand-alone blocks only: a sentence that merely uses such a word stays.
- ``repeat``: a short block that occurs twice or more in one page ("More
  under this ad" before every ad slot).
- ``linklist``: a list made mostly of link texts (headline lists), a heading
  that is a link to another page; also a short heading directly above such a
  block or above a removed label block.

Pure: lxml in, dataclasses out.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from itertools import pairwise

from lxml.etree import _Element
from trafilatura.xml import xmltotxt

#: Blocks of at most this many words count as short.
SHORT_WORDS = 25
#: A block whose text is at least this share link text is a link block.
LINK_SHARE = 0.6
_STRIP = " \t\r\n:;,.!?|•·–—-»«›‹>\"'()[]{}*#"
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    return _SPACES.sub(" ", text).strip(_STRIP).casefold()


@dataclass
class Block:
    text: str
    kind: str
    words: int
    removed_by: str | None = None
    #: The page's link texts (shared by all blocks of a page), for ``link_share``.
    anchors: list[str] = field(default_factory=list, repr=False, compare=False)
    #: Characters of the block inside links, where the segmentation counted them
    #: (then ``link_share`` needs no ``anchors``).
    link_chars: int | None = field(default=None, repr=False, compare=False)
    #: The indexes of the segments the block was made of (blocks of the block
    #: classifier; none for trafilatura's blocks).
    parts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    @property
    def key(self) -> str:
        return normalize(self.text)

    @cached_property
    def link_share(self) -> float:
        """Share of the block's text that is the text of links on the page."""
        if self.link_chars is not None:
            return min(1.0, self.link_chars / len(self.text)) if self.text else 0.0
        return _link_share(self.text, self.anchors)


@dataclass(frozen=True)
class Lexicon:
    labels: frozenset[str]
    prefixes: tuple[str, ...]
    phrases: tuple[str, ...]
    patterns: re.Pattern[str] | None = None

    @classmethod
    def from_dict(cls, data: dict) -> Lexicon:
        def flat(key: str) -> list[str]:
            return [normalize(v) if key == "labels" else v.casefold()
                    for values in data.get(key, {}).values() for v in values]

        patterns = list(data.get("patterns", {}).values())
        return cls(frozenset(flat("labels")), tuple(sorted(set(flat("prefixes")))),
                   tuple(sorted(set(flat("phrases")))),
                   re.compile("|".join(f"(?:{p})" for p in patterns), re.I) if patterns else None)

    @cached_property
    def _phrase_re(self) -> re.Pattern[str] | None:
        return re.compile("|".join(map(re.escape, self.phrases))) if self.phrases else None

    def is_junk(self, block: Block) -> bool:
        key = block.key
        if key in self.labels:
            return True
        # a long block only goes when it is mostly links ("Read more: <headlines>")
        if block.words > SHORT_WORDS and block.link_share < 0.5:
            return False
        low = " ".join(block.text.split()).casefold()
        return (low.startswith(self.prefixes)
                or (self._phrase_re is not None and self._phrase_re.search(low) is not None)
                or (self.patterns is not None and self.patterns.search(low) is not None))


@cache
def lexicon() -> Lexicon:
    text = resources.files(__package__).joinpath("data/lexicon.json").read_text("utf-8")
    return Lexicon.from_dict(json.loads(text))


def _link_share(text: str, anchors: list[str]) -> float:
    if not text:
        return 0.0
    low = " ".join(text.split()).casefold()
    covered = sum(len(a) for a in anchors if a in low)
    return min(1.0, covered / len(low))


def body_blocks(body: _Element | None, anchors: set[str]) -> list[Block]:
    """Blocks of trafilatura's body element, each with its text as trafilatura
    would print it and the share of it that is link text on the page."""
    if body is None:
        return []
    anchor_list = sorted(anchors, key=len, reverse=True)
    blocks = []
    for child in body:
        text = xmltotxt(child, False).strip()
        if not text:
            continue
        words = len(text.split())
        blocks.append(Block(text=text, kind=str(child.tag), words=words, anchors=anchor_list))
    return blocks


@dataclass(frozen=True, kw_only=True)
class BlockRules:
    label: bool = True
    #: Off by default: it costs F1 on real pages (recipes, schedules repeat
    #: short lines) and removes nothing the other rules miss (benchmarks/).
    repeat: bool = False
    linklist: bool = True


def _is_link_block(block: Block) -> bool:
    """A list of links (headline lists), or a heading that is a link to another
    page (related-article teasers). Paragraphs are left alone: deal posts and
    product round-ups are made of link lines that belong to the article."""
    if block.kind == "list":
        return block.link_share >= LINK_SHARE
    return block.kind == "head" and block.link_share >= 0.9


def filter_blocks(blocks: list[Block], rules: BlockRules, lex: Lexicon | None = None) -> Counter:
    """Mark furniture blocks (``removed_by``); return counts per rule."""
    lex = lex or lexicon()
    counts: Counter[str] = Counter()
    seen = Counter(b.key for b in blocks if b.words <= 8) if rules.repeat else Counter()
    for block in blocks:
        if rules.label and lex.is_junk(block):
            block.removed_by = "label"
        elif rules.repeat and block.words <= 8 and seen[block.key] >= 2:
            block.removed_by = "repeat"
        elif rules.linklist and _is_link_block(block):
            block.removed_by = "linklist"
    if rules.linklist:  # a short heading introducing a removed link block goes with it
        for before, after in pairwise(blocks):
            if (before.removed_by is None and before.kind == "head" and before.words <= 6
                    and after.removed_by in ("linklist", "label")):
                before.removed_by = "linklist"
    counts.update(b.removed_by for b in blocks if b.removed_by)
    return counts


def blocks_text(blocks: list[Block]) -> str | None:
    text = "\n".join(b.text for b in blocks if b.removed_by is None)
    return text or None
