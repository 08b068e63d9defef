"""An image's caption and credit, and which of the page's blocks they are.

**The caption box** is the image's nearest ``<figure>``, else the smallest
element around it (up to :data:`MAX_LEVELS` levels, holding no other image and
at most :data:`MAX_CAPTION_WORDS` words, not past the body region's element,
:mod:`crawler.extraction.metadata.bodyregion`) that holds a caption element: a
``<figcaption>``, or a class or id word ``caption``, ``cutline`` ...
(WordPress' ``wp-caption-text``, Blogger's ``tr-caption``).

**The credit** is an element of the box named ``credit``, ``copyright``,
``photographer``, ``attribution``, ``courtesy`` or ``source``, or a
``<small>``/``<cite>`` (in the caption, or classed as one), else the caption's
own credit line ("Photo: Jane Doe/AP", "(AP Photo/Evan Vucci)", "© Jane Doe",
"Photograph: ...", "Foto: ...", "— via Wikimedia Commons", a closing "Getty
Images"), taken out of the caption (:func:`split_credit`). Labels ("Photo:",
"Credit:", "©", "Image by") are dropped from the credit (:func:`clean_credit`).

A figure without caption element has its own text as caption. Not captions:
text inside a link (a card whose picture and title lead to another story), and
caption and credit that make more than :data:`MAX_CAPTION_BLOCKS` blocks (a
product card: name, brand, price). :attr:`Caption.segments` are the blocks
inside the caption box whose text is part of the caption and credit.

Pure: reads the tree, never changes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from crawler.extraction.metadata.bodyregion import PageBlocks
from crawler.extraction.metadata.elements import block_of, element_text, path_up
from crawler.extraction.metadata.imageurls import IMAGE_TAGS
from crawler.extraction.segment import SKIP_TAGS, class_tokens


@dataclass(frozen=True)
class Caption:
    text: str | None = None
    #: The photographer or agency ("Jane Doe/AP"), without "Photo:" or "©".
    credit: str | None = None
    #: Indexes of the segments of the caption box that are the caption and credit.
    segments: tuple[int, ...] = ()


#: An image's caption box is at most this many levels above it ...
MAX_LEVELS = 6
#: ... and holds at most this many words ...
MAX_CAPTION_WORDS = 120
#: ... and its caption and credit make at most this many blocks (a caption and
#: a credit line; a product card has a name, a price, a shop ...).
MAX_CAPTION_BLOCKS = 3
#: Elements that hold a credit inside a caption box.
_CREDIT_TAGS = ("small", "cite")
_CAPTION_WORDS = frozenset("caption captions figcaption cutline cutlines legend".split())
_CREDIT_WORDS = frozenset("credit credits copyright photographer attribution courtesy "
                          "source".split())


def find_caption(img: etree._Element, page: PageBlocks) -> Caption:
    """The caption and credit of ``img`` and the blocks they are (module
    docstring); an empty :class:`Caption` when it has none."""
    box = _caption_box(img, page)
    return _read_box(box, page) if box is not None else Caption()


# ----------------------------------------------------------------- credit lines

#: Words that introduce a credit ("Photo: ...", "Foto: ...", "Credit: ...").
_CREDIT_LABEL = (r"(?:photo(?:graph)?s?|photographer|pictures?|pic|images?|illustration|credits?|"
                 r"photo credit|image credit|image source|(?:data )?source|"
                 r"foto(?:s|grafie|graf(?:in)?)?|bild(?:er)?|quelle|cr[ée]dits?(?: photo)?|"
                 r"fotograf[ií]a|"
                 r"imagen|immagine|afbeelding)")
#: "Photo: X" after a space, or "Photo by X" starting the caption, a sentence
#: or a bracket, at the caption's end ("Aerial images by drone show ..." is no credit).
_CREDIT_TAIL = re.compile(
    r"(?:(?:^|(?<=[\s.,;!?|–—-])|(?<=\())\(?\s*" + _CREDIT_LABEL + r"\s*:"
    r"|(?:^|(?<=[.!?|–—]\s)|(?<=[(|–—]))\(?\s*" + _CREDIT_LABEL +
    r"\s+(?:by|von|par|de|courtesy(?:\s+of)?)\b)"
    r"\s*(?P<credit>[^()]{2,120}?)\s*\)?\s*$", re.I)
_CREDIT_SIGN = re.compile(r"(?:^|\s|\()(?:©|\(c\)|copyright\b)\s*(?P<credit>[^()]{2,120}?)\)?\s*$",
                          re.I)
_CREDIT_PAREN = re.compile(r"\((?P<credit>[^()]*\b(?:photo|foto|images?)\s*/\s*[^()]+|"
                           r"[^()]{2,60}/[^()]{2,60})\)\s*$", re.I)
_AGENCIES = (r"Getty Images|Shutterstock|Reuters|AFP|AP Photo|Associated Press|EPA|Alamy|"
             r"iStock(?:photo)?|Unsplash|Pexels|Pixabay|Wikimedia Commons|Bloomberg|"
             r"dpa|ANP|Keystone|Imago|PA Images|PA Wire")
#: A closing sentence (or part after a dash or bar) of at most eight words
#: naming an agency: "... on Monday. Getty Images", "... — via Wikimedia Commons".
_CREDIT_AGENCY = re.compile(r"(?:(?<=[^\W\d_]{2}[.!?]\s)|(?<=[|—–]\s)|(?<=[|—–]))\s*(?P<credit>"
                            r"(?:[^\s!?|—–]+\s+){0,6}?(?:" + _AGENCIES +
                            r")\b(?:\s*[^\s.!?|—–]+){0,2}?)\s*$")
_CREDIT_VIA = re.compile(r"(?:^|[—–(|]|\s-)\s*(?P<credit>(?:via|courtesy(?:\s+of)?)\s+[^()]{2,80}?)"
                         r"\)?\s*$", re.I)
_CREDIT_PREFIX = re.compile(r"^\s*\(?\s*(?:" + _CREDIT_LABEL +
                            r"\s*(?::|by\b)|©|\(c\)|copyright\b|via\b|courtesy(?:\s+of)?\b)"
                            r"\s*", re.I)


def split_credit(text: str) -> tuple[str | None, str | None]:
    """A caption's text as (caption, credit): the credit line it ends with
    ("... Photo: Jane Doe/AP", "... (AP Photo/Evan Vucci)", "... © Jane Doe",
    "... Getty Images") taken out; (text, None) when there is none."""
    text = " ".join(text.split())
    for pattern in (_CREDIT_TAIL, _CREDIT_SIGN, _CREDIT_PAREN, _CREDIT_VIA, _CREDIT_AGENCY):
        m = pattern.search(text)
        if m:
            caption = text[:m.start()].strip(" |–—-:;,")
            return caption or None, clean_credit(m.group("credit"))
    return text or None, None


def clean_credit(text: str) -> str | None:
    """A credit without its label ("Photo:", "©", "Credit:") and brackets."""
    text = " ".join(text.split())
    text = _CREDIT_PREFIX.sub("", text).strip(" ()[]|–—-:;,.")
    return text or None


# ----------------------------------------------------------------- caption boxes


def _kind(node: etree._Element) -> str | None:
    """"caption", "credit" or None, by the element's tag and class words."""
    if node.tag == "figcaption":
        return "caption"
    tokens = class_tokens(node)
    if not tokens:
        return None
    if not _CAPTION_WORDS.isdisjoint(tokens):
        return "caption+credit" if not _CREDIT_WORDS.isdisjoint(tokens) else "caption"
    return "credit" if not _CREDIT_WORDS.isdisjoint(tokens) else None


@dataclass
class _Box:
    el: etree._Element
    captions: list[etree._Element]
    credits: list[etree._Element]


def _scan(node: etree._Element, img: etree._Element) -> _Box | None:
    """``node`` as ``img``'s caption box: its caption and credit elements
    (outermost, not around the image); None when it holds another image or
    too many words to be one image's box."""
    captions: list[etree._Element] = []
    credits: list[etree._Element] = []
    around = set(path_up(img, node))
    marked: list[etree._Element] = []  # caption/credit elements found, to skip their insides
    walk = etree.iterwalk(node, events=("start",))
    for _, el in walk:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag in SKIP_TAGS:
            walk.skip_subtree()
            continue
        if tag in IMAGE_TAGS and el is not img:
            return None
        if el is node or el in around:
            continue
        kind = _kind(el)
        if kind is None:
            continue
        if kind == "caption+credit":  # a wrapper of both, or a credit named "caption-credit"
            inner = any(_kind(d) for d in el.iterdescendants() if isinstance(d.tag, str))
            kind = "caption" if inner else "credit"
        elif kind == "caption" and tag in _CREDIT_TAGS:  # <small class="img-caption">
            kind = "credit"
        if kind == "caption" and any(m in marked for m in el.iterancestors()):
            continue
        if _linked(el):
            continue  # a card's title: the picture and its text lead to another page
        (captions if kind == "caption" else credits).append(el)
        marked.append(el)
        if kind == "credit":
            walk.skip_subtree()
    if not captions and not credits and (node.tag != "figure" or _linked(node)):
        return _Box(node, [], [])
    if len(element_text(node).split()) > MAX_CAPTION_WORDS:
        return None
    credits = [c for c in credits if not any(a in credits for a in c.iterancestors())]
    return _Box(node, captions, credits)


def _linked(el: etree._Element) -> bool:
    """Whether ``el`` lies inside a link (its text is the link's)."""
    return any(a.tag == "a" and a.get("href") for a in el.iterancestors())


def _caption_box(img: etree._Element, page: PageBlocks) -> _Box | None:
    """The nearest ``<figure>`` around the image, else the smallest element
    around it with a caption or credit element (module docstring)."""
    node = img.getparent()
    for _ in range(MAX_LEVELS):
        if (node is None or node is page.container_el or node is page.outer_el
                or node.tag in ("body", "html")):
            return None
        box = _scan(node, img)
        if box is None:
            return None
        if box.captions or box.credits or (node.tag == "figure" and not _linked(node)):
            return box
        node = node.getparent()
    return None


def _text_without(el: etree._Element, skip: Sequence[etree._Element]) -> str:
    """``el``'s text, leaving out the elements of ``skip`` inside it."""
    inner = [s for s in skip if s is not el and el in s.iterancestors()]
    if not inner:
        return element_text(el)
    parts: list[str] = []
    walk = etree.iterwalk(el, events=("start", "end"))
    for event, node in walk:
        if event == "end":
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        if node is not el and (node in inner or (isinstance(node.tag, str)
                                                 and node.tag in SKIP_TAGS)):
            walk.skip_subtree()
            continue
        if isinstance(node.tag, str) and node.text:
            parts.append(node.text)
    return " ".join("".join(parts).split())


def _read_box(box: _Box, page: PageBlocks) -> Caption:
    """Caption, credit and caption blocks of an image from its caption box."""
    credits = list(box.credits)
    if not credits:
        credits = [el for cap in box.captions for el in cap.iter(*_CREDIT_TAGS) if el is not cap]
    if box.captions:
        caption = " ".join(_text_without(c, credits) for c in box.captions)
    elif box.el.tag == "figure":  # a figure's own text is its caption, but not a link's
        links = [a for a in box.el.iter("a") if a.get("href")]
        caption = _text_without(box.el, [*credits, *links])
    else:
        caption = ""
    credit = " ".join(t for c in credits if (t := element_text(c)))
    if credit:
        text, name = " ".join(caption.split()) or None, clean_credit(credit)
    else:
        text, name = split_credit(caption) if caption else (None, None)
    said = " ".join(t for t in (caption, credit) if t)
    if not said:
        return Caption(text, name)
    box_ordinal = block_of(box.el, page.ordinal)
    if box_ordinal is None:
        return Caption(text, name)
    said = "".join(said.split())  # inline parts are glued without spaces in blocks
    segments = tuple(i for i in page.inside(box_ordinal)
                     if "".join(page.segments[i].text.split()) in said)
    if len(segments) > MAX_CAPTION_BLOCKS:  # a product card, not a caption
        return Caption()
    return Caption(text, name, segments)
