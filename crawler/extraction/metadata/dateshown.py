"""The dates an article page's body shows or marks, as :mod:`.dates` weighs
them: what a reader sees by the headline, not what the page declares in its
head.

- :func:`shown_dates`: the dates shown just above and after the headline
  (:func:`headline_element`: the ``<h1>`` matching the page's title), each
  with its label ("Published", "Updated" or none), as a ``<time>`` or in the
  text; not in comments, sidebars, related lists, the footer; not inside a
  long paragraph unless labelled;
- :func:`marked_dates`: ``<time>`` and microdata marked as the publication or
  the update (``itemprop=datePublished``, ``pubdate``, class ``published``),
  outside comments and sidebars, where the marks give one day;
- :func:`labelled_date`: a date labelled as the publication anywhere in the
  body ("Published on ...", "Post time: ...").

Dates are read by :mod:`.datevalues`. Pure: the tree is read, never changed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.metadata.datevalues import (
    TEXT_DATE,
    When,
    parse_value,
    readings,
    text_when,
)

# --------------------------------------------------------------------------- marked

#: Class or id words (split at "-" and "_") of containers whose dates are not
#: the article's: comments, sidebars, related and recommended articles, the footer.
_ELSEWHERE = frozenset(
    "comment comments commentlist sidebar related recommended recommendations trending "
    "popular footer promo newsletter teaser".split())
_WORDS = re.compile(r"[^a-z0-9]+")
_ITEMPROP_DATES = etree.XPath('//@itemprop[starts-with(., "date")]/..')
_MARKS = ("datePublished", "dateModified", "dateCreated")


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


def marked_dates(tree: HtmlElement, mdy: bool) -> tuple[When | None, When | None, bool]:
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
class Shown:
    """A date shown by the headline."""

    when: When
    label: str  # "published", "updated" or ""
    source: str  # "time" or "text"
    after: bool  # after the headline (else above it)
    #: Every day the shown date can be read as (a numeric date two), likelier first.
    days: tuple[date, ...] = ()


def headline_element(tree: HtmlElement, titles: Sequence[str]) -> HtmlElement | None:
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


def shown_dates(tree: HtmlElement, head: HtmlElement, mdy: bool) -> list[Shown]:
    """Dates shown just above and after the headline, in document order."""
    shared = frozenset(head.iterancestors())
    found: list[Shown] = []
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
                found.append(Shown(When(days[0], days[0].isoformat()), label, "text",
                                    is_after, tuple(days)))
            context = (context + " " + text[start:])[-60:]
    return found


def labelled_date(tree: HtmlElement, mdy: bool) -> When | None:
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
               shared: frozenset[HtmlElement]) -> Shown | None:
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
    return Shown(when, label, "time", after, (when.day,))
