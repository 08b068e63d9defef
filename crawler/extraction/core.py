"""Article extraction: bytes or text of one page in, an :class:`Extraction` out.

Pure: no Scrapy. This module runs the steps (docs/extraction.md): decoding,
parsing, the markup rules, the page's blocks (:mod:`~crawler.extraction.segment`)
and trafilatura (metadata, comments, its body as a vote) in :func:`analyse`;
then the block classifier's body (:mod:`~crawler.extraction.classify`), the
block rules, and the page-type decision (docs/schema.md, "Which pages are
articles"); and the clean-up of fields into the record's formats.

``ExtractionOptions(classifier=False, favor_precision=True, favor_recall=False,
fast=False)`` is the extractor before the classifier (trafilatura's body, the
block rules, the old page-type rules), kept as the benchmarks' baseline.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import lxml.html
import trafilatura
import trafilatura.utils
from lxml import etree
from lxml.etree import ParserError
from trafilatura.settings import Document
from trafilatura.utils import load_html

from crawler.extraction.blocks import Block, BlockRules, blocks_text, body_blocks, filter_blocks
from crawler.extraction.classify import (
    body_or_fallback,
    is_article_page,
    junk_flags,
    keep_mask,
    never_body,
    page_vectors,
    votes,
)
from crawler.extraction.encoding import CharsetCheck, decode_html_checked
from crawler.extraction.features import COUNTED_ELEMENTS, page_features, page_tokens
from crawler.extraction.markup import MarkupRules, clean_markup, shown_text
from crawler.extraction.metadata.authors import find_authors
from crawler.extraction.metadata.dates import DateHint, find_dates
from crawler.extraction.metadata.headline import find_title
from crawler.extraction.metadata.links import alternates, body_links
from crawler.extraction.metadata.media import find_images
from crawler.extraction.metadata.structured import Structured, read_structured
from crawler.extraction.metadata.walls import FLAGS, WallEvidence, find_walls, wall_evidence
from crawler.extraction.nesting import flatten
from crawler.extraction.segment import Segment, page_class_words, segment
from crawler.extraction.signals import PageSignals, normalize_language, read_signals

logger = logging.getLogger(__name__)

EXTRACTOR_NAME = "crawler+trafilatura"
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Path segments of a site's own service pages (about, contact, legal, account).
SERVICE_PAGE = re.compile(
    r"/(?:about(?:-us)?|contact(?:-us)?|impressum|imprint|privacy(?:-policy)?|terms"
    r"(?:-of-(?:use|service))?|legal|cookies?(?:-policy)?|datenschutz|mentions-legales|"
    r"advertise|careers|jobs|subscribe|newsletters?|login|register|account|help|faq|"
    r"kontakt|ueber-uns|qui-sommes-nous|chi-siamo|quienes-somos|over-ons)(?:\.\w+)?/?$", re.I)


@dataclass(frozen=True, kw_only=True)
class ExtractionOptions:
    """All extraction knobs in one object, built once (from settings or defaults)."""

    min_chars: int = 250
    #: The page classifier's bar for "article" (its P(article), 0 to 1); None:
    #: the shipped model's own, set for a recall of 0.98 on articles. Higher
    #: trades recall for precision (docs/schema.md, "Which pages are articles").
    article_min_probability: float | None = None
    #: The learned block and page classifiers decide the body and whether the
    #: page is an article (else trafilatura's body with the block rules and the
    #: old page-type rules: the extractor before them, a baseline).
    classifier: bool = True
    #: The old rules' minimum body of a page that declares no article type.
    untyped_min_chars: int = 800
    favor_precision: bool = False
    favor_recall: bool = True
    #: Skip trafilatura's fallback extractors (readability, jusText) comparison.
    fast: bool = True
    include_tables: bool = True
    #: A page whose body is this share of teaser links is a listing (the old
    #: rule; with the classifier, what names the reason of a page it rejects).
    max_teaser_share: float = 0.25
    #: ... and one with this many headings that are links.
    max_linked_headings: int = 8
    #: Ad and promo containers removed before extraction.
    markup: MarkupRules = MarkupRules()
    #: Furniture blocks removed after extraction.
    blocks: BlockRules = BlockRules()
    #: A page larger than this (bytes) is not extracted (``too_large``) ...
    max_bytes: int = 16 * 1024 * 1024
    #: ... nor one with more elements, or more characters of text (scripts and
    #: styles not counted), than these: extraction time grows with both.
    max_elements: int = 20_000
    max_text: int = 1_000_000
    #: htmldate's extensive date search runs regexes over the whole serialized
    #: page (about 1 s per MB); on larger pages only metadata dates are read.
    date_search_max_chars: int = 2_000_000


@dataclass(kw_only=True)
class Extraction:
    """What one page gave. ``reason`` is set (and ``text`` is None) when the page
    is not an article."""

    text: str | None = None
    comments: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    published: str | None = None
    published_source: str | None = None
    modified: str | None = None
    modified_source: str | None = None
    sitename: str | None = None
    language: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    #: ``{"url", "caption", "credit"}`` for each image of the body.
    images: list[dict[str, str | None]] = field(default_factory=list)
    #: ``{"url", "text"}`` for each outgoing link of the body.
    links: list[dict[str, str]] = field(default_factory=list)
    #: ``{"language", "url"}`` for each language version the page names.
    alternates: list[dict[str, str]] = field(default_factory=list)
    #: What stands between a reader and the story (``paywall``, ``consent_wall``, ``blocked``).
    flags: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    reason: str | None = None
    #: The body's blocks, removed ones marked, for site-template learning.
    blocks: list[Block] = field(default_factory=list, repr=False)
    #: How many elements or blocks each rule removed.
    removed: dict[str, int] = field(default_factory=dict)
    #: How the bytes' charset was decided (None when ``body`` was text or never decoded).
    charset: CharsetCheck | None = None

    @property
    def is_article(self) -> bool:
        return self.reason is None


def extractor_version() -> str:
    from crawler import __version__

    return f"{__version__}+trafilatura-{trafilatura.__version__}"


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _clean_text(value: str | None) -> str | None:
    if not value:
        return None
    lines = [ln.strip() for ln in value.replace("\r\n", "\n").split("\n")]
    text = "\n".join(ln for ln in lines if ln)
    return text or None


def body_text(blocks: list[Block], title: str | None) -> str | None:
    """The article text from its kept blocks, in the record's format."""
    return _drop_title_line(_clean_text(blocks_text(blocks)), title)


def _drop_title_line(text: str | None, *titles: str | None) -> str | None:
    """trafilatura keeps the headline as the body's first line; it has its own field."""
    if not text:
        return text
    first, _, rest = text.partition("\n")
    if any(title and _norm(first) == _norm(title) for title in titles):
        return rest or None
    return text


def _drop_heading(text: str | None) -> str | None:
    """Drop a section heading ("Comments", "3 comments") from the comments."""
    if not text:
        return None
    first, _, rest = text.partition("\n")
    if len(first.split()) <= 3 and not first.rstrip().endswith((".", "!", "?")):
        return rest or None
    return text


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def _split_list(*values: object) -> list[str]:
    """Flatten tag-like values (lists or comma/semicolon-joined strings), dropping
    case-insensitive duplicates and keeping first-seen order."""
    raw: list[object] = []
    for value in values:
        if isinstance(value, (list, tuple)):
            raw.extend(value)
        elif value:
            raw.append(value)
    seen: dict[str, str] = {}
    for chunk in raw:
        for item in re.split(r"[,;]", str(chunk)):
            item = item.strip()
            if item and item.lower() not in seen:
                seen[item.lower()] = item
    return list(seen.values())


#: The start of a page a browser renders as HTML when no Content-Type says what
#: it is (WHATWG MIME Sniffing, "identifying an unknown MIME type", with the
#: tags pages put first in practice: ``<meta>``, ``<link>``, ``<?xml>`` of XHTML),
#: or a comment whatever its text starts with (``<!--?xml ...?-->``, a server's
#: ``<!--M_1#s0-->``), where the standard asks for a space or ``>`` after ``<!--``.
_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|link|title|script|style|iframe|h[1-6]|div|"
    rb"font|table|a|b|br|p|span|section|article|header|nav|base|noscript|center|form|ul|"
    rb"img)[\s/>]|<!--", re.I)
_SNIFF_BYTES = 1024


def is_html(content_type: str | None, body: bytes) -> bool:
    """True for an HTML content type, or a missing one whose bytes a browser would
    render as HTML: after a byte-order mark and white space, an HTML tag or a
    comment (a comment, ``<link>`` or ``<meta>`` may come before ``<html>``, and
    ``<html>`` may be missing), or an XML declaration followed by ``<html``."""
    if content_type:
        return content_type.split(";")[0].strip().lower() in HTML_TYPES
    head = body[:_SNIFF_BYTES]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom):]
            break
    head = head.replace(b"\x00", b"").lstrip()
    if head[:5].lower() == b"<?xml":
        return b"<html" in head.lower()
    return _HTML_START.match(head) is not None


#: Bytes never found in HTML text (controls other than tab, newlines, form feed).
_TEXT_BYTES = bytes([9, 10, 12, 13, *range(32, 127), *range(128, 256)])


def looks_binary(body: bytes, content_type: str | None = None) -> bool:
    """True for bytes that are not text whatever they are labelled (an image or
    archive served as ``text/html``): more than 1% control bytes at the start.
    UTF-16 and UTF-32, whose ASCII has NUL bytes, are text."""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or "utf-16" in (content_type or "").lower() \
            or "utf-32" in (content_type or "").lower():
        return False
    head = body[:8192]
    return len(head.translate(None, _TEXT_BYTES)) * 100 > len(head)


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """Parse as trafilatura does (comments and processing instructions dropped:
    a comment inside a paragraph must not cut its text)."""
    try:
        return load_html(text)
    except (ParserError, ValueError):
        return None


def _parser_gave_up_on_depth() -> bool:
    """Whether the last parse stopped at libxml2's nesting limit."""
    parser = getattr(trafilatura.utils, "HTML_PARSER", None)
    return parser is not None and any(
        "depth" in e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT")


def parse_page(text: str) -> tuple[lxml.html.HtmlElement | None, str, int]:
    """Parse a page as a reader without scripts sees it; one nested too deep for
    the parser is flattened first (:mod:`crawler.extraction.nesting`). Returns
    the tree, the text parsed and how many elements flattening moved up."""
    tree = parse_html(text)
    if not _parser_gave_up_on_depth():
        return _as_shown(tree), text, 0
    flat, moved = flatten(text)
    return _as_shown(parse_html(flat)), flat, moved


#: What a control or a script fallback holds only when it holds the page: a
#: parsed ``<button>`` or ``<noscript>`` with one of these inside.
_PAGE_STRUCTURE = ("p", "main", "article", "section", "h1", "h2", "h3")
#: The text under an element that a page could show (no script, style or template).
_SHOWABLE_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style "
                             "or ancestor::template)]")


def _as_shown(tree: lxml.html.HtmlElement | None) -> lxml.html.HtmlElement | None:
    """The parsed page with what a reader without scripts shows read as the
    page's content (each turned into a ``<div>``, so the segmentation, trafilatura
    and the metadata readers see the same tree):

    - a ``<button>`` that holds page structure (:data:`_PAGE_STRUCTURE`):
      libxml2 leaves some header buttons open and nests the rest of the page in
      them, where it would be skipped as a control's label;
    - the ``<noscript>`` blocks that hold page structure, when they hold more
      words than the rest of the page: a page its scripts draw (a Discourse
      forum, a single-page app) keeps its text there for readers without them.
      Elsewhere a noscript is a copy of the page's own text or a "turn on
      JavaScript" line, and stays unread.
    """
    if tree is None:
        return None
    for el in list(tree.iter("button")):
        if _holds_page(el):
            el.tag = "div"
    fallbacks = [el for el in tree.iter("noscript")
                 if _holds_page(el) and next(el.iterancestors("noscript"), None) is None]
    if fallbacks:
        inside = sum(_shown_words(el) for el in fallbacks)
        if inside > _shown_words(tree) - inside:
            for el in fallbacks:
                el.tag = "div"
    return tree


def _holds_page(el: lxml.html.HtmlElement) -> bool:
    return next(el.iter(*_PAGE_STRUCTURE), None) is not None


def _shown_words(el: lxml.html.HtmlElement) -> int:
    return sum(len(t.split()) for t in _SHOWABLE_TEXT(el))


def extract(
    body: bytes | str,
    url: str | None = None,
    *,
    content_type: str | None = None,
    fetched_at: datetime | None = None,
    options: ExtractionOptions | None = None,
    date_hints: Sequence[Mapping[str, str]] = (),
    status: int | None = None,
) -> Extraction:
    """Extract the article of one HTML page.

    ``date_hints`` are the dates that the feed or sitemap entry leading to the
    page gave (``crawler.discovery.DATE_HINTS``), weighed against the page's own.
    ``status`` is the HTTP status where known: a block page is told apart from
    other error pages by it.

    ``body`` is the raw payload (bytes, decoded here) or already decoded text.
    Never raises for bad input: a page that gives no article comes back with
    ``reason`` set (``not_html``, ``binary``, ``too_large``, ``unparsable``,
    ``listing_page``, ``empty``, ``too_short``).
    """
    opts = options or ExtractionOptions()
    if len(body) > opts.max_bytes:
        return Extraction(reason="too_large")
    if isinstance(body, bytes):
        if not is_html(content_type, body):
            return Extraction(reason="not_html")
        if looks_binary(body, content_type):
            return Extraction(reason="binary")
        text, _, check = decode_html_checked(body, content_type)
        result = _extract_text(text, url, fetched_at, opts, date_hints, status)
        result.charset = check
        return result
    return _extract_text(body, url, fetched_at, opts, date_hints, status)


@dataclass
class PageAnalysis:
    """What extraction reads off one parsed page before deciding anything: the
    page's blocks with their feature vectors, the page's own feature vector,
    trafilatura's document (metadata, comments, and its own body, used as a
    vote), the markup signals."""

    segments: list[Segment]
    vectors: list[list[float]]
    #: Which blocks the lexicon's label rule matches.
    junk: list[bool]
    page_vector: list[float]
    #: The page's words for the page classifier's linear half.
    page_tokens: set[str]
    doc: Document | None
    signals: PageSignals
    #: The page's JSON-LD objects and <meta> values, read before the markup cleaning.
    structured: Structured
    #: The parsed page after the markup cleaning (the metadata readers read it).
    tree: lxml.html.HtmlElement
    #: What the page, before the markup cleaning, says of paywalls, consent and blocks.
    walls: WallEvidence
    removed: dict[str, int]
    #: Texts of the page's links (two words or more), for trafilatura's blocks.
    anchors: set[str]
    headlines: set[str]
    linked_headings: int
    #: Each block's share kept by trafilatura's own body of the page.
    votes: list[float]


def analyse(text: str, url: str | None, fetched_at: datetime | None,
            opts: ExtractionOptions) -> PageAnalysis | Extraction:
    """Parse and read one decoded page; an :class:`Extraction` with ``reason``
    when there is nothing to read (empty, unparsable, too large)."""
    if not text.strip():
        return Extraction(reason="empty")
    tree, text, flattened = parse_page(text)
    if tree is None:
        return Extraction(reason="unparsable")
    tags = Counter(el.tag for el in tree.iter())
    if (sum(tags.values()) > opts.max_elements
            or sum(map(len, shown_text(tree))) > opts.max_text):
        return Extraction(reason="too_large")
    structured = read_structured(tree)
    signals = read_signals(tree, url, structured)
    anchors = _link_texts(tree)
    headlines = {a for a in anchors if a.count(" ") >= 3}
    linked_headings = len(_LINKED_HEADINGS(tree))
    walls = wall_evidence(tree, structured, url=url)
    # the whole template's vocabulary, ads and hidden parts too: read before cleaning
    class_words = page_class_words(tree)
    removed = clean_markup(tree, url, opts.markup, source=text)
    if flattened:
        removed["deep_nesting"] = flattened
    segments = segment(tree) if opts.classifier else []
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=True,
            include_tables=opts.include_tables,
            favor_precision=opts.favor_precision,
            favor_recall=opts.favor_recall,
            fast=opts.fast,
            date_extraction_params={
                "original_date": True,
                "extensive_search": len(text) <= opts.date_search_max_chars,
                "max_date": (fetched_at or datetime.now(UTC)).strftime("%Y-%m-%d"),
            },
        )
    except Exception:  # trafilatura has many internal failure modes; a page never stops a crawl
        logger.warning("trafilatura failed on %s", url, exc_info=True)
        return Extraction(reason="extractor_error")
    assert not isinstance(doc, dict)  # a dict only with as_dict=True
    get = (lambda name: getattr(doc, name, None)) if doc is not None else (lambda name: None)
    block_votes = votes(segments, get("text"))
    junk = junk_flags(segments)
    vectors = page_vectors(segments, block_votes=block_votes, title=_clean(get("title")),
                           language=signals.language, junk=junk) if segments else []
    web = web_url(url)  # the page's URL as the page-level readers may read it
    page_vector = page_features(
        types=signals.types, og_type=signals.og_type, published=signals.published is not None,
        author=bool(get("author")), date=bool(get("date")), description=bool(get("description")),
        main=[s for s, v in zip(segments, block_votes, strict=True) if v >= 0.5], segments=segments,
        linked_headings=linked_headings,
        teaser_share=_teaser_share(get("text") or "", headlines),
        counts=[tags[name] for name in COUNTED_ELEMENTS], headline_links=len(headlines),
        page_text="\n".join(s.text for s in segments), url=web,
        service_path=_service_path(web),
        typed_article=signals.is_typed_article, typed_listing=signals.is_typed_listing)
    tokens = page_tokens(url=web, title=_clean(get("title")), ld_types=signals.ld_types,
                         og_type=signals.og_type, segments=segments,
                         class_words=class_words)
    return PageAnalysis(segments, vectors, junk, page_vector, tokens, doc, signals, structured,
                        tree, walls, removed, anchors, headlines, linked_headings,
                        block_votes)


def _extract_text(text: str, url: str | None, fetched_at: datetime | None,
                  opts: ExtractionOptions, date_hints: Sequence[Mapping[str, str]] = (),
                  status: int | None = None) -> Extraction:
    page = analyse(text, url, fetched_at, opts)
    if isinstance(page, Extraction):
        return page
    signals, doc, removed = page.signals, page.doc, page.removed
    result = _to_extraction(page, url, fetched_at, date_hints)
    if opts.classifier:
        comments = getattr(doc, "comments", None)
        never = never_body(page.segments, page.junk, comments)
        body = body_or_fallback(
            page.segments, keep_mask(page.vectors, never), page.votes,
            getattr(doc, "text", None), opts.blocks, never)
        result.blocks, counts = body.blocks, body.counts
        if body.fell_back:  # the model missed the article: the blocks trafilatura kept
            removed["model_fallback"] = 1
        if body.thread:  # the page's text is its discussion, once
            result.comments = None
            removed["comments_as_text"] = 1
    else:
        if doc is not None:
            result.blocks = body_blocks(doc.body, page.anchors)
        counts = filter_blocks(result.blocks, opts.blocks)
    removed.update(counts)
    removed["byline"] = drop_byline(result.blocks, result.authors)
    if opts.classifier:
        removed["caption"] = _body_media(result, page, url)
    result.alternates = [asdict(a) for a in alternates(page.tree, url=url)]
    result.text = body_text(result.blocks, result.title)
    result.removed = {k: v for k, v in removed.items() if v}
    if opts.classifier:
        result.reason = _page_reason(result.text, page, url, opts)
    else:
        result.reason = _article_reason(result.text, signals, page.headlines,
                                        page.linked_headings, opts)
        if result.reason is None and not signals.is_typed_article and _service_path(url):
            result.reason = "service_page"
    walls = find_walls(page.walls, text=result.text, title=result.title, status=status)
    result.flags = [flag for flag in FLAGS if flag in walls.flags]
    if walls.reason is not None:  # the text is the wall: whatever else it would be called
        result.reason = walls.reason
    return result


def _body_media(result: Extraction, page: PageAnalysis, url: str | None) -> int:
    """The lead image, the body's images and links, read from the segments whose
    blocks are kept (:mod:`crawler.extraction.metadata.media`, ``.links``); the
    images' caption and credit blocks are marked removed, since they have their
    field. Returns how many blocks that marked."""
    # the headline and the byline are part of the article, out of the text only
    # for their own fields: a figure between them and the text is the article's
    title = _norm(result.title or "")
    kept = [bool(title) and _norm(s.text) == title for s in page.segments]
    _mark_parts(kept, result.blocks, (None, "byline"))
    images = find_images(page.tree, page.structured, page.segments, kept, url=url,
                         fallback=result.image)
    captions = 0
    for block in result.blocks:
        if block.removed_by is None and block.parts \
                and all(i in images.caption_blocks for i in block.parts):
            block.removed_by = "caption"
            captions += 1
    kept = [False] * len(page.segments)  # the links of the text
    _mark_parts(kept, result.blocks, (None,))
    result.image = images.lead.url if images.lead else None
    result.images = [asdict(image) for image in images.body]
    result.links = [asdict(link) for link in body_links(page.tree, page.segments, kept, url=url)]
    return captions


def _mark_parts(kept: list[bool], blocks: list[Block], removed_by: tuple[str | None, ...]) -> None:
    """Set ``kept`` for the segments of the blocks whose ``removed_by`` is one of ``removed_by``."""
    for block in blocks:
        if block.removed_by in removed_by:
            for i in block.parts:
                kept[i] = True


#: Words that introduce a byline ("By Jane Doe", "Von Jane Doe", "Par ...").
_BYLINE_WORDS = ("by", "von", "par", "di", "por", "door", "de", "av", "af", "written by")


def drop_byline(blocks: list[Block], authors: list[str]) -> int:
    """Mark the byline blocks (short, naming one of the article's authors, alone
    or after "By") as removed: the authors have a field of their own. Returns how many."""
    names = [_norm(n) for n in authors if _norm(n)]
    if not names:
        return 0
    count = 0
    for block in blocks:
        if block.removed_by is not None or block.words > 12:
            continue
        key = _norm(block.text).rstrip(".,")
        for name in names:
            rest = key.removesuffix(name).strip() if key.endswith(name) else None
            if rest is None:
                continue
            if not rest or rest in _BYLINE_WORDS:
                block.removed_by = "byline"
                count += 1
                break
    return count


def _page_reason(text: str | None, page: PageAnalysis, url: str | None,
                 opts: ExtractionOptions) -> str | None:
    """The page-type decision of the page classifier (docs/schema.md, "Which
    pages are articles"): None for an article, else why not."""
    if not text:
        return "empty"
    if len(text) < opts.min_chars:
        return "too_short"
    if home_page(url):
        return "listing_page"
    if is_article_page(page.page_vector, page.page_tokens, opts.article_min_probability):
        return None
    if _service_path(url):
        return "service_page"
    if (page.signals.is_typed_listing or page.linked_headings >= opts.max_linked_headings
            or _teaser_share(text, page.headlines) >= opts.max_teaser_share):
        return "listing_page"
    return "not_article"


def web_url(url: str | None) -> str | None:
    """``url`` when it is a web page's (http or https), else None: a ``file://``
    URI (``crawler extract`` of a saved page without ``--url``) says where a user
    keeps the file, not what the page is, so the page's URL features, its URL
    words and the service-page path are then not read from it."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def home_page(url: str | None) -> bool:
    """Whether the page's web URL is its site's home page: the root path, no
    query (``/?p=12`` is a post). A home page is no article, whatever the page
    classifier says: news front pages are full of story text, and a blog's
    shows its latest post, which has its own URL. The classifier cannot learn
    it from its URL features, since a page read without a URL has a root's."""
    web = web_url(url)
    if not web:
        return False
    parts = urlsplit(web)  # web_url has parsed it: a URL that does not parse is None there
    return parts.path in ("", "/") and not parts.query


def _service_path(url: str | None) -> bool:
    """Whether the page's web URL has a service page's path (``/pricing``, ``/contact``)."""
    web = web_url(url)
    return bool(web and SERVICE_PAGE.search(_path(web)))


def _path(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:  # an unparsable URL (bad brackets, NFKC-invalid host)
        return ""


def _link_texts(tree: lxml.html.HtmlElement) -> set[str]:
    """Normalised texts of the page's links to other pages, two words or more."""
    texts = set()
    for a in tree.iter("a"):
        if (a.get("href") or "").startswith("#"):
            continue  # in-page links (tables of contents) point at the body itself
        text = " ".join(a.text_content().split())
        if " " in text:
            texts.add(text.casefold())
    return texts


_LINKED_HEADINGS = etree.XPath("//h2[.//a] | //h3[.//a] | //h4[.//a]")


def _teaser_share(body: str, headlines: set[str]) -> float:
    """Share of the body's lines that are the text of a link elsewhere on the page:
    high on home and section pages (teaser lists), near zero on articles."""
    lines = body.split("\n")
    teasers = sum(1 for ln in lines if " ".join(ln.split()).casefold() in headlines)
    return teasers / len(lines) if teasers >= 4 else 0.0


def _to_extraction(page: PageAnalysis, url: str | None, fetched_at: datetime | None,
                   date_hints: Sequence[Mapping[str, str]]) -> Extraction:
    """The page's metadata: trafilatura's, where our readers
    (:mod:`crawler.extraction.metadata`) find nothing better."""
    doc, signals = page.doc, page.signals
    get = (lambda name: getattr(doc, name, None)) if doc is not None else (lambda name: None)
    dates = find_dates(page.tree, page.structured, url=url, fetched_at=fetched_at,
                       hints=[DateHint(h["value"], h["source"], h["kind"]) for h in date_hints],
                       fallback=_clean(get("date")))
    published, modified = dates.published, dates.modified
    authors = find_authors(page.tree, page.structured, url=url, fallback=_clean(get("author")))
    title = find_title(page.tree, page.structured, url=url, sitename=_clean(get("sitename")),
                       fallback=_clean(get("title")))
    result = Extraction(
        title=title,
        authors=authors.names,
        publisher=authors.publisher,
        published=published.value if published else None,
        published_source=published.source if published else None,
        modified=modified.value if modified else None,
        modified_source=modified.source if modified else None,
        sitename=_clean(get("sitename")),
        language=signals.language or normalize_language(get("language")),
        description=_clean(get("description")),
        tags=_split_list(get("tags"), get("categories")),
        image=_clean(get("image")),
        canonical_url=signals.canonical_url or _clean(get("url")),
    )
    if doc is not None:
        result.text = _drop_title_line(_clean_text(get("text")), title, _clean(get("title")))
        result.comments = _drop_heading(_clean_text(get("comments")))
    return result


def _article_reason(body: str | None, signals: PageSignals, headlines: set[str],
                    linked_headings: int, opts: ExtractionOptions) -> str | None:
    """The page-type rule; documented in docs/schema.md."""
    if not body:
        return "empty"
    size = len(body)
    if size < opts.min_chars:
        return "too_short"
    if signals.is_typed_article:
        return None
    if size < opts.untyped_min_chars:
        return "too_short_untyped"
    if (linked_headings >= opts.max_linked_headings
            or _teaser_share(body, headlines) >= opts.max_teaser_share):
        return "listing_page"
    return None
