"""The article's images: the lead image, the images of the body with their
captions and credits, and which text blocks are those captions.

**An image's URL** is the best the markup offers, made absolute against the
page's ``<base href>`` or URL: the largest candidate of its ``srcset`` (its
``data-srcset``, and the ``<source>`` elements of its ``<picture>``), by width
descriptor, else by density; else a lazy-loading attribute (``data-src``,
``data-lazy-src``, ``data-original`` ...); else ``src``. Placeholders are never
taken (``data:`` URIs, ``blank.gif``, ``spacer``, ``placeholder``, ``lazy``
file names): a lazy image whose only real URL sits in the ``<noscript>`` after
it takes that one.

**Not an article image** (:func:`is_furniture_url`, :func:`_is_icon`): a URL
naming a logo, icon, favicon, avatar, author or profile picture, sprite, emoji,
badge or placeholder (as a word of its path), a tracking pixel
(``pixel``/``spacer``/``1x1`` files, ad and counter hosts, gravatar); an
``<img>`` declared :data:`ICON_PX` px or less wide or high; an ``<img>`` whose
own class or id, or that of an element between it and its block element, names
a logo, icon, avatar, emoji, author or profile picture.

**The body region.** The *body container* is the deepest block element that
holds :data:`CONTAINER_SHARE` of the kept words (the kept blocks are the
article's text, as the block classifier and the furniture rules left it). The
region is the container, and its parent block element from the parent's first
kept block to its last: the headline and standfirst above the text and the
figure between them are in, the parent's sidebar after its last kept block is
out. An image's *box* is the largest block element around it, below the
region's element, that holds no kept block (a figure, an image alone in a
``<p>`` or ``<div>``, a gallery); the *flow* is the block element just above
the box, the first that holds kept text.

**A body image** is, by these rules, one of:

1. an image whose caption or credit is a kept block (the classifier kept the
   figure's text, so the figure is in the text's flow);
2. an image in the region whose box holds no dropped text other than image
   captions (a box with other dropped text is furniture with a picture: a
   related-story teaser, an ad slot with its "Advertisement" label, an author
   box), and whose flow holds at least as many kept words as dropped ones
   (captions not counted: an author box whose name line was kept is mostly
   dropped text);
3. outside the region, an image inside a block element that itself holds kept
   text, mostly kept (an image inside a kept paragraph).

In every case, no element between the image and the region's element (or its
own block element) may be navigation, an ``<aside>``, a footer or a form, or
have a class or id of the share, related, ad, comment, sidebar, newsletter,
navigation or footer vocabulary (:data:`crawler.extraction.segment.CLASS_GROUPS`,
less the words templates give their articles' pictures too, such as
``featured``). Images are listed in document order, one per URL (a query made
only of size parameters does not make another image).

**Captions and credits.** An image's caption box is its nearest ``<figure>``,
else the smallest element around it (up to :data:`MAX_LEVELS` levels, holding
no other image and at most :data:`MAX_CAPTION_WORDS` words, not past the
region's element) that holds a caption element: a ``<figcaption>``, or a class
or id word ``caption``, ``cutline`` ... (WordPress' ``wp-caption-text``,
Blogger's ``tr-caption``). The credit is an element of the box named
``credit``, ``copyright``, ``photographer``, ``attribution``, ``courtesy`` or
``source``, or a ``<small>``/``<cite>`` (in the caption, or classed as one),
else the caption's own credit line ("Photo: Jane Doe/AP", "(AP Photo/Evan
Vucci)", "© Jane Doe", "Photograph: ...", "Foto: ...", "— via Wikimedia
Commons", a closing "Getty Images"), taken out of the caption
(:func:`split_credit`). Labels ("Photo:", "Credit:", "©", "Image by") are
dropped from the credit. A figure without caption element has its own text
as caption. Not captions: text inside a link (a card whose picture and title
lead to another story), and caption and credit that make more than
:data:`MAX_CAPTION_BLOCKS` blocks (a product card: name, brand, price).
:attr:`Images.caption_blocks` are the kept blocks inside a body image's caption
box whose text is part of its caption and credit.

**The lead image** is the first acceptable of: ``og:image`` (its
``secure_url`` first), ``twitter:image``, the ``image`` or ``thumbnailUrl`` of
the page's article object in JSON-LD (``@id`` references followed), ``<link
rel="image_src">``; then the first body image not declared narrower than
:data:`LEAD_MIN_WIDTH`; then a declared image whose file name says it is a
thumbnail (narrower than :data:`THUMBNAIL_WIDTH`: ``photo-220x124.jpg``); then
``fallback`` (trafilatura's image). Acceptable: not furniture by its URL, not
an SVG, not declared 50 px or smaller, and not the publisher's or the site's
logo or icon (any JSON-LD ``logo``, ``<link rel="icon">`` and touch icons). Its
caption and credit are those of the same image in the body, else the JSON-LD
image object's ``caption`` and ``creditText``, ``copyrightHolder`` or
``author``. The lead may also be a body image.

Pure: reads the tree, never changes it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from crawler.extraction.markup import AD_HOSTS
from crawler.extraction.metadata.elements import block_of, element_text, ordinals
from crawler.extraction.metadata.links import absolute, base_url
from crawler.extraction.metadata.structured import Structured
from crawler.extraction.segment import (
    CLASS_GROUPS,
    SKIP_TAGS,
    Segment,
    class_tokens,
)
from crawler.extraction.signals import ARTICLE_TYPES


@dataclass(frozen=True)
class Image:
    #: Absolute URL: the best of the image's sources (see the module's docstring).
    url: str
    caption: str | None = None
    #: The photographer or agency ("Jane Doe/AP"), without "Photo:" or "©".
    credit: str | None = None


@dataclass(frozen=True)
class Images:
    lead: Image | None
    #: The article body's images, in document order, one per URL.
    body: list[Image] = field(default_factory=list)
    #: Indexes into the segments of the kept blocks that are body images'
    #: captions or credits (their text is not the article's).
    caption_blocks: frozenset[int] = frozenset()


#: The body container holds at least this share of the kept words.
CONTAINER_SHARE = 0.8
#: An image's caption box is at most this many levels above it ...
MAX_LEVELS = 6
#: ... and holds at most this many words ...
MAX_CAPTION_WORDS = 120
#: ... and its caption and credit make at most this many blocks (a caption and
#: a credit line; a product card has a name, a price, a shop ...).
MAX_CAPTION_BLOCKS = 3
#: A kept caption lies at most this many block elements from its image's.
NEAR_BLOCKS = 8
#: An image declared this size or smaller (either side, in px) is an icon.
ICON_PX = 50
#: A body image declared narrower than this is no lead image ...
LEAD_MIN_WIDTH = 200
#: ... and a declared one whose file name says it is narrower than this
#: ("photo-220x124.jpg") yields to any other.
THUMBNAIL_WIDTH = 400

_IMAGE_TAGS = ("img", "amp-img")
_SRCSET_ATTRS = ("srcset", "data-srcset", "data-lazy-srcset")
_LAZY_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url",
               "data-hi-res-src", "data-full-src", "data-src-large")
#: Words of an image's file name that name something other than an article image ...
_FURNITURE_WORDS = frozenset(
    "logo logos favicon favicons icon icons sprite sprites avatar avatars gravatar emoji "
    "emojis smilies smiley badge badges placeholder placeholders spacer spacers 1x1 "
    "lazyload".split())
#: ... and, in its folders, these too ("/authors/jane.jpg", "/profile_images/").
_FURNITURE_FOLDERS = _FURNITURE_WORDS | frozenset(
    "author authors profile profiles headshot headshots blank".split())
#: File names (without extension) of tracking pixels and placeholders.
_PIXEL_STEMS = frozenset(
    "pixel px spacer blank transparent clear trans empty shim dot 1x1 t p b s "
    "tracking tracker beacon lazy loading loader spinner grey gray white".split())
_PIXEL_HOSTS = re.compile(r"(?:^|\.)(?:pixel|gravatar|scorecardresearch|quantserve|"
                          r"facebook\.com|analytics|stats)\b", re.I)
#: Class/id words of an image (or an inline element around it) that is no
#: article image.
_ICON_CLASSES = frozenset(
    "logo icon icons avatar avatars emoji smiley sprite badge favicon gravatar "
    "author authors byline profile headshot mugshot spinner loader pixel spacer".split())
#: Class/id words of furniture around an image: segment's CLASS_GROUPS of
#: navigation, footers, sidebars, comments, sharing, related stories, ads and
#: sign-up boxes, less the words page templates also give to an article's own
#: pictures ("featured-image", "hero-banner", Elementor's "widget-image",
#: "side-by-side", lightbox "modal"/"overlay", "pinterest" pins on recipe photos).
_FURNITURE_GROUPS = ("nav", "foot", "side", "comment", "share", "related", "ad", "subscribe")
_NOT_FURNITURE = frozenset(
    "featured more also latest banner side secondary widget widgets copyright bottom legal "
    "disclaimer facebook twitter whatsapp pinterest linkedin email print modal overlay "
    "popup".split())
_FURNITURE_CLASSES = frozenset().union(*(CLASS_GROUPS[g] for g in _FURNITURE_GROUPS)) \
    - _NOT_FURNITURE
_FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "form"})
#: Elements that hold a credit inside a caption box.
_CREDIT_TAGS = ("small", "cite")
_CAPTION_WORDS = frozenset("caption captions figcaption cutline cutlines legend".split())
_CREDIT_WORDS = frozenset("credit credits copyright photographer attribution courtesy "
                          "source".split())
_SIZE_PARAMS = frozenset("w h width height resize fit crop quality q auto dpr format fm "
                         "size sz strip".split())
#: A size in an image's file name ("photo-220x124.jpg", WordPress' thumbnails) ...
_URL_SIZE = re.compile(r"[-_](\d{2,4})x\d{2,4}(?=[-_.]|$)")
#: ... just before the extension, where it names one size of an image.
_FILE_SIZE = re.compile(r"[-_]\d{2,4}x\d{2,4}(?=\.\w+$)")
_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?|svg)$", re.I)
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$", re.I)

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


# ----------------------------------------------------------------- image URLs


_SRCSET_URL = re.compile(r"[\s,]*(\S+)")
_SRCSET_DESCRIPTORS = re.compile(r"[^,]*")


def _srcset(value: str) -> Iterator[tuple[str, float, float]]:
    """(url, width, density) of each candidate of a ``srcset`` (the HTML
    standard's parsing: a URL is a run of non-space characters, which may hold
    commas; its descriptors run to the next comma)."""
    pos = 0
    while m := _SRCSET_URL.match(value, pos):
        url, pos = m.group(1), m.end()
        descriptors = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            d = _SRCSET_DESCRIPTORS.match(value, pos)
            assert d is not None  # [^,]* always matches
            descriptors, pos = d.group(), d.end()
        if not url:
            continue
        width = density = 0.0
        for token in descriptors.split():
            unit = token[-1:].lower()
            try:
                if unit == "w":
                    width = float(token[:-1])
                elif unit == "x":
                    density = float(token[:-1])
            except ValueError:
                pass
        yield url, width, density or 1.0


def is_furniture_url(url: str) -> bool:
    """Whether a URL names a logo, icon, avatar, sprite, placeholder or tracking
    pixel rather than a picture (the words of its path, its host)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return True
    if AD_HOSTS.search(parts.netloc) or _PIXEL_HOSTS.search(parts.netloc):
        return True
    path = parts.path.lower()
    directory, _, name = path.rpartition("/")
    stem = _IMAGE_EXT.sub("", name)
    if stem in _PIXEL_STEMS or (not stem and not directory.strip("/")):
        return True
    return (any(w in _FURNITURE_FOLDERS or w.startswith("logo") for w in _WORD.findall(directory))
            or any(w in _FURNITURE_WORDS or w.startswith("logo") for w in _WORD.findall(stem)))


def _usable(url: str | None) -> bool:
    return url is not None and not is_furniture_url(url)


def _picture(img: etree._Element) -> etree._Element | None:
    """The ``<picture>`` of an image (the HTML parser may nest the image in
    the ``<source>`` elements before it)."""
    for node in img.iterancestors():
        if node.tag == "picture":
            return node
        if node.tag != "source":
            return None
    return None


def image_url(img: etree._Element, base: str | None) -> tuple[str | None, float]:
    """The image's best URL (module docstring) and the largest width its
    ``srcset`` declares (0 when none)."""
    sets = [v for a in _SRCSET_ATTRS if (v := img.get(a))]
    picture = _picture(img)
    if picture is not None:
        sets += [v for source in picture.iter("source")
                 for a in _SRCSET_ATTRS if (v := source.get(a))]
    candidates = sorted(((width, density, raw) for value in sets
                         for raw, width, density in _srcset(value)),
                        key=lambda c: (-c[0], -c[1]))
    for width, _, raw in candidates:  # the largest usable, the first of equals
        url = absolute(raw, base)
        if url is not None and _usable(url):
            return url, width
    for attr in (*_LAZY_ATTRS, "src"):
        url = absolute(img.get(attr), base)
        if _usable(url):
            return url, 0.0
    after = img.getnext()
    if after is not None and after.tag == "noscript":
        for inner in after.iter("img"):
            url = absolute(inner.get("src"), base)
            if _usable(url):
                return url, 0.0
    return None, 0.0


def _px(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        m = _NUMBER.match(value)
        return float(m.group(1)) if m else None
    if isinstance(value, dict):  # schema.org QuantitativeValue
        return _px(value.get("value"))
    return None


def _is_small(width: float | None, height: float | None) -> bool:
    return any(side is not None and side <= ICON_PX for side in (width, height))


def image_key(url: str) -> str:
    """What makes two URLs one image: scheme, fragment, size-only query
    parameters and a size in the file name left out (``a.jpg?w=300``,
    ``a.jpg?w=1200`` and ``a-1024x683.jpg`` are one image)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = "&".join(f"{k}={v}" for k, v in query if k.lower() not in _SIZE_PARAMS)
    return f"{parts.netloc.lower()}{_FILE_SIZE.sub('', parts.path)}?{kept}"


# ----------------------------------------------------------------- the body


@dataclass
class _Found:
    el: etree._Element
    url: str
    width: float | None
    #: The ordinal of its block element.
    block: int
    caption: str | None = None
    credit: str | None = None
    #: Indexes of the segments of its caption box that are its caption and credit.
    caption_segments: list[int] = field(default_factory=list)


class _Page:
    """The segments indexed for the questions the rules ask."""

    def __init__(self, tree: etree._Element, segments: Sequence[Segment],
                 kept: Sequence[bool]) -> None:
        self.segments, self.kept = segments, kept
        self.elements, self.ordinal = ordinals(tree)
        self.kept_elements = {s.element for s, k in zip(segments, kept, strict=True) if k}
        #: Segment indexes sorted by the ordinal of their element.
        self.by_element = sorted(range(len(segments)), key=lambda i: segments[i].element)
        self.element_keys = [segments[i].element for i in self.by_element]
        self.kept_sorted = sorted(self.kept_elements)
        self.container = self._container()
        self.container_el = self.elements[self.container - 1] if self.container else None
        #: The block elements inside the container are those of ordinals
        #: ``container`` to ``container_end`` (document order numbers them so).
        self.container_end = self._last_inside(self.container) if self.container else -1
        # the container's parent, between the first and the last kept block in
        # it: the headline and the standfirst above the text, the figure between
        self.outer_el = next((a for a in self.container_el.iterancestors() if a in self.ordinal),
                             None) if self.container_el is not None else None
        self.outer = self.ordinal[self.outer_el] if self.outer_el is not None else None
        self.outer_first = self.outer_last = -1
        if self.outer is not None:
            end = self._last_inside(self.outer)
            around = [e for e in self.kept_sorted if self.outer <= e <= end]
            self.outer_first, self.outer_last = around[0], around[-1]

    def _container(self) -> int | None:
        held: dict[int, int] = {}
        depth: dict[int, int] = {}
        total = 0
        for seg, keep in zip(self.segments, self.kept, strict=True):
            if not keep:
                continue
            n = len(seg.words)
            total += n
            for level, element in enumerate((*seg.ancestors, seg.element)):
                held[element] = held.get(element, 0) + n
                depth[element] = level
        if not total:
            return None
        return max((e for e, n in held.items() if n >= CONTAINER_SHARE * total),
                   key=depth.__getitem__, default=None)

    def _last_inside(self, ordinal: int) -> int:
        """The last ordinal of the block elements inside the one of ``ordinal``."""
        outer = self.elements[ordinal - 1]
        lo, hi = ordinal, len(self.elements)
        while lo < hi:  # the ones inside come first: a binary search
            mid = (lo + hi + 1) // 2
            if any(a is outer for a in self.elements[mid - 1].iterancestors()):
                lo = mid
            else:
                hi = mid - 1
        return lo

    def in_container(self, ordinal: int) -> bool:
        return self.container is not None and self.container <= ordinal <= self.container_end

    def region(self, ordinal: int) -> etree._Element | None:
        """The element of the body region the block element of ``ordinal`` lies
        in: the container, or its parent between the parent's first and last
        kept blocks; None outside the region."""
        if self.in_container(ordinal):
            return self.container_el
        if self.outer_first <= ordinal <= self.outer_last:
            return self.outer_el
        return None

    def near_kept(self, ordinal: int) -> bool:
        """Whether a kept block lies within :data:`NEAR_BLOCKS` block elements
        of the one of ``ordinal`` (where an image's kept caption would be)."""
        pos = bisect_left(self.kept_sorted, ordinal - NEAR_BLOCKS)
        return pos < len(self.kept_sorted) and self.kept_sorted[pos] <= ordinal + NEAR_BLOCKS

    def inside(self, ordinal: int) -> Iterator[int]:
        """Indexes of the segments in the block element of ``ordinal`` or in the
        block elements inside it (their ordinals follow it without a gap)."""
        for pos in range(bisect_left(self.element_keys, ordinal), len(self.by_element)):
            i = self.by_element[pos]
            seg = self.segments[i]
            if seg.element != ordinal and ordinal not in seg.ancestors:
                return
            yield i

    def holds_kept(self, ordinal: int) -> bool:
        return any(self.kept[i] for i in self.inside(ordinal))

    def mostly_kept(self, ordinal: int, captions: set[int]) -> bool:
        """Whether the kept words in the block element of ``ordinal`` are at least
        its dropped words (captions not counted): an author box, a teaser whose
        name line the classifier kept, is mostly dropped text."""
        balance = 0
        for i in self.inside(ordinal):
            if i not in captions:
                balance += len(self.segments[i].words) * (1 if self.kept[i] else -1)
        return balance >= 0


def _path_up(el: etree._Element, stop: etree._Element | None) -> Iterator[etree._Element]:
    """``el`` and its ancestors up to (not including) ``stop`` or the root."""
    node: etree._Element | None = el
    while node is not None and node is not stop:
        yield node
        node = node.getparent()


def _is_icon(img: etree._Element, block: etree._Element) -> bool:
    """An icon, avatar, emoji or logo by its declared size or the class words of
    the image and the inline elements up to its block element."""
    if _is_small(_px(img.get("width")), _px(img.get("height"))):
        return True
    for node in _path_up(img, block.getparent()):
        if node is not img and node.tag in ("picture", "source"):
            continue
        if not _ICON_CLASSES.isdisjoint(class_tokens(node)):
            return True
    return False


def _in_furniture(img: etree._Element, stop: etree._Element | None) -> bool:
    for node in _path_up(img, stop):
        if node.tag in _FURNITURE_TAGS or not _FURNITURE_CLASSES.isdisjoint(class_tokens(node)):
            return True
    return False


def _candidates(tree: etree._Element, page: _Page, base: str | None) -> list[_Found]:
    found = []
    for img in tree.iter(*_IMAGE_TAGS):
        block = block_of(img, page.ordinal)
        if block is None or not (page.region(block) is not None or page.near_kept(block)):
            continue  # no rule can make it a body image
        url, srcset_width = image_url(img, base)
        block_el = page.elements[block - 1]
        if url is None or _is_icon(img, block_el):
            continue
        width = _px(img.get("width"))
        found.append(_Found(img, url, max(width or 0.0, srcset_width) or None, block))
    return found


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
    around = set(_path_up(img, node))
    marked: list[etree._Element] = []  # caption/credit elements found, to skip their insides
    walk = etree.iterwalk(node, events=("start",))
    for _, el in walk:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag in SKIP_TAGS:
            walk.skip_subtree()
            continue
        if tag in _IMAGE_TAGS and el is not img:
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


def _caption_box(img: etree._Element, page: _Page) -> _Box | None:
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


def _read_box(found: _Found, box: _Box, page: _Page) -> None:
    """Caption, credit and caption blocks of ``found`` from its caption box."""
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
        found.caption, found.credit = " ".join(caption.split()) or None, clean_credit(credit)
    else:
        found.caption, found.credit = split_credit(caption) if caption else (None, None)
    said = " ".join(t for t in (caption, credit) if t)
    if not said:
        return
    box_ordinal = block_of(box.el, page.ordinal)
    if box_ordinal is None:
        return
    said = "".join(said.split())  # inline parts are glued without spaces in blocks
    found.caption_segments = [i for i in page.inside(box_ordinal)
                              if "".join(page.segments[i].text.split()) in said]
    if len(found.caption_segments) > MAX_CAPTION_BLOCKS:  # a product card, not a caption
        found.caption = found.credit = None
        found.caption_segments = []


def _body(tree: etree._Element, page: _Page, base: str | None) -> list[_Found]:
    found = _candidates(tree, page, base)
    for item in found:
        box = _caption_box(item.el, page)
        if box is not None:
            _read_box(item, box, page)
    captions = {i for item in found for i in item.caption_segments}
    body: list[_Found] = []
    seen: set[str] = set()
    for item in found:
        key = image_key(item.url)
        if key in seen or not _in_body(item, page, captions):
            continue
        seen.add(key)
        body.append(item)
    return body


def _in_body(item: _Found, page: _Page, captions: set[int]) -> bool:
    block = page.elements[item.block - 1]
    region = page.region(item.block)
    if _in_furniture(item.el, region if region is not None else block.getparent()):
        return False
    if any(page.kept[i] for i in item.caption_segments):
        return True
    if region is None:
        return item.block in page.kept_elements and page.mostly_kept(item.block, captions)
    # going up from the image: its box (block elements without kept text), then
    # the first block element with kept text, the text's flow it sits in
    box = flow = None
    for node in _path_up(block, region):
        ordinal = page.ordinal.get(node)
        if ordinal is None:
            continue
        if page.holds_kept(ordinal):
            flow = ordinal
            break
        box = ordinal
    if box is not None and not all(page.kept[i] or i in captions for i in page.inside(box)):
        return False
    return flow is None or page.mostly_kept(flow, captions)


# ----------------------------------------------------------------- the lead


def _ld_index(structured: Structured) -> dict[str, dict[str, Any]]:
    return {node["@id"]: node for node in structured.ld if isinstance(node.get("@id"), str)}


def _ld_images(value: object, index: dict[str, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The image objects of a JSON-LD ``image`` value (a URL, an ImageObject,
    an ``@id`` reference, a list of them), as ``{"url": ...}`` dicts."""
    if isinstance(value, str):
        yield {"url": value}
    elif isinstance(value, list):
        for item in value:
            yield from _ld_images(item, index)
    elif isinstance(value, dict):
        node = value
        if isinstance(node.get("@id"), str) and not (node.get("url") or node.get("contentUrl")):
            node = index.get(node["@id"], node)
        url = node.get("url") or node.get("contentUrl")
        if isinstance(url, list):
            url = next((u for u in url if isinstance(u, str)), None)
        if isinstance(url, str):
            yield {**node, "url": url}


def _ld_name(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _ld_name(value.get("name"))
    if isinstance(value, list):
        names = [n for v in value if (n := _ld_name(v))]
        return ", ".join(names) or None
    return None


def _logos(tree: etree._Element, structured: Structured, base: str | None,
           index: dict[str, dict[str, Any]]) -> set[str]:
    """Keys of the site's logos and icons: JSON-LD ``logo`` values (of the
    publisher, of any organisation), ``<link rel="icon">`` and touch icons."""
    keys = set()
    for node in structured.ld:
        for holder in (node, node.get("publisher")):
            if isinstance(holder, dict):
                for logo in _ld_images(holder.get("logo"), index):
                    url = absolute(logo["url"], base)
                    if url:
                        keys.add(image_key(url))
    head = next(tree.iter("head"), None)
    for link in head.iter("link") if head is not None else ():
        rel = (link.get("rel") or "").lower()
        if "icon" in rel:
            url = absolute(link.get("href"), base)
            if url:
                keys.add(image_key(url))
    return keys




def _declared(tree: etree._Element, structured: Structured,
              index: dict[str, dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The page's declared lead images, best first, as (URL, facts)."""
    size = {"width": structured.meta_first("og:image:width"),
            "height": structured.meta_first("og:image:height")}
    for key in ("og:image:secure_url", "og:image:url", "og:image"):
        for value in structured.meta.get(key, ()):
            yield value, size
    for key in ("twitter:image", "twitter:image:src"):
        for value in structured.meta.get(key, ()):
            yield value, {}
    for node in structured.of_type(ARTICLE_TYPES):
        for key in ("image", "thumbnailUrl"):
            for image in _ld_images(node.get(key), index):
                yield image["url"], image
    head = next(tree.iter("head"), None)
    for link in head.iter("link") if head is not None else ():
        if (link.get("rel") or "").lower() == "image_src" and link.get("href"):
            yield link.get("href") or "", {}


def _lead(tree: etree._Element, structured: Structured, base: str | None, body: list[_Found],
          fallback: str | None) -> Image | None:
    index = _ld_index(structured)
    logos = _logos(tree, structured, base, index)
    by_key = {image_key(item.url): item for item in body}

    def acceptable(url: str | None, facts: dict[str, Any]) -> bool:
        return (url is not None and not is_furniture_url(url)
                and not urlsplit(url).path.lower().endswith(".svg")
                and image_key(url) not in logos
                and not _is_small(_px(facts.get("width")), _px(facts.get("height"))))

    def image(url: str, facts: dict[str, Any]) -> Image:
        same = by_key.get(image_key(url))
        if same is not None and (same.caption or same.credit):
            return Image(url, same.caption, same.credit)
        caption = facts.get("caption") if isinstance(facts.get("caption"), str) else None
        credit = next((n for k in ("creditText", "copyrightHolder", "author", "creator")
                       if (n := _ld_name(facts.get(k)))), None)
        return Image(url, (" ".join(caption.split()) or None) if caption else None,
                     clean_credit(credit) if credit else None)

    thumbnails: list[tuple[str, dict[str, Any]]] = []
    for raw, facts in _declared(tree, structured, index):
        url = absolute(raw, base)
        if url is None or not acceptable(url, facts):
            continue
        named = _URL_SIZE.search(urlsplit(url).path)
        if named and int(named.group(1)) < THUMBNAIL_WIDTH:
            thumbnails.append((url, facts))  # a thumbnail: a larger image may follow
            continue
        return image(url, facts)
    for item in body:
        if item.width is None or item.width >= LEAD_MIN_WIDTH:
            return Image(item.url, item.caption, item.credit)
    if thumbnails:
        return image(*thumbnails[0])
    url = absolute(fallback, base)
    if url is not None and acceptable(url, {}):
        return image(url, {})
    return None


def find_images(tree: etree._Element, structured: Structured, segments: Sequence[Segment],
                kept: Sequence[bool], *, url: str | None, fallback: str | None = None) -> Images:
    """The lead image, the body's images with captions and credits, and the
    kept blocks that are those captions (module docstring). ``segments`` are
    :func:`~crawler.extraction.segment.segment`'s blocks of ``tree``, ``kept``
    says which are the article's text (as for
    :func:`~crawler.extraction.metadata.links.body_links`), ``fallback`` is
    another extractor's image for the page (trafilatura's)."""
    base = base_url(tree, url)
    page = _Page(tree, segments, kept)
    body = _body(tree, page, base) if page.kept_elements else []
    captions = frozenset(i for item in body for i in item.caption_segments if kept[i])
    return Images(lead=_lead(tree, structured, base, body, fallback),
                  body=[Image(item.url, item.caption, item.credit) for item in body],
                  caption_blocks=captions)

