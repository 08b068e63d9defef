"""The article body's outgoing links and the page's language alternates.

- :func:`body_links`: every ``<a href>`` whose text lies in a block the block
  classifier kept (the article body), in document order, one per URL. A link
  counts when the block element holding it (its nearest enclosing block
  element, :func:`crawler.extraction.segment.block_elements`) has a kept block
  whose text contains the link's text, or when a block inside the link (a link
  wrapped around a paragraph) is kept. Menus, footers, sidebars and related-story
  lists are not body, so their links are not listed.
- :func:`alternates`: ``<link rel="alternate" hreflang="...">``, the page's
  versions in other languages or regions.

Which links are listed: those that lead to another page over ``http(s)``.
Dropped: in-page links (``#section``, or the page's own URL with a fragment),
``javascript:``, ``mailto:`` and ``tel:`` links and every other scheme
(``mailto:`` too: an e-mail address is no page to follow, and often a person's
own), and links without text (a link around an image: the image is listed
among the body's images). Links inside elements that are never page text
(``<noscript>``, ``<template>``, ``<button>`` ...) are not body. URLs are made
absolute against the page's ``<base href>`` (itself resolved against the page
URL) or the page URL; a relative URL with neither is dropped.

Pure: reads the tree, never changes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extraction.metadata.elements import element_text
from crawler.extraction.segment import BLOCK_TAGS, SKIP_TAGS, Segment, block_elements

_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Link:
    #: Absolute ``http(s)`` URL, as the page gives it (fragment kept).
    url: str
    #: The anchor text, whitespace runs made one space.
    text: str


@dataclass(frozen=True)
class Alternate:
    #: The ``hreflang`` value as given (``en-GB``, ``x-default``), ends stripped.
    language: str
    #: Absolute URL.
    url: str


def base_url(tree: etree._Element, url: str | None) -> str | None:
    """The URL the page's relative URLs resolve against: the first ``<base
    href>`` of its ``<head>`` (resolved against ``url``), else ``url``."""
    head = next(tree.iter("head"), None)
    for base in head.iter("base") if head is not None else ():
        href = (base.get("href") or "").strip()
        if href:
            try:
                return urljoin(url, href) if url else href
            except ValueError:  # an unparsable <base>: browsers fall back to the page URL
                break
    return url


def absolute(href: str | None, base: str | None) -> str | None:
    """``href`` made absolute against ``base``; None unless it is an ``http(s)``
    URL with a host (``javascript:``, ``mailto:``, ``data:``, a relative URL
    without a base, an unparsable one)."""
    href = (href or "").strip()
    if not href:
        return None
    try:
        resolved = urljoin(base, href) if base else href
        parts = urlsplit(resolved)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES or not parts.netloc:
        return None
    return resolved


def _fragment_free(url: str) -> str:
    return url.split("#", 1)[0]


def body_links(tree: etree._Element, segments: Sequence[Segment], kept: Sequence[bool], *,
               url: str | None) -> list[Link]:
    """The links of the kept blocks, in document order, deduplicated by URL
    (the first anchor text kept). ``segments`` are the blocks of ``tree``
    (:func:`~crawler.extraction.segment.segment`) and ``kept`` says which are
    the article's text: the block classifier's mask with the block rules'
    removals applied (with the classifier's mask alone, the links of a "Read
    more:" list the block rules remove afterwards are listed)."""
    kept_blocks: dict[int, list[tuple[int, str]]] = {}
    for i, (seg, keep) in enumerate(zip(segments, kept, strict=True)):
        if keep:
            kept_blocks.setdefault(seg.element, []).append((i, seg.text))
    if not kept_blocks:
        return []
    elements = block_elements(tree)
    found: list[tuple[int, etree._Element, str]] = []  # (segment, link, text)
    for ordinal, blocks in kept_blocks.items():
        element = elements[ordinal - 1]
        for a in element.iter("a"):
            if a.get("href") and _nearest_block(a) is element:
                text = element_text(a)
                at = next((i for i, block_text in blocks if text and text in block_text), None)
                if at is not None:
                    found.append((at, a, text))
        wrapper = _wrapping_link(element)
        if wrapper is not None:
            found.append((blocks[0][0], wrapper, element_text(wrapper)))
    found.sort(key=lambda item: item[0])
    base = base_url(tree, url)
    page = _fragment_free(url) if url else None
    links: dict[str, Link] = {}
    for _, a, text in found:
        href = a.get("href") or ""
        if not text or href.lstrip().startswith("#"):
            continue
        target = absolute(href, base)
        if target is None or target in links:
            continue
        if "#" in target and _fragment_free(target) == page:
            continue  # the page's own URL with a fragment: an in-page link
        links[target] = Link(target, text)
    return list(links.values())


def _nearest_block(el: etree._Element) -> etree._Element | None:
    """The nearest block element above ``el``; None inside an element that is
    never page text (``<noscript>``, ``<button>`` ...)."""
    for node in el.iterancestors():
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in SKIP_TAGS:
            return None
        if tag in BLOCK_TAGS:
            return node
    return None


def _wrapping_link(element: etree._Element) -> etree._Element | None:
    """The link a block element lies in, inside its own parent block (a
    teaser's link around its heading)."""
    for node in element.iterancestors():
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag == "a":
            return node if node.get("href") else None
        if tag in BLOCK_TAGS or tag in SKIP_TAGS:
            return None
    return None


def alternates(tree: etree._Element, *, url: str | None) -> list[Alternate]:
    """The page's ``<link rel="alternate" hreflang>`` versions, in document
    order, one per language and URL. A ``type`` other than HTML (a feed in
    another language) is not a version of the page."""
    base = base_url(tree, url)
    found: dict[tuple[str, str], Alternate] = {}
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        language = (link.get("hreflang") or "").strip()
        if "alternate" not in rel or not language:
            continue
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        if kind and kind not in ("text/html", "application/xhtml+xml"):
            continue
        target = absolute(link.get("href"), base)
        if target is not None and (language, target) not in found:
            found[language, target] = Alternate(language, target)
    return list(found.values())
