"""Which of the page's images are the article body's.

A body image is, by these rules, one of:

1. an image whose caption or credit is a kept block (the classifier kept the
   figure's text, so the figure is in the text's flow);
2. an image in the body region (:mod:`crawler.extraction.metadata.bodyregion`)
   whose *box* holds no dropped text other than image captions (a box with
   other dropped text is furniture with a picture: a related-story teaser, an
   ad slot with its "Advertisement" label, an author box), and whose *flow*
   holds at least as many kept words as dropped ones (captions not counted: an
   author box whose name line was kept is mostly dropped text);
3. outside the region, an image inside a block element that itself holds kept
   text, mostly kept (an image inside a kept paragraph).

An image's box is the largest block element around it, below the region's
element, that holds no kept block (a figure, an image alone in a ``<p>`` or
``<div>``, a gallery); the flow is the block element just above the box, the
first that holds kept text.

In every case, the image is no icon, logo or pixel
(:mod:`crawler.extraction.metadata.imageurls`), and no element between it and
the region's element (or its own block element) may be navigation, an
``<aside>``, a footer or a form, or have a class or id of the share, related,
ad, comment, sidebar, newsletter, navigation or footer vocabulary
(:data:`crawler.extraction.segment.CLASS_GROUPS`, less the words templates give
their articles' pictures too, such as ``featured``). Images are listed in
document order, one per image (:func:`~crawler.extraction.metadata.imageurls.image_key`:
a query made only of size parameters does not make another image), each with
its caption and credit (:mod:`crawler.extraction.metadata.captions`).

Pure: reads the tree, never changes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from crawler.extraction.metadata.bodyregion import PageBlocks
from crawler.extraction.metadata.captions import find_caption
from crawler.extraction.metadata.elements import block_of, path_up
from crawler.extraction.metadata.imageurls import IMAGE_TAGS, image_key, image_url, is_icon, px
from crawler.extraction.segment import CLASS_GROUPS, class_tokens

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


@dataclass
class BodyImage:
    """An image of the body, with what the rules found out about it."""

    el: etree._Element
    url: str
    width: float | None
    #: The ordinal of its block element.
    block: int
    caption: str | None = None
    credit: str | None = None
    #: Indexes of the segments of its caption box that are its caption and credit.
    caption_segments: tuple[int, ...] = ()


def body_images(tree: etree._Element, page: PageBlocks, base: str | None) -> list[BodyImage]:
    """The body's images (module docstring), in document order, one per image,
    with their captions and credits; ``base`` is the URL the page's relative
    URLs resolve against."""
    found = _candidates(tree, page, base)
    for item in found:
        caption = find_caption(item.el, page)
        item.caption, item.credit = caption.text, caption.credit
        item.caption_segments = caption.segments
    captions = {i for item in found for i in item.caption_segments}
    body: list[BodyImage] = []
    seen: set[str] = set()
    for item in found:
        key = image_key(item.url)
        if key in seen or not _in_body(item, page, captions):
            continue
        seen.add(key)
        body.append(item)
    return body


def _in_furniture(img: etree._Element, stop: etree._Element | None) -> bool:
    for node in path_up(img, stop):
        if node.tag in _FURNITURE_TAGS or not _FURNITURE_CLASSES.isdisjoint(class_tokens(node)):
            return True
    return False


def _candidates(tree: etree._Element, page: PageBlocks, base: str | None) -> list[BodyImage]:
    found = []
    for img in tree.iter(*IMAGE_TAGS):
        block = block_of(img, page.ordinal)
        if block is None or not (page.region(block) is not None or page.near_kept(block)):
            continue  # no rule can make it a body image
        url, srcset_width = image_url(img, base)
        block_el = page.elements[block - 1]
        if url is None or is_icon(img, block_el):
            continue
        width = px(img.get("width"))
        found.append(BodyImage(img, url, max(width or 0.0, srcset_width) or None, block))
    return found


def _in_body(item: BodyImage, page: PageBlocks, captions: set[int]) -> bool:
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
    for node in path_up(block, region):
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
