"""A page as a sequence of text blocks, each with what its markup says about it.

A block is the run of text between two block-level boundaries (``<p>``,
``<div>``, ``<li>``, ``<td>``, ``<h2>``, ``<br>`` ...), in document order: the
unit the block classifier (:mod:`crawler.extraction.classify`) keeps or drops.
Each :class:`Segment` carries the raw facts its features are made of: its text,
how much of it is link text, the tag that owns it, and counts of what its
ancestors are (``<nav>``, ``<article>``, class/id words such as ``sidebar`` or
``content``).

Pure: an lxml tree in, dataclasses out. Reads the tree, never changes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

#: Elements that end one block and start another.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
    "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "legend", "li",
    "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
})
#: Elements whose text is never page text.
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "head", "iframe", "object", "embed",
    "canvas", "math", "select", "option", "textarea", "button", "input", "title", "meta",
    "link",
})
#: The :data:`SKIP_TAGS` that can hold elements once parsed (a script's or a
#: style's content is text to the parser; ``<meta>``, ``<link>``, ``<input>`` are void).
_SKIP_CONTAINERS = tuple(sorted(SKIP_TAGS - {"script", "style", "meta", "link", "input"}))
#: Ancestor tags counted for each block (in this order in :attr:`Segment.tags`).
ANCESTOR_TAGS = ("article", "main", "nav", "header", "footer", "aside", "form", "li",
                 "table", "figure", "blockquote", "a", "section", "dl", "label")
#: Word groups of class and id values, counted along each block's ancestors. The
#: words are the usual vocabulary of page templates (as in boilerpipe, Readability
#: and jusText), not taken from any evaluated page; the classifier learns weights.
CLASS_GROUPS: dict[str, frozenset[str]] = {
    "nav": frozenset("nav navbar navigation menu menus breadcrumb breadcrumbs pagination "
                     "pager skip toolbar tabs topnav subnav dropdown".split()),
    "foot": frozenset("footer foot copyright legal disclaimer bottom colophon".split()),
    "head": frozenset("header masthead topbar branding logo hero".split()),
    "side": frozenset("sidebar side aside rail widget widgets sidebox secondary".split()),
    "comment": frozenset("comment comments discussion reply replies respond disqus "
                         "responses".split()),
    "share": frozenset("share sharing social follow facebook twitter whatsapp "
                       "pinterest linkedin email print".split()),
    "related": frozenset("related recommended recommend recommendations more trending "
                         "popular teaser teasers also outbrain taboola recirc "
                         "latest featured".split()),
    "ad": frozenset("ad ads advert adverts advertisement advertising banner sponsor "
                    "sponsored promo promotion promoted dfp gpt commercial".split()),
    "subscribe": frozenset("newsletter subscribe subscription signup register login "
                           "paywall cookie cookies consent gdpr popup modal overlay "
                           "cta".split()),
    "meta": frozenset("meta byline author date time tags tag category categories "
                      "info caption credit credits dateline timestamp".split()),
    "content": frozenset("article content entry post story body text main blog prose "
                         "richtext markdown paragraph copy single".split()),
    "hidden": frozenset("hidden sr visually offscreen invisible collapse "
                        "collapsed".split()),
}
GROUP_NAMES = tuple(CLASS_GROUPS)
_WORD_OF = {w: i for i, (_, words) in enumerate(CLASS_GROUPS.items()) for w in words}
_SPLIT = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"\w+")
#: Scripts written without spaces between words: each character counts as a word.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")


def norm_words(text: str) -> list[str]:
    """The text's words, case-folded: runs of word characters, and each
    character of Chinese, Japanese and Thai, which put no space between words."""
    folded = text.casefold()
    if _UNSPACED.search(folded):
        folded = _UNSPACED.sub(r" \g<0> ", folded)
    return _WORD.findall(folded)

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass(slots=True)
class Segment:
    """One block of page text and the facts about its place in the page."""

    text: str
    #: The tag of the block-level element that holds the text.
    tag: str
    #: Characters of the text that are inside ``<a>`` elements.
    link_chars: int
    #: Counts of :data:`ANCESTOR_TAGS` among the ancestors (and the element itself).
    tags: tuple[int, ...]
    #: Counts of each :data:`CLASS_GROUPS` word group in class/id values of the
    #: ancestors (and the element itself).
    groups: tuple[int, ...]
    depth: int
    #: An identity of the parent block element, equal for blocks sharing it
    #: (table cells of one row, items of one list) ...
    parent: int
    #: ... and of that element's own parent block element.
    grandparent: int
    row: int = field(default=-1)
    #: The identities of all block elements around the block, outermost first.
    ancestors: tuple[int, ...] = ()
    #: The identity of the block element that holds the text itself.
    element: int = 0
    #: The text's words (:func:`norm_words`), split once for every feature and rule.
    words: list[str] = field(default_factory=list)


def class_tokens(el: etree._Element) -> list[str]:
    """The words of the element's class and id values, lower case: split at
    every other character than a letter or digit, and between camelCase words."""
    raw = f"{el.get('class') or ''} {el.get('id') or ''}"
    if not raw.strip():
        return []
    return _SPLIT.split(_CAMEL.sub(" ", raw).lower())


_RAW_CLASS_SPLIT = re.compile(r"[^A-Za-z0-9]+")


def page_class_words(tree: etree._Element) -> set[str]:
    """Every class and id word of the page's elements (as :func:`class_tokens`
    splits them), alphabetic and of three letters or more: the vocabulary of its
    template ("product", "cart", "thread", "pagination", "single", "byline").
    Split once per distinct value, not per element."""
    values: set[str] = set()
    for el in tree.iter(etree.Element):
        for name in ("class", "id"):
            value = el.get(name)
            if value:
                values.update(_RAW_CLASS_SPLIT.split(value))
    words: set[str] = set()
    for value in values:
        parts = (value,) if value.islower() else _CAMEL.sub(" ", value).lower().split()
        words.update(w for w in parts if len(w) > 2 and w.isalpha())
    return words


def _class_words(el: etree._Element) -> list[int]:
    """Indexes of the word groups that the element's class and id name."""
    return [g for w in class_tokens(el) if (g := _WORD_OF.get(w)) is not None]


class _Walker:
    """Depth-first walk that cuts the text into blocks at block-level tags."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.parts: list[str] = []
        self.link_parts: int = 0
        self.owner: str = "body"
        self.owner_ctx: tuple = ((0,) * len(ANCESTOR_TAGS), (0,) * len(CLASS_GROUPS), 0, 0, 0,
                                 -1, (), 0)
        self.links = 0
        #: Block elements numbered in document order (``id()`` of lxml's element
        #: proxies is reused once a proxy is freed, so it cannot name an element).
        self.elements = 0

    def flush(self) -> None:
        if not self.parts:
            return
        text = " ".join("".join(self.parts).split())
        link_chars = self.link_parts
        self.parts, self.link_parts = [], 0
        if text:
            tags, groups, depth, parent, grandparent, row, chain, element = self.owner_ctx
            self.segments.append(Segment(text, self.owner, min(link_chars, len(text)), tags,
                                         groups, depth, parent, grandparent, row, chain,
                                         element, norm_words(text)))

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)
            if self.links:
                self.link_parts += len(" ".join(text.split()))

    def walk(self, el: etree._Element, tags: tuple[int, ...], groups: tuple[int, ...],
             depth: int, parent: int, grandparent: int, row: int,
             chain: tuple[int, ...]) -> None:
        tag = el.tag
        if not isinstance(tag, str):
            self.add(el.tail)
            return
        tag = tag.lower()
        if tag in SKIP_TAGS:
            self.add(el.tail)
            return
        if tag in ANCESTOR_TAGS:
            i = ANCESTOR_TAGS.index(tag)
            tags = (*tags[:i], tags[i] + 1, *tags[i + 1:])
        words = _class_words(el)
        if words:
            g = list(groups)
            for i in words:
                g[i] += 1
            groups = tuple(g)
        is_block = tag in BLOCK_TAGS
        saved = None
        if is_block:
            self.flush()
            saved = (self.owner, self.owner_ctx)
            self.elements += 1
            if tag == "tr":
                row = self.elements
            self.owner = tag
            self.owner_ctx = (tags, groups, depth + 1, parent, grandparent, row, chain,
                              self.elements)
            parent, grandparent = self.elements, parent
            chain = (*chain, self.elements)
        if tag == "a":
            self.links += 1
        self.add(el.text)
        for child in el:
            self.walk(child, tags, groups, depth + 1, parent, grandparent, row, chain)
        if tag == "a":
            self.links -= 1
        if is_block:
            self.flush()
            self.owner, self.owner_ctx = saved  # type: ignore[misc]
        self.add(el.tail)


def _root(tree: etree._Element) -> etree._Element:
    """Where the walk starts: ``<body>``, or the whole tree when there is none."""
    if tree.tag == "body":
        return tree
    return next(tree.iter("body"), tree)


def segment(tree: etree._Element) -> list[Segment]:
    """The page's text blocks in document order (``<body>``, or the whole tree)."""
    walker = _Walker()
    walker.walk(_root(tree), (0,) * len(ANCESTOR_TAGS), (0,) * len(CLASS_GROUPS), 0, 0, 0, -1,
                ())
    walker.flush()
    return walker.segments


def block_elements(tree: etree._Element) -> list[etree._Element]:
    """The block elements :func:`segment` numbers, in its order: the element of
    ordinal ``n`` (:attr:`Segment.element`, :attr:`Segment.ancestors`) is at
    index ``n - 1``. For readers that go back from a block to its markup (its
    images, its links) without making segments carry lxml elements."""
    root = _root(tree)
    hidden = {el for skip in root.iter(*_SKIP_CONTAINERS) for el in skip.iter(*BLOCK_TAGS)}
    return [el for el in root.iter(*BLOCK_TAGS) if el not in hidden]
