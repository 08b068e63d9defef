"""Page-type signals read from markup: OpenGraph and schema.org types, language,
canonical URL. Pure lxml; used to decide whether a page is an article."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawler.extraction.metadata.structured import Structured, read_structured

ARTICLE_TYPES = frozenset(
    t.lower() for t in (
        "article", "NewsArticle", "BlogPosting", "Report", "ReportageNewsArticle",
        "AnalysisNewsArticle", "OpinionNewsArticle", "BackgroundNewsArticle",
        "ReviewNewsArticle", "AskPublicNewsArticle", "TechArticle", "ScholarlyArticle",
        "LiveBlogPosting", "SatiricalArticle", "SocialMediaPosting", "Review",
        "Blog", "Posting",
    )
)
#: Types that say "not an article". ``og:type website`` is not among them: many
#: CMSs give it to every page, articles included, so it only counts as untyped.
LISTING_TYPES = frozenset(
    t.lower() for t in (
        "WebSite", "CollectionPage", "ItemList", "SearchResultsPage",
        "ProfilePage", "profile", "AboutPage", "ContactPage", "Organization",
        "NewsMediaOrganization", "product", "Product", "video.other", "music.song",
    )
)
_LANG_RE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")


@dataclass
class PageSignals:
    og_type: str | None = None
    ld_types: list[str] = field(default_factory=list)
    language: str | None = None
    canonical_url: str | None = None
    #: Publication date the page declares in its metadata (first one found), raw.
    published: str | None = None

    @property
    def types(self) -> set[str]:
        found = {t.lower() for t in self.ld_types}
        if self.og_type and self.og_type.lower() != "website":
            found.add(self.og_type.lower())
        return found

    @property
    def is_typed_article(self) -> bool:
        return bool(self.types & ARTICLE_TYPES)

    @property
    def is_typed_listing(self) -> bool:
        return bool(self.types & LISTING_TYPES) and not self.is_typed_article


def normalize_language(value: str | None) -> str | None:
    if not value:
        return None
    m = _LANG_RE.match(value.strip())
    return m.group(1).lower() if m else None


def read_signals(tree: HtmlElement, url: str | None = None,
                 structured: Structured | None = None) -> PageSignals:
    structured = structured if structured is not None else read_structured(tree)
    signals = PageSignals()
    og = tree.xpath('//meta[@property="og:type" or @name="og:type"]/@content')
    if og:
        signals.og_type = og[0].strip() or None
    for node in structured.ld:
        t = node.get("@type")
        types = [t] if isinstance(t, str) else t if isinstance(t, list) else []
        signals.ld_types.extend(x.rsplit("/", 1)[-1] for x in types if isinstance(x, str))
        value = node.get("datePublished")
        if signals.published is None and isinstance(value, str) and value.strip():
            signals.published = value.strip()
    if signals.published is None:
        declared = tree.xpath(
            '//meta[@property="article:published_time" or @name="article:published_time"'
            ' or @itemprop="datePublished" or @name="date" or @name="pubdate"]/@content'
            ' | //*[@itemprop="datePublished"]/@datetime'
        )
        signals.published = declared[0].strip() if declared and declared[0].strip() else None
    lang = tree.xpath("/html/@lang | /html/@xml:lang")
    if not lang:
        lang = tree.xpath(
            '//meta[@http-equiv="content-language" or @http-equiv="Content-Language"]/@content'
            ' | //meta[@property="og:locale"]/@content'
        )
    signals.language = normalize_language(lang[0] if lang else None)
    canon = tree.xpath('//link[@rel="canonical"]/@href') or tree.xpath(
        '//meta[@property="og:url"]/@content'
    )
    if canon and canon[0].strip():
        href = canon[0].strip()
        try:
            signals.canonical_url = urljoin(url, href) if url else href
        except ValueError:  # an unparsable canonical URL is no canonical URL
            signals.canonical_url = None
    return signals
