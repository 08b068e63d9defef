"""Published and modified dates of an article page, each with where it came from.

**What "published" is.** The date the page presents as the article's date: the
one a reader sees by the headline and byline (people labelling pages take that
one, and the local day shown is the one readers know). Where the page shows
none, the date it declares for the article. A page that shows only "Updated
<day>" by its headline keeps its declared publication as published and that
day as modified; only where the page declares no publication, and its URL has
no date, is the shown update its published date (the only date it presents).

**Published, strongest first** (``source`` in brackets):

1. a date shown near the headline (from a little above the ``<h1>``, the one
   matching the page's title, to the start of the body; not in comments,
   sidebars, related lists, the footer; not inside a long paragraph unless
   labelled): a ``<time>`` (``time``) or a date in the text (``text``),
   labelled "Published"/"Posted" or not labelled; else a ``<time>`` marked as
   the publication (``itemprop=datePublished``, ``pubdate``, class
   ``published``) and shown anywhere. Where a declaration (below) falls on the
   same day, its value is given instead, with its time, offset and source;
2. the article's JSON-LD object (an ``ARTICLE_TYPES`` object, the one whose URL
   is the page's if several, else a recipe or how-to; never a WebPage,
   WebSite, breadcrumb, or an item nested in another: comment, related
   article): ``datePublished``, else ``dateCreated`` (``json-ld``);
3. ``<meta>`` publication dates (``article:published_time``, ``datePublished``,
   ``DC.date.issued``, ``parsely-pub-date``, ``sailthru.date``, ``pubdate``,
   ``date`` ...) (``meta``);
4. ``<time>``/microdata marked as the publication, outside comments and
   sidebars, where the marks give one day (several days: a list of posts)
   (``time``);
5. a WebPage object's ``datePublished`` (``json-ld``);
6. hints from the feed or sitemap that led to the page (``feed``,
   ``sitemap``; see :func:`find_dates`);
7. a date labelled as the publication anywhere in the body ("Published on
   ...", "Post time: ...") (``text``);
8. the URL (``/2024/03/05/``, ``/2024-03-05-``, ``/20240305/``) (``url``);
9. a date labelled "Updated" near the headline (as in 1.);
10. ``fallback``, htmldate's date as trafilatura found it (``text``), unless it
    is the page's declared modification day (htmldate takes that where no
    publication is declared, and it is none) or 1 January (htmldate's day for
    a year found alone, as in a copyright line).

**Modified**: the article object's ``dateModified``, ``<meta>`` modification
dates (``article:modified_time``, ``og:updated_time`` ...), ``<time>`` marked
as the update, the WebPage's ``dateModified``, a date labelled "Updated" near
the headline, and last a sitemap ``lastmod`` hint; the first of them not
earlier than the published date (an earlier one is not a modification).

**Values** are ISO 8601 as the page gives them: ``YYYY-MM-DD`` for a day,
``YYYY-MM-DDTHH:MM[:SS]`` with the page's offset (``Z`` or ``+HH:MM``) or none
where it gives none; fractions of seconds dropped. Times are never converted:
the page's local day is what a reader sees. So a date shown near the headline
wins over a declaration of the day before or after (a UTC value of a page
that shows its local day), and a chosen UTC value is given as the same
instant declared with the page's own offset where one is, else as the URL's
day where that is the day before or after. Numeric dates (``05/03/2024``) are
read month first on US-English pages (``lang`` ``en-US``, or ``en`` outside
the day-first countries' domains), day first elsewhere and always with dots;
a reading that agrees with a declaration wins, and one in the future is not
taken.

**Never**: a date later than ``fetched_at`` (compared as instants where the
value has an offset; a day, or a time without offset, is compared with the
fetch day in the zone furthest ahead, UTC+14), a date before 1990, a date from
the crawl or the archive (none is passed in). The tree is read, never changed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.metadata.datevalues import (
    TEXT_DATE,
    When,
    make_day,
    month_first,
    parse_value,
    readings,
    text_when,
)
from crawler.extraction.metadata.structured import Structured, ld_types
from crawler.extraction.signals import ARTICLE_TYPES

SOURCES = ("json-ld", "meta", "time", "url", "text", "feed", "sitemap")


@dataclass(frozen=True)
class FoundDate:
    #: ISO 8601 as the page gives it (see the module's docstring).
    value: str
    #: Where it came from: one of :data:`SOURCES`.
    source: str


def day_of(value: str | None) -> date | None:
    """The day of a record's ``published`` or ``modified`` value (its first ten
    characters: the page's own day), None for none or an unreadable one."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class DateHint:
    """A date that the feed or sitemap entry leading to the page gave."""

    #: As the feed or sitemap gives it (ISO 8601, RFC 2822 ...).
    value: str
    #: ``feed`` or ``sitemap``.
    source: str
    #: ``published`` (RSS ``pubDate``, Atom ``published``, a news sitemap's
    #: ``publication_date``) or ``modified`` (Atom ``updated``, ``lastmod``).
    kind: str


@dataclass(frozen=True)
class Dates:
    published: FoundDate | None
    modified: FoundDate | None


# --------------------------------------------------------------------------- declared

_META_PUBLISHED = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "datepublished", "dc.date.issued", "dcterms.issued", "citation_publication_date",
    "citation_date", "parsely-pub-date", "sailthru.date", "article.published",
    "published_time", "publish-date", "publishdate", "publish_date", "publication_date",
    "pubdate", "originalpublicationdate", "date", "dc.date", "dcterms.date",
    "dc.date.created", "dcterms.created", "datecreated", "created",
)
_META_MODIFIED = (
    "article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
    "dc.date.modified", "dcterms.modified", "article.updated", "updated_time",
    "last-modified", "lastmod", "modified_time", "modified",
)
_CONTENT_TYPES = frozenset({"recipe", "howto"})
_PAGE_TYPES = frozenset({"webpage", "itempage", "medicalwebpage", "faqpage", "qapage"})
#: Class or id words (split at "-" and "_") of containers whose dates are not
#: the article's: comments, sidebars, related and recommended articles, the footer.
_ELSEWHERE = frozenset(
    "comment comments commentlist sidebar related recommended recommendations trending "
    "popular footer promo newsletter teaser".split())
_WORDS = re.compile(r"[^a-z0-9]+")
_ITEMPROP_DATES = etree.XPath('//@itemprop[starts-with(., "date")]/..')
_MARKS = ("datePublished", "dateModified", "dateCreated")


def _article_object(structured: Structured, url: str | None) -> dict | None:
    """The page's own article object: the one whose URL is the page's where there
    are several, else the first; a recipe or how-to where there is no article."""
    articles = [n for n in structured.ld if ld_types(n) & ARTICLE_TYPES
                and not ld_types(n) & {"blog"}] or structured.of_type(_CONTENT_TYPES)
    if len(articles) > 1 and url:
        key = _url_key(url)
        for node in articles:
            ids = [node.get("url"), node.get("@id"), node.get("mainEntityOfPage")]
            ids = [i.get("@id") if isinstance(i, dict) else i for i in ids]
            if any(isinstance(i, str) and _url_key(i) == key for i in ids):
                return node
    return articles[0] if articles else None


def _url_key(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    return f"{(parts.hostname or '').removeprefix('www.')}{parts.path.rstrip('/')}"


def _is_elsewhere(el: HtmlElement, shared: frozenset[HtmlElement] = frozenset()) -> bool:
    """Inside comments, sidebars, related-article lists or the footer; the body and
    ``shared`` (the headline's ancestors, which hold the article too) not counted."""
    for node in el.iterancestors():
        if node.tag in ("body", "html") or node in shared:
            return False
        if node.tag in ("aside", "footer", "nav"):
            return True
        words = _WORDS.split(f"{node.get('class') or ''} {node.get('id') or ''}".lower())
        if _ELSEWHERE.intersection(words):
            return True
    return False


def _marked(tree: HtmlElement, mdy: bool) -> tuple[When | None, When | None, bool]:
    """(published, modified) from ``<time>`` and microdata marking them, and
    whether the published one is shown (its text is a date). Marks of several
    different days are a list of posts, not the article's: none is taken."""
    published: list[tuple[When, bool]] = []
    modified: list[When] = []
    marked = [el for el in _ITEMPROP_DATES(tree)
              if el.get("itemprop") in _MARKS and el.tag != "meta"]
    marked += [el for el in tree.iter("time") if el.get("itemprop") not in _MARKS and (
        el.get("pubdate") is not None or any(
            word in (el.get("class") or "") for word in ("published", "updated", "modified")))]
    for el in marked:
        mark = f"{el.get('itemprop') or ''} {el.get('class') or ''}".lower()
        raw = el.get("datetime") or el.get("content") or el.get("title") or el.text_content()
        when = parse_value(raw, mdy)
        if when is None or _is_elsewhere(el):
            continue
        if "modified" in mark or ("updated" in mark and "published" not in mark):
            modified.append(when)
        else:
            published.append((when, TEXT_DATE.search(el.text_content()) is not None))
    one_pub = len({w.day for w, _ in published}) == 1
    return (published[0][0] if one_pub else None,
            modified[0] if len({w.day for w in modified}) == 1 else None,
            one_pub and any(shown for _, shown in published))


# --------------------------------------------------------------------------- shown


_UPDATED = re.compile(
    r"(updated|modified|revised|reviewed|aktualisiert|geändert|mis[e]? à jour|actualizad[oa]|"
    r"aggiornat[oa]|bijgewerkt|atualizad[oa])", re.I)
_PUBLISHED = re.compile(
    r"(published|posted|post (?:time|date)|publication date|released|written|veröffentlicht|"
    r"publié|publicado|pubblicato|gepubliceerd|erschienen|created)", re.I)
#: A publication label right before a date ("Published on 5 March 2024", "Post time: ...").
_LABELLED = re.compile(
    rf"(?:{_PUBLISHED.pattern[1:-1]})\W{{0,4}}(?:(?:on|at|am|le|el|il|em|op)\s+)?(?={TEXT_DATE.pattern})",
    re.I)
#: The same without IGNORECASE, on lower-cased text: many times faster on a whole page.
_LABELLED_LOWER = re.compile(_LABELLED.pattern)
#: Four digits or a CJK year: a text without them holds no full date.
_MAYBE_DATE = re.compile(r"\d{4}|年")
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "select", "button"})
#: How much text around the headline is read for the date the page shows.
_BEFORE_CHARS, _AFTER_CHARS = 160, 600
#: A text longer than this, with no label before its date, is prose, not a dateline.
_PROSE_CHARS = 160


@dataclass(frozen=True)
class _Shown:
    when: When
    label: str  # "published", "updated" or ""
    source: str  # "time" or "text"
    after: bool  # after the headline (else above it)
    #: Every day the shown date can be read as (a numeric date two), likelier first.
    days: tuple[date, ...] = ()


def _headline(tree: HtmlElement, titles: Sequence[str]) -> HtmlElement | None:
    """The article's headline: the ``<h1>`` matching the page's title, else the
    first outside the page header, navigation and footer; on a page without
    ``<h1>``, an ``<h2>`` or ``itemprop=headline`` element matching the title."""
    heads = [h for h in tree.iter("h1") if h.text_content().strip()]
    wanted = {_norm(t) for t in titles if t}

    def matches(head: HtmlElement) -> bool:
        text = _norm(head.text_content())
        return len(text) >= 8 and any(text in t or t in text for t in wanted)

    for head in heads:
        if matches(head):
            return head
    for head in heads:
        if not any(a.tag in ("header", "nav", "footer") for a in head.iterancestors()):
            return head
    if heads:
        return heads[0]
    return next((h for h in _OTHER_HEADS(tree) if matches(h)), None)


_OTHER_HEADS = etree.XPath('//h2 | //*[@itemprop="headline"][not(self::meta)]')


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _texts(el: HtmlElement) -> Iterator[tuple[str, HtmlElement]]:
    """The texts of ``el`` and its descendants in document order, its tail last,
    each with the element it belongs to; scripts, styles and the like skipped."""
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        if not isinstance(node.tag, str):
            continue
        if event == "start":
            if node.tag in _SKIP_TAGS:
                walker.skip_subtree()
            elif node.text:
                yield node.text, node
        elif node.tail:
            parent = node.getparent()
            yield node.tail, parent if parent is not None else node


def _following(head: HtmlElement) -> Iterator[tuple[str, HtmlElement]]:
    """The texts after ``head`` (not inside it), in document order."""
    node: HtmlElement | None = head
    while node is not None:
        parent = node.getparent()
        if node.tail:
            yield node.tail, parent if parent is not None else node
        for sibling in node.itersiblings():
            yield from _texts(sibling)
        node = parent


def _preceding(head: HtmlElement) -> Iterator[tuple[str, HtmlElement]]:
    """The texts before ``head``, nearest first."""
    node: HtmlElement | None = head
    while node is not None:
        for sibling in node.itersiblings(preceding=True):
            yield from reversed(list(_texts(sibling)))
        parent = node.getparent()
        if parent is not None and parent.text and parent.tag not in _SKIP_TAGS:
            yield parent.text, parent
        node = parent


def _window(pieces: Iterator[tuple[str, HtmlElement]], chars: int) -> list[tuple[str, HtmlElement]]:
    out, size = [], 0
    for text, owner in pieces:
        out.append((text, owner))
        size += len(text.strip())
        if size >= chars:
            break
    return out


def _shown(tree: HtmlElement, head: HtmlElement, mdy: bool) -> list[_Shown]:
    """Dates shown just above and after the headline, in document order."""
    shared = frozenset(head.iterancestors())
    found: list[_Shown] = []
    before = _window(_preceding(head), _BEFORE_CHARS)[::-1]
    after = _window(_following(head), _AFTER_CHARS)
    for pieces, is_after in ((before, False), (after, True)):
        context = ""
        times_done: set[HtmlElement] = set()
        for text, owner in pieces:
            time_el = owner if owner.tag == "time" else next(
                (a for a in owner.iterancestors("time")), None)
            if time_el is not None:
                if time_el in times_done:
                    continue
                times_done.add(time_el)
                shown = _from_time(time_el, context, mdy, is_after, shared)
                if shown is not None:
                    found.append(shown)
                    context = ""
                else:
                    context = (context + " " + time_el.text_content())[-60:]
                continue
            start = 0
            for m in TEXT_DATE.finditer(text) if _MAYBE_DATE.search(text) else ():
                days = readings(m, mdy)
                before_text = (context + " " + text[start:m.start()])[-40:]
                label = _label(before_text)
                start, context = m.end(), ""
                if not days or _is_elsewhere(owner, shared):
                    continue
                if not label and _is_prose(text, m):
                    continue
                found.append(_Shown(When(days[0], days[0].isoformat()), label, "text",
                                    is_after, tuple(days)))
            context = (context + " " + text[start:])[-60:]
    return found


def _labelled(tree: HtmlElement, mdy: bool) -> When | None:
    """The first date labelled as the publication anywhere in the page's body,
    outside comments, sidebars and related-article lists."""
    body = tree.find("body")
    body = body if body is not None else tree
    if _LABELLED_LOWER.search(body.text_content().lower()) is None:  # the quick test
        return None
    pieces = list(_texts(body))
    starts, at = [], 0
    for text, _ in pieces:
        starts.append(at)
        at += len(text) + 1
    joined = "\n".join(text for text, _ in pieces)
    for m in _LABELLED.finditer(joined):
        date_match = TEXT_DATE.match(joined, m.end())
        if date_match is None:
            continue
        owner = pieces[bisect_right(starts, date_match.start()) - 1][1]
        days = readings(date_match, mdy)
        if days and not _is_elsewhere(owner):
            return When(days[0], days[0].isoformat())
    return None


#: A text with more words than this beside its date is a sentence, not a dateline.
_PROSE_WORDS = 12


def _is_prose(text: str, match: re.Match[str]) -> bool:
    """Whether a date is part of a sentence rather than a dateline: its text is
    long, or has many words beside the date."""
    rest = text[:match.start()] + " " + text[match.end():]
    return len(text.strip()) > _PROSE_CHARS or len(rest.split()) > _PROSE_WORDS


def _label(before: str) -> str:
    """The kind of the label nearest the end of ``before``, if any."""
    kinds = [(m.end(), "updated") for m in _UPDATED.finditer(before)]
    kinds += [(m.end(), "published") for m in _PUBLISHED.finditer(before)]
    return max(kinds)[1] if kinds else ""


def _from_time(el: HtmlElement, context: str, mdy: bool, after: bool,
               shared: frozenset[HtmlElement]) -> _Shown | None:
    if _is_elsewhere(el, shared):
        return None
    text = el.text_content()
    attr = parse_value(el.get("datetime"), mdy)
    seen = text_when(text, mdy)
    when = attr or seen
    if when is None:
        return None
    if attr is not None and seen is not None and seen.day != attr.day and \
            abs((seen.day - attr.day).days) <= 1:
        when = seen  # the attribute in UTC, the text in the page's own day
    mark = f"{el.get('itemprop') or ''} {el.get('class') or ''}".lower()
    if "modified" in mark or ("updated" in mark and "published" not in mark):
        label = "updated"
    elif "published" in mark or el.get("pubdate") is not None:
        label = "published"
    else:
        label = _label(context[-40:] + " " + text)
    return _Shown(when, label, "time", after, (when.day,))


# --------------------------------------------------------------------------- URL

_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:[/_.-]|$)|/((?:19|20)\d{2})(\d{2})(\d{2})/")


def _from_url(url: str | None) -> When | None:
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    m = _URL_DATE.search(path)
    if m is None:
        return None
    y, mo, d = (g for g in m.groups() if g is not None)
    day = make_day(int(y), int(mo), int(d))
    return When(day, day.isoformat()) if day else None


# --------------------------------------------------------------------------- decision


@dataclass(frozen=True)
class _Candidate:
    when: When
    source: str

    def found(self) -> FoundDate:
        return FoundDate(self.when.value, self.source)


def find_dates(tree: HtmlElement, structured: Structured, *, url: str | None,
               fetched_at: datetime | None, hints: Sequence[DateHint] = (),
               fallback: str | None = None) -> Dates:
    """The page's published and modified dates (the module's docstring gives the rules).

    ``hints``: dates the feed or sitemap that led to the page gave, weaker than
    anything the page says of itself: a published hint is evidence of
    publication (feed before sitemap); a modified hint (Atom ``updated``, a
    sitemap ``lastmod``: often the time the sitemap was made) is taken as the
    modification last of all, when later than the published date.
    ``fallback``: htmldate's date of the page as trafilatura found it, used
    where nothing better is found.
    """
    limit = fetched_at or datetime.now(UTC)
    if limit.tzinfo is None:
        limit = limit.replace(tzinfo=UTC)
    last_day = (limit.astimezone(UTC) + timedelta(hours=14)).date()
    mdy = month_first(tree, url)

    def cands(raws: Sequence[tuple[object, str]]) -> list[_Candidate]:
        found = []
        for raw, source in raws:
            when = raw if isinstance(raw, When) else parse_value(raw, mdy)
            if when is not None and (when.moment <= limit if when.moment is not None
                                     else when.day <= last_day):
                found.append(_Candidate(when, source))
        return found

    article = _article_object(structured, url) or {}
    page = next((n for n in structured.ld if ld_types(n) & _PAGE_TYPES), {})
    marked_pub, marked_mod, marked_shown = _marked(tree, mdy)
    declared_pub = cands(
        [(article.get("datePublished") or article.get("dateCreated"), "json-ld")]
        + [(structured.meta_first(k), "meta") for k in _META_PUBLISHED]
        + [(marked_pub, "time"), (page.get("datePublished"), "json-ld")])
    declared_mod = cands(
        [(article.get("dateModified"), "json-ld")]
        + [(structured.meta_first(k), "meta") for k in _META_MODIFIED]
        + [(marked_mod, "time"), (page.get("dateModified"), "json-ld")])
    evidence = cands([(h.value, h.source) for h in sorted(
        (h for h in hints if h.kind == "published"), key=lambda h: h.source != "feed")])
    updates = cands([(h.value, h.source) for h in hints if h.kind == "modified"])

    titles = [structured.meta_first("og:title") or "", str(article.get("headline") or "")]
    head = _headline(tree, titles)
    shown = []
    for item in _shown(tree, head, mdy) if head is not None else []:
        days = tuple(d for d in item.days if cands([(When(d, d.isoformat()), "")]))
        if days and cands([(item.when, "")]):
            shown.append(replace(item, days=days))
        elif days:  # the likelier reading is in the future: the other one
            shown.append(replace(item, when=When(days[0], days[0].isoformat()), days=days))
    shown_pub = _pick_shown(shown, ("published", ""))
    shown_upd = _pick_shown(shown, ("updated",))

    if shown_pub is None and marked_shown and marked_pub is not None \
            and cands([(marked_pub, "")]):
        # a date marked as the publication and shown, away from the headline
        shown_pub = _Shown(marked_pub, "published", "time", True, (marked_pub.day,))
    published: _Candidate | None = None
    if shown_pub is not None:
        published = _as_declared(shown_pub, declared_pub) or _as_declared(
            shown_pub, declared_mod + evidence) or _Candidate(shown_pub.when, shown_pub.source)
    elif declared_pub or evidence:
        published = (declared_pub + evidence)[0]
    else:
        url_date = cands([(_from_url(url), "url")])
        labelled = cands([(_labelled(tree, mdy), "text")])
        if labelled:
            published = labelled[0]
        elif url_date:
            published = url_date[0]
        elif shown_upd is not None:
            # the only date the page shows is its update: the page presents it
            published = _as_declared(shown_upd, declared_mod) or _Candidate(
                shown_upd.when, shown_upd.source)
        else:
            published = next(
                (c for c in cands([(fallback, "text")])
                 # htmldate's "original date" is the declared update where no
                 # publication is declared: no publication date at all; and it
                 # gives a year it found alone (a copyright) as 1 January
                 if not any(m.when.day == c.when.day for m in declared_mod)
                 and c.when.day.timetuple().tm_yday != 1), None)
    if published is not None:
        published = _local_value(published, declared_pub + declared_mod, _from_url(url))

    modified_candidates = list(declared_mod)
    if shown_upd is not None:
        modified_candidates.append(_as_declared(shown_upd, declared_mod)
                                   or _Candidate(shown_upd.when, shown_upd.source))
    modified_candidates += updates
    modified = next((c for c in modified_candidates
                     if published is None or not _earlier(c.when, published.when)), None)
    return Dates(published.found() if published else None,
                 modified.found() if modified else None)


def _pick_shown(shown: list[_Shown], labels: tuple[str, ...]) -> _Shown | None:
    """The first date after the headline with one of ``labels``, else the
    nearest above it."""
    after = [item for item in shown if item.after and item.label in labels]
    above = [item for item in shown if not item.after and item.label in labels]
    return after[0] if after else above[-1] if above else None


def _as_declared(shown: _Shown, declared: list[_Candidate]) -> _Candidate | None:
    """The first declaration on a day the shown date can be read as (a numeric
    date may be read two ways): the same date with its time and offset."""
    for candidate in declared:
        if candidate.when.day in shown.days:
            return candidate
    return None


def _local_value(chosen: _Candidate, declared: list[_Candidate],
                 url_day: When | None) -> _Candidate:
    """A value in UTC given in the page's own zone where the page says which:
    the same instant declared with another offset, else the day of the URL
    where it is the day before or after (the publisher's local day)."""
    if not chosen.when.utc:
        return chosen
    for candidate in declared:
        other = candidate.when
        if other.moment is not None and not other.utc and other.moment == chosen.when.moment:
            return candidate
    if url_day is not None and abs((url_day.day - chosen.when.day).days) == 1:
        return _Candidate(url_day, "url")
    return chosen


def _earlier(when: When, than: When) -> bool:
    if when.moment is not None and than.moment is not None:
        return when.moment < than.moment
    return when.day < than.day
