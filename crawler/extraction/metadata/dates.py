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

What the page's body shows or marks (1., 4., 7., 9.) is read by
:mod:`.dateshown`; values are parsed by :mod:`.datevalues`; this module reads
the declarations and the URL and decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.extraction.metadata.dateshown import (
    Shown,
    headline_element,
    labelled_date,
    marked_dates,
    shown_dates,
)
from crawler.extraction.metadata.datevalues import When, make_day, month_first, parse_value
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
    marked_pub, marked_mod, marked_shown = marked_dates(tree, mdy)
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
    head = headline_element(tree, titles)
    shown = []
    for item in shown_dates(tree, head, mdy) if head is not None else []:
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
        shown_pub = Shown(marked_pub, "published", "time", True, (marked_pub.day,))
    published: _Candidate | None = None
    if shown_pub is not None:
        published = _as_declared(shown_pub, declared_pub) or _as_declared(
            shown_pub, declared_mod + evidence) or _Candidate(shown_pub.when, shown_pub.source)
    elif declared_pub or evidence:
        published = (declared_pub + evidence)[0]
    else:
        url_date = cands([(_from_url(url), "url")])
        labelled = cands([(labelled_date(tree, mdy), "text")])
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


def _pick_shown(shown: list[Shown], labels: tuple[str, ...]) -> Shown | None:
    """The first date after the headline with one of ``labels``, else the
    nearest above it."""
    after = [item for item in shown if item.after and item.label in labels]
    above = [item for item in shown if not item.after and item.label in labels]
    return after[0] if after else above[-1] if above else None


def _as_declared(shown: Shown, declared: list[_Candidate]) -> _Candidate | None:
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
