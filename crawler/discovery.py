"""Finding URLs in feeds (lxml) and HTML pages (lexbor), pure. Sitemaps use Scrapy's own
parser in the spider; robots.txt sitemaps use Protego through Scrapy."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from crawler.frontier.urls import UrlJoiner

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
              "application/rdf+xml")
_ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class FeedEntry:
    url: str
    #: The entry's newest date, as given (incremental crawls compare it with the last fetch).
    updated: str | None = None
    #: When the entry says the story was published (RSS ``pubDate``/``dc:date``,
    #: Atom ``published``) and updated (Atom ``updated``), as given.
    published: str | None = None
    modified: str | None = None

    def date_hints(self) -> list[dict[str, str]]:
        """The entry's dates as evidence for the page's own (:data:`DATE_HINTS`)."""
        return date_hints("feed", self.published, self.modified)


#: Request meta key of the dates that the feed or sitemap entry leading to a
#: page gave: ``[{"kind": "published"|"modified", "value": raw, "source":
#: "feed"|"sitemap"}]``; extraction weighs them against the page's own dates.
DATE_HINTS = "date_hints"


def date_hints(source: str, published: str | None, modified: str | None) -> list[dict[str, str]]:
    return [{"kind": kind, "value": value.strip(), "source": source}
            for kind, value in (("published", published), ("modified", modified))
            if value and value.strip()]


_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def news_publication_dates(body: bytes) -> dict[str, str]:
    """``<loc>`` -> ``<news:publication_date>`` of a Google News sitemap ({} for
    any other sitemap, or a broken one). Scrapy's ``Sitemap`` keeps only the
    entries' direct children, and the date sits inside ``<news:news>``."""
    if b"publication_date" not in body:
        return {}
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                             huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return {}
    if root is None:
        return {}
    dates = {}
    for url in root.iter("{*}url"):
        loc = url.findtext("{*}loc")
        published = url.findtext(f"{{{_NEWS_NS}}}news/{{{_NEWS_NS}}}publication_date")
        if loc and published and published.strip():
            dates[loc.strip()] = published.strip()
    return dates


@dataclass(frozen=True)
class PageLinks:
    """What an HTML page links to: its base URL (``<base href>`` resolved), the
    feeds it advertises, and its ``<a>``/``<area>`` links: absolute http(s) URLs,
    each once, in page order."""

    base: str
    feeds: list[str]
    links: list[str]


def html_links(html: str | bytes, page_url: str) -> PageLinks:
    """Parse ``html`` with lexbor (an HTML5 parser, ~5x faster than lxml here)
    and resolve every link against ``<base href>`` or ``page_url``."""
    try:
        tree = LexborHTMLParser(html)
    except Exception:  # lexbor refuses little; nothing to follow when it does
        return PageLinks(page_url, [], [])
    base = page_url
    node = tree.css_first("base[href]")
    if node is not None and (href := (node.attributes.get("href") or "").strip()):
        base = _join(page_url, href) or page_url
    try:
        joiner = UrlJoiner(base)
    except ValueError:  # an unparsable page URL: nothing to resolve links against
        return PageLinks(page_url, [], [])
    feeds = []
    for node in tree.css("link[href]"):
        attrs = node.attributes
        rel = (attrs.get("rel") or "").lower().split()
        ctype = (attrs.get("type") or "").lower().strip()
        href = (attrs.get("href") or "").strip()
        if "alternate" in rel and ctype in FEED_TYPES[:2] and href:
            url = joiner.join(href)
            if url:
                feeds.append(url)
    hrefs: dict[str, None] = {}
    for node in tree.css("a[href], area[href]"):
        href = (node.attributes.get("href") or "").strip()
        if href and not href.startswith(_NOT_PAGES):
            hrefs[href] = None
    links = dict.fromkeys(joiner.join(h) for h in hrefs)
    return PageLinks(base, feeds, [u for u in links if u.startswith(("http://", "https://"))])


_NOT_PAGES = ("#", "javascript:", "mailto:", "tel:", "data:")


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
        if link and link.strip() and (url := _join(base_url, link.strip())):
            entries.append(FeedEntry(url, updated, published=updated))
    for entry in root.iter(f"{_ATOM}entry"):
        href = None
        for link_el in entry.iter(f"{_ATOM}link"):
            if link_el.get("rel", "alternate") == "alternate" and link_el.get("href"):
                href = link_el.get("href")
                break
        modified = entry.findtext(f"{_ATOM}updated")
        published = entry.findtext(f"{_ATOM}published")
        if href and (url := _join(base_url, href.strip())):
            entries.append(FeedEntry(url, modified or published, published=published,
                                     modified=modified))
    return entries


def _join(base: str, href: str) -> str:
    """urljoin; ``""`` for a link it cannot parse (bad IPv6 brackets, host)."""
    try:
        return urljoin(base, href)
    except ValueError:
        return ""
