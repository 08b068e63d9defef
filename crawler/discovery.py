"""Finding URLs in feeds and HTML, pure (lxml). Sitemaps use Scrapy's own
parser in the spider; robots.txt sitemaps use Protego through Scrapy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
              "application/rdf+xml")
_ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class FeedEntry:
    url: str
    updated: str | None = None


def _base(tree: HtmlElement, base_url: str) -> str:
    base = tree.xpath("//base/@href")
    return urljoin(base_url, base[0].strip()) if base else base_url


def feed_links(tree: HtmlElement, base_url: str) -> list[str]:
    """Feeds advertised with ``<link rel="alternate" type="application/rss+xml">``,
    resolved against ``<base href>`` like every other link."""
    base_url = _base(tree, base_url)
    found = []
    for link in tree.xpath('//link[@href]'):
        rel = (link.get("rel") or "").lower().split()
        ctype = (link.get("type") or "").lower().strip()
        if "alternate" in rel and ctype in FEED_TYPES[:2]:
            found.append(urljoin(base_url, link.get("href").strip()))
    return found


def page_links(tree: HtmlElement, base_url: str) -> Iterator[str]:
    """Absolute http(s) URLs of ``<a href>`` links, honouring ``<base href>``."""
    base_url = _base(tree, base_url)
    for href in tree.xpath("//a/@href | //area/@href"):
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        url = urljoin(base_url, href)
        if url.startswith(("http://", "https://")):
            yield url


def looks_like_feed(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def parse_feed(body: bytes, base_url: str) -> list[FeedEntry]:
    """Entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed; [] for a broken one."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                             huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return []
    if root is None:
        return []
    entries: list[FeedEntry] = []
    for item in root.iter("item", "{*}item"):
        link = item.findtext("link") or item.findtext("{*}link")
        if not link:
            guid = item.find("guid")
            if guid is not None and guid.get("isPermaLink", "true") != "false":
                link = guid.text
        updated = item.findtext("pubDate") or item.findtext("{*}date")
        if link and link.strip():
            entries.append(FeedEntry(urljoin(base_url, link.strip()), updated))
    for entry in root.iter(f"{_ATOM}entry"):
        href = None
        for link in entry.iter(f"{_ATOM}link"):
            if link.get("rel", "alternate") == "alternate" and link.get("href"):
                href = link.get("href")
                break
        updated = entry.findtext(f"{_ATOM}updated") or entry.findtext(f"{_ATOM}published")
        if href:
            entries.append(FeedEntry(urljoin(base_url, href.strip()), updated))
    return entries
