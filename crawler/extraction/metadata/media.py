"""The article's images: the lead image, the images of the body with their
captions and credits, and which text blocks are those captions.

The rules are in one module each:

- :mod:`.imageurls`: an image's URL (the largest ``srcset`` candidate, lazy
  attributes, no placeholders), when two URLs are one image, and what is no
  article image (logos, icons, avatars, tracking pixels);
- :mod:`.bodyregion`: where the article's kept text sits in the page tree;
- :mod:`.bodyimages`: which images are the body's;
- :mod:`.captions`: an image's caption and credit, and the blocks they are;
- here: the lead image, and :func:`find_images`, which puts them together.

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

:attr:`Images.caption_blocks` are the kept blocks inside a body image's caption
box whose text is part of its caption and credit: the extractor takes them out
of the article's text.

Pure: reads the tree, never changes it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from crawler.extraction.metadata.bodyimages import BodyImage, body_images
from crawler.extraction.metadata.bodyregion import PageBlocks
from crawler.extraction.metadata.captions import clean_credit
from crawler.extraction.metadata.imageurls import (
    image_key,
    is_furniture_url,
    is_small,
    named_width,
    px,
)
from crawler.extraction.metadata.links import absolute, base_url
from crawler.extraction.metadata.structured import Structured
from crawler.extraction.segment import Segment
from crawler.extraction.signals import ARTICLE_TYPES


@dataclass(frozen=True)
class Image:
    #: Absolute URL: the best of the image's sources
    #: (:func:`~crawler.extraction.metadata.imageurls.image_url`).
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


#: A body image declared narrower than this is no lead image ...
LEAD_MIN_WIDTH = 200
#: ... and a declared one whose file name says it is narrower than this
#: ("photo-220x124.jpg") yields to any other.
THUMBNAIL_WIDTH = 400


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


def _lead(tree: etree._Element, structured: Structured, base: str | None, body: list[BodyImage],
          fallback: str | None) -> Image | None:
    index = _ld_index(structured)
    logos = _logos(tree, structured, base, index)
    by_key = {image_key(item.url): item for item in body}

    def acceptable(url: str | None, facts: dict[str, Any]) -> bool:
        return (url is not None and not is_furniture_url(url)
                and not urlsplit(url).path.lower().endswith(".svg")
                and image_key(url) not in logos
                and not is_small(px(facts.get("width")), px(facts.get("height"))))

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
        named = named_width(url)
        if named is not None and named < THUMBNAIL_WIDTH:
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
    page = PageBlocks(tree, segments, kept)
    body = body_images(tree, page, base) if page.kept_elements else []
    captions = frozenset(i for item in body for i in item.caption_segments if kept[i])
    return Images(lead=_lead(tree, structured, base, body, fallback),
                  body=[Image(item.url, item.caption, item.credit) for item in body],
                  caption_blocks=captions)
