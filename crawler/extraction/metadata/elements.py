"""Elements of the page tree as the metadata readers walk them: an element's
text as a reader sees it, the block element it lies in, and the path up from it.

Block elements are :func:`crawler.extraction.segment.block_elements`, numbered
from 1 in segmentation order (a :class:`~crawler.extraction.segment.Segment`'s
``element`` is such an ordinal), so a reader can go from an element to the
blocks made of its text and back.

Pure: reads the tree, never changes it.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from crawler.extraction.segment import BLOCK_TAGS, SKIP_TAGS, block_elements


def element_text(el: etree._Element) -> str:
    """The element's text as a reader sees it: whitespace runs made one space,
    block elements inside it apart by a space, the text of scripts, styles,
    buttons ... (segment's ``SKIP_TAGS``) left out."""
    if all(node is el for node in el.iter(*SKIP_TAGS, *BLOCK_TAGS)):
        return " ".join("".join(el.itertext()).split())
    parts: list[str] = []
    walk = etree.iterwalk(el, events=("start", "end"))
    for event, node in walk:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if event == "end":
            if tag in BLOCK_TAGS:
                parts.append(" ")
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        if tag in SKIP_TAGS and node is not el:
            walk.skip_subtree()
            continue
        if tag in BLOCK_TAGS:
            parts.append(" ")
        if tag and node.text:
            parts.append(node.text)
    return " ".join("".join(parts).split())


def ordinals(tree: etree._Element) -> tuple[list[etree._Element], dict[etree._Element, int]]:
    """The block elements in segmentation order and each one's ordinal."""
    elements = block_elements(tree)
    return elements, {el: i for i, el in enumerate(elements, 1)}


def block_of(el: etree._Element, ordinal: dict[etree._Element, int]) -> int | None:
    """The ordinal of the nearest block element around ``el`` (``el`` itself
    when it is one); None when ``el`` lies inside an element that is never page
    text or outside the walked tree."""
    node: etree._Element | None = el
    while node is not None:
        found = ordinal.get(node)
        if found is not None:
            return found
        tag = node.tag
        if isinstance(tag, str) and tag.lower() in SKIP_TAGS:
            return None
        node = node.getparent()
    return None


def path_up(el: etree._Element, stop: etree._Element | None) -> Iterator[etree._Element]:
    """``el`` and its ancestors up to (not including) ``stop`` or the root."""
    node: etree._Element | None = el
    while node is not None and node is not stop:
        yield node
        node = node.getparent()
