"""Who wrote an article: the names of its authors, and the organisation behind it.

Pure: an lxml tree (as the extractor holds it, after the markup rules) and the
page's :class:`~crawler.extraction.metadata.structured.Structured` in, an
:class:`Authors` out; the tree is never changed.

**Sources**, each read into people and organisations:

- *declared*: the ``author`` (else ``creator``) of the page's main JSON-LD
  object (an article type first, then any object that is not a comment, an
  answer, a product, a list ...), following ``@id`` references, a Person's
  ``name`` (or given and family names), lists; an Organization goes to the
  organisations. Else, in this order, the ``twitter:labelN``/``twitter:dataN``
  pair labelled "Written by", and ``<meta>`` ``author``, ``article:author``
  (not a URL), ``dc.creator``, ``parsely-author``, ``sailthru.author``,
  ``byl``, ``citation_author`` ("Doe, Jane" turned round);
- *shown*: the page's bylines, in page order: elements whose class or id says
  byline, author, writer, contributor (not editor, reviewer, photo, credit),
  ``itemprop=author``, ``rel=author``, and short elements whose text starts
  "By" or says "written by"; not inside comments, navigation, a sidebar or
  footer that does not hold the headline, a consent banner, or a list of
  other stories (an ``li``/``article`` among three like siblings). Within one,
  its author links and elements named "name" say which of its words are names;
  an author's box with a biography is read by its short lines;
- *under the headline*: with neither, a short block just under the ``<h1>``
  that names someone beside a date, a role, "By" or post-nominal letters;
- *fallback*: the extractor's own author string (trafilatura's), cleaned the
  same way, when nothing else names anyone.

**Choice.** Declared names that a byline shows too: that byline's names, as
the page writes them (JSON-LD's one name, the byline's three). A byline that
names someone else by full name wins over the declared name (often the account
that posted the story); else the declared names; else the first byline's.

**Cleaning** (what users expect, and what the benchmark's truth holds): no
"By"/"Von"/"Par"/"Por"/"Door"/"Author:"; no dates, times, "Updated ...",
reading times; no e-mail addresses or handles; no roles ("Senior Reporter",
"Staff Writer", "Founder"), alone or after a name; no "and 3 others"; nothing
after "Reviewed by", "Fact checked by", "Edited by", "Photo by",
"Illustration by", "Sponsored by": reviewers, editors and photographers are not
authors; no "Staff", "Newsroom", "Editorial team", "Admin" (no one's name); no
navigation or sharing words. Names split at ``,`` ``;`` ``|`` ``&`` "and" (and
"und", "et", "y"); post-nominal letters stay with their name as the page shows
them ("Jane Doe, MD", "Jane Doe, Ph.D." -- one name to a reader, two to a
metric that splits at commas, like the benchmark's truth); "Dr." and initials
are kept. A word alone is a name only where nothing fuller is (a first name, a
user name), never an all-capitals acronym. Organisations -- wire services
(Associated Press, Reuters, AFP, dpa ...), names with an organisation's word
(Team, News, Media, Inc, University ...), the site's own name -- are never
people: they go to :attr:`Authors.publisher`.

**Publisher**: a wire service or agency the story credits, else an organisation
credited as author instead of a person, else the publisher the page declares
(JSON-LD ``publisher`` when an organisation, ``article:publisher`` when a name, not a
URL). An organisation named beside a person ("Jane Doe, VP - Technology") is an
affiliation, not the publisher.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.metadata.structured import Structured, ld_types
from crawler.extraction.signals import ARTICLE_TYPES

__all__ = ["Authors", "find_authors"]


@dataclass(frozen=True)
class Authors:
    #: The people who wrote the story, cleaned, as the page shows them, in page
    #: order, no case-insensitive duplicates.
    names: list[str]
    #: The organisation behind the story: the wire service or agency of a
    #: syndicated story or an organisation credited as author, else the
    #: publisher the page declares; None when there is none.
    publisher: str | None


@dataclass
class _Credits:
    """What one source says: the people and the organisations it credits."""

    people: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    #: People credited for something else ("Reviewed by", "Photo by").
    others: list[str] = field(default_factory=list)

    def add(self, other: _Credits) -> None:
        self.people.extend(other.people)
        self.orgs.extend(other.orgs)
        self.others.extend(other.others)

    def __bool__(self) -> bool:
        return bool(self.people or self.orgs)


_PERSON = frozenset({"person"})
_ORGS = frozenset({"organization", "newsmediaorganization", "corporation", "ngo",
                   "educationalorganization", "governmentorganization", "localbusiness",
                   "onlinebusiness", "brand", "website", "medicalorganization",
                   "collegeoruniversity", "library", "project", "researchproject"})
#: Objects whose author is not the page's author.
_NOT_THE_PAGE = frozenset({"comment", "answer", "question", "product", "offer", "event",
                           "person", "organization", "imageobject", "breadcrumblist",
                           "website", "searchaction", "listitem", "itemlist", "rating",
                           "aggregaterating"})
_REVIEW = frozenset({"review"})

#: Meta names that hold the author's name (one name, or names joined).
_META_AUTHOR = ("author", "article:author", "dc.creator", "dcterms.creator", "parsely-author",
                "sailthru.author", "byl", "citation_author", "og:article:author",
                "book:author")


def find_authors(tree: HtmlElement, structured: Structured, *, url: str | None,
                 fallback: str | None = None) -> Authors:
    """The authors of the page's story and the organisation behind it (see the
    module's docstring). ``fallback``: another extractor's author string
    (names joined with "; "), used when the page gives nothing better."""
    site = _Site.of(structured, url)
    declared = _ld_authors(structured, site) or _meta_authors(structured, site)
    bylines = _bylines(tree, site)
    chosen = _choose(declared, bylines)
    if not chosen.people:
        chosen.add(_under_headline(tree, site))
    if not chosen and fallback:
        for part in fallback.split(";"):
            chosen.add(_split_names(part, site))
    return Authors(_unique(chosen.people), _publisher(chosen, declared, bylines, site))


def _choose(declared: _Credits, bylines: list[_Credits]) -> _Credits:
    shown = [c for c in bylines if c.people]
    if declared.people:
        keys = {_key(n) for n in declared.people}
        agreeing = next((c for c in shown if keys & {_key(n) for n in c.people}), None)
        if agreeing is not None:
            return _Credits(agreeing.people, declared.orgs + agreeing.orgs)
        # the page shows someone else: the declared name is often the account
        # that posted the story ("jdoe", "admin", a site editor)
        if shown and all(" " in n for n in shown[0].people):
            return _Credits(shown[0].people, shown[0].orgs)
        return _Credits(declared.people, declared.orgs)
    if shown:
        return _Credits(shown[0].people, shown[0].orgs)
    return _Credits([], declared.orgs + [o for c in bylines for o in c.orgs])


def _publisher(chosen: _Credits, declared: _Credits, bylines: list[_Credits],
               site: _Site) -> str | None:
    """A wire service credited anywhere; else an organisation credited instead
    of a person; else the declared publisher. (An organisation beside a person,
    "Jane Doe, VP - Technology", is an affiliation, not the publisher.)"""
    orgs = [*chosen.orgs, *declared.orgs, *(o for c in bylines for o in c.orgs)]
    wire = next((o for o in orgs if _is_wire(o)), None)
    if wire:
        return wire
    if chosen.orgs and not chosen.people:
        return chosen.orgs[0]
    return site.publisher or next(iter(declared.orgs), None)


def _key(name: str) -> str:
    """A name to compare: no title ("Dr."), no post-nominals, no punctuation, no case."""
    return re.sub(r"\W+", "", _TITLE.sub("", name.split(",")[0])).casefold()


_TITLE = re.compile(r"^(?:dr|prof|mr|mrs|ms|mx|sir|dame|rev)\.?\s+", re.I)


# --------------------------------------------------------------------------- the site


@dataclass
class _Site:
    """The names the site goes by, to tell it from a person."""

    keys: set[str]
    publisher: str | None

    @classmethod
    def of(cls, structured: Structured, url: str | None) -> _Site:
        publisher = _declared_publisher(structured)
        keys = {_key(v) for v in [publisher, *structured.meta.get("og:site_name", []),
                                  *structured.meta.get("application-name", [])] if v}
        host = (urlsplit(url).hostname or "") if url else ""
        labels = host.removeprefix("www.").split(".")
        if len(labels) >= 2:
            keys.add(re.sub(r"\W+", "", labels[-2] if len(labels[-2]) > 3 or len(labels) < 3
                            else labels[-3]).casefold())
        return cls({k for k in keys if k}, publisher)

    def names(self, name: str) -> bool:
        return _key(name) in self.keys


# --------------------------------------------------------------------------- declared


def _ld_authors(structured: Structured, site: _Site) -> _Credits:
    """The people and organisations credited as author of the page's main object."""
    index = _id_index(structured.ld)
    ranked = ([n for n in structured.ld if ld_types(n) & ARTICLE_TYPES - _REVIEW]
              + [n for n in structured.ld if not ld_types(n) & (ARTICLE_TYPES | _NOT_THE_PAGE)]
              + [n for n in structured.ld if ld_types(n) & _REVIEW])
    for node in ranked:
        for key in ("author", "creator"):
            found = _Credits()
            _ld_credits(node.get(key), index, found, site, depth=0)
            if found:
                return found
    return _Credits()


def _meta_authors(structured: Structured, site: _Site) -> _Credits:
    # Slack's and Twitter's labelled values (Yoast writes "Written by" and a name)
    for n in range(1, 5):
        label = structured.meta_first(f"twitter:label{n}") or ""
        value = structured.meta_first(f"twitter:data{n}")
        if value and _LABEL.match(label):
            found = _split_names(value, site)
            if found:
                return found
    for key in _META_AUTHOR:
        found = _Credits()
        for value in structured.meta.get(key, []):
            if not _is_url(value):
                found.add(_split_names(value, site, inverted=key == "citation_author"))
        if found:
            return found
    return _Credits()


_LABEL = re.compile(r"\s*(?:written\s+by|by|author|authors|autor|auteur|verfasst\s+von|"
                    r"geschrieben\s+von|écrit\s+par|escrito\s+por|scritto\s+da)\s*:?\s*$", re.I)


def _id_index(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}
    for node in objects:
        for item in [node, *_nested(node)]:
            key = item.get("@id")
            if isinstance(key, str) and len(item) > 1:
                index.setdefault(key, item)
    return index


def _nested(node: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for value in node.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                yield item


def _ld_credits(value: object, index: dict[str, dict[str, Any]], found: _Credits, site: _Site,
                depth: int) -> None:
    if depth > 3 or value is None:
        return
    if isinstance(value, list):
        for item in value:
            _ld_credits(item, index, found, site, depth + 1)
        return
    if isinstance(value, str):
        if not _is_url(value):
            found.add(_split_names(value, site))
        return
    if not isinstance(value, dict):
        return
    ref = value.get("@id")
    if isinstance(ref, str) and ref in index and index[ref] is not value:
        value = {**index[ref], **value}
    name = value.get("name")
    if isinstance(name, list):
        name = next((n for n in name if isinstance(n, str)), None)
    if not isinstance(name, str) or not name.strip():
        parts = [value.get(k) for k in ("givenName", "familyName")]
        name = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    if not name or _is_url(name):
        return
    types = ld_types(value)
    if types & _ORGS and not types & _PERSON:
        org = _clean_org(name)
        if org and not _is_staff(org):
            found.orgs.append(org)
        return
    found.add(_split_names(name, site, inverted=True))


def _declared_publisher(structured: Structured) -> str | None:
    index = _id_index(structured.ld)
    for node in structured.ld:
        if "publisher" not in node:
            continue
        value = node.get("publisher")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                ref = item.get("@id")
                if isinstance(ref, str) and ref in index:
                    item = {**index[ref], **item}
                if ld_types(item) & _PERSON:
                    continue  # a personal site's owner, no organisation
                name = item.get("name")
                if isinstance(name, str) and _clean_org(name):
                    return _clean_org(name)
            elif isinstance(item, str) and not _is_url(item) and _clean_org(item):
                return _clean_org(item)
    value = structured.meta_first("article:publisher", "og:article:publisher", "dc.publisher",
                                  "citation_publisher")
    if value and not _is_url(value):
        return _clean_org(value)
    return None


# --------------------------------------------------------------------------- bylines

#: The start of a text that may open a byline ("By", "Written by"), checked on
#: the whole element by :data:`_BY_START`.
_BY_TEXT = re.compile(r"\s*by\b|.{0,60}?(?:written|posted|authored|article|story|words)\s+by\b",
                      re.I | re.S)
_FOREIGN_BY = ("Von ", "von ", "Par ", "par ", "Por ", "por ", "Door ", "door ")
#: Class or id of a byline or an author's box (not "authority").
_BYLINE_ATTR = re.compile(r"by-?line|author(?!ity|ize)|writer|contributor|posted-?by|autor|"
                          r"auteur|reporter", re.I)
#: Regions whose names are not the article's authors.
_NOT_BYLINE_ATTR = re.compile(
    r"comment|comentario|kommentar|commento|reply|respond|disqus|related|recommend|read-?next|"
    r"more-?(?:from|stories|posts)|popular|trending|newsletter|testimonial|cookie|consent|gdpr|"
    r"(?:^|[-_\s])cmp"
    # navigation: "nav", "site-nav", "menu-item", "nav-links"; not "offset-nav", "nav-tabs"
    r"|(?:^|\s)(?:(?:main|site|primary|top|sub|header|footer|mobile)[-_])?"
    r"(?:nav|navbar|navigation|menu|breadcrumbs?)"
    r"(?:$|\s|[-_](?:menu|bar|wrap\w*|container|list|items?|links?)\b)", re.I)
#: Byline elements of people other than the authors.
_OTHER_CREDIT_ATTR = re.compile(r"editor(?!ial)|review(?:er|ed)|fact-?check|photo|illustrat|"
                                r"credit", re.I)
#: A link to an author's page, or an element holding just a name.
_NAME_LINK = re.compile(r"/(?:authors?|autor(?:en)?|auteurs?|autore|writers?|contributors?|"
                        r"people|staff|team|profiles?|journalists?|redakteur|by|user|members?|"
                        r"reporters?|columnists?|experts?)/|[?&]author=", re.I)
_NAME_ATTR = re.compile(r"name", re.I)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "select",
                        "option", "nav", "form", "textarea", "iframe", "img", "figure",
                        "figcaption", "blockquote", "head", "title", "time"})
_CONTAINERS = frozenset({"html", "body", "main", "article", "header", "section"})
_INLINE = frozenset({"a", "span", "b", "strong", "em", "i", "u", "small", "abbr", "cite",
                     "font", "bdi", "bdo", "mark", "sup", "sub", "q", "s", "label", "data"})
#: A byline holds a few names, a role, a date: a longer text is an author's
#: biography or a whole article, read through its smaller parts.
_MAX_BYLINE_CHARS = 250
_MAX_BOX_CHARS = 1500
_MAX_NAME_CHARS = 60
#: The start of a byline's text: "By Jane", "Von Jane", or "written by" early on.
_BY_START = re.compile(r"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or|[Dd]oor)\b\s*:?\s*(?:[^\W\d_a-z]|$)"
                       r"|^(?:\S+\s+){0,4}(?i:written|posted|authored|article|story|words)\s+by\b")


def _bylines(tree: HtmlElement, site: _Site) -> list[_Credits]:
    """The credits of the page's byline elements, in page order."""
    found: list[_Credits] = []
    done: set[HtmlElement] = set()
    for el in _candidates(tree):
        if el.tag in _CONTAINERS or el in done or any(a in done for a in el.iterancestors()):
            continue
        marked = _is_marked(el)
        if marked is None or _in_other_region(el):
            continue
        credits = _credits_of(el, site)
        # "By" alone in its element: the names are in its parent
        climb = el
        for _ in range(2):
            if credits.people or marked != "text":
                break
            parent = climb.getparent()
            if parent is None or parent.tag in _CONTAINERS or len(parent.text_content()) > \
                    _MAX_BYLINE_CHARS:
                break
            climb = parent
            credits = _credits_of(climb, site)
        if credits:
            done.add(climb)
            found.append(credits)
    return found


def _candidates(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Elements that may be bylines, in page order: by their class, id,
    ``itemprop`` or ``rel``, or by a text that starts like one. (One walk in
    Python: an XPath testing every attribute for every substring costs more.)"""
    search = _BYLINE_ATTR.search
    for el in tree.iter():
        tag = el.tag
        if tag.__class__ is not str or tag in _SKIP_TAGS:
            continue
        cls, ident, text, tail = el.get("class"), el.get("id"), el.text, el.tail
        if ((cls and search(cls)) or (ident and search(ident))
                or el.get("itemprop") in ("author", "creator") or "author" in (el.get("rel") or "")
                or (text and _opens_byline(text))):
            yield el
        if tail and _opens_byline(tail):
            parent = el.getparent()
            if parent is not None:
                yield parent


def _opens_byline(text: str) -> bool:
    if "y" in text or "Y" in text:
        return _BY_TEXT.match(text) is not None
    return text.lstrip().startswith(_FOREIGN_BY)


_HEADLINE = etree.XPath("//h1")
#: How far under the headline a byline is looked for, in lines (and never past
#: a block as long as the article's text: the byline is above it).
_UNDER_HEADLINE_LINES = 8
#: ", MD", ", Ph.D.": a sign that a line names people.
_POST_NOMINALS = re.compile(r",\s*(?:[A-Z][A-Za-z]?\.?){2,5}\b")


def _under_headline(tree: HtmlElement, site: _Site) -> _Credits:
    """A byline with no markup: a block right under the headline that names
    someone beside a date, a role, post-nominal letters or a "By"."""
    headline = next((h for h in _HEADLINE(tree) if h.text_content().strip()), None)
    if headline is None:
        return _Credits()
    blocks: list[str] = []
    lines = 0
    node = headline
    for _ in range(3):  # its siblings, then its parent's, then theirs
        if lines >= _UNDER_HEADLINE_LINES or node.tag in ("body", "html"):
            break
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str) or sibling.tag in _SKIP_TAGS:
                continue
            if len(sibling.text_content()) > _MAX_BYLINE_CHARS:
                lines = _UNDER_HEADLINE_LINES  # the article's text: the byline is above it
                break
            text = _lines(sibling)
            blocks.append(text)
            lines += text.count("\n") + 1
            if lines >= _UNDER_HEADLINE_LINES:
                break
        parent = node.getparent()
        if parent is None:
            break
        node = parent
    for block in blocks:
        if not (_DATE.search(block) or _ROLES.search(block) or _MARKS.search(block)
                or _POST_NOMINALS.search(block)):
            continue
        found = _split_names(block, site, byline=True, usernames=False)
        found.people = [n for n in found.people if " " in n]
        if found.people:
            return found
    return _Credits()


def _is_byline_attr(el: HtmlElement) -> bool | None:
    """True for a byline's class, id, ``itemprop`` or ``rel``, False for
    another credit's (an editor's, a photo's), None for neither."""
    if el.get("itemprop") in ("author", "creator") or "author" in (el.get("rel") or ""):
        return True
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
    if attrs == " " or not _BYLINE_ATTR.search(attrs):
        return None
    return not _OTHER_CREDIT_ATTR.search(attrs)


def _is_marked(el: HtmlElement) -> str | None:
    """Why ``el`` is a byline candidate ("attr", "text") or None."""
    attr = _is_byline_attr(el)
    if attr is not None:
        return "attr" if attr else None
    text = " ".join(el.text_content().split())
    if len(text) <= _MAX_BYLINE_CHARS and _BY_START.match(text):
        return "text"
    return None


def _credits_of(el: HtmlElement, site: _Site) -> _Credits:
    """The names in one byline element: those its text credits as authors
    (of a long one, an author's box with a biography, its short lines), kept
    to its name elements (author links, elements named "name") where it has some."""
    size = len(el.text_content())
    if size > _MAX_BOX_CHARS:
        return _Credits()
    text = _lines(el)
    if size > _MAX_BYLINE_CHARS:
        text = "\n".join([ln for ln in text.split("\n") if len(ln) <= _MAX_NAME_CHARS][:12])
    found = _split_names(text, site, byline=True, usernames=False)
    named = [e for e in el.iter() if e is not el and isinstance(e.tag, str) and (
        e.get("itemprop") == "name" or "author" in (e.get("rel") or "")
        or (e.tag == "a" and _NAME_LINK.search(e.get("href") or ""))
        or _NAME_ATTR.search(e.get("class") or ""))]
    named = [e for e in named if not any(a in named for a in e.iterancestors())]
    if not named:
        return found if size <= _MAX_BYLINE_CHARS or len(found.people) <= 1 else _Credits()
    names = _Credits()
    for e in named:
        names.add(_split_names(_lines(e), site, byline=True, usernames=_is_author_link(e)))
    keys = {_key(n) for n in names.people}
    kept = [n for n in found.people if _key(n) in keys]
    others = {_key(n) for n in found.others}
    found.people = kept or [n for n in names.people if _key(n) not in others]
    found.orgs.extend(names.orgs)
    if any(map(_is_wire, found.orgs)):
        found.people = [n for n in found.people if " " in n]  # "PTI, Washington"
    return found


def _is_author_link(el: HtmlElement) -> bool:
    return ("author" in (el.get("rel") or "") or el.get("itemprop") in ("author", "name")
            or "author" in (el.get("href") or ""))


def _in_other_region(el: HtmlElement) -> bool:
    """Whether ``el`` is in a comment, a list of other stories, a navigation bar."""
    for node in el.iterancestors():
        if node.tag in ("blockquote", "figure"):
            return True
        if node.tag in ("nav", "aside") and node.find(".//h1") is None:
            # (one holding the headline is the page itself, left unclosed)
            return True
        if node.tag == "footer" and node.find(".//h1") is None and not any(
                a.tag == "article" for a in node.iterancestors()):
            return True
        if _NOT_BYLINE_ATTR.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
        if node.tag in ("li", "article") and _repeated(node):
            return True
    return False


def _repeated(node: HtmlElement) -> bool:
    """Whether ``node`` is one of a list of like items (teasers of other stories)."""
    parent = node.getparent()
    if parent is None:
        return False
    like = [s for s in parent if s.tag == node.tag and s.get("class") == node.get("class")]
    return len(like) >= 3


def _lines(el: HtmlElement) -> str:
    """The element's text, a line break where the page shows one: at block
    elements and where two inline elements' words would otherwise touch."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if not isinstance(node.tag, str) or node.tag in _SKIP_TAGS:
            return
        edge = "\x00" if node.tag in _INLINE else "\x01"
        parts.append(edge)
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        parts.append(edge)

    if el.tag == "meta":
        return el.get("content") or ""
    walk(el)
    text = "".join(parts)
    text = re.sub(r"(?<=\w)\x00+(?=\w)", "\n", text).replace("\x00", "").replace("\x01", "\n")
    return "\n".join(ln for ln in (" ".join(x.split()) for x in text.split("\n")) if ln)


# --------------------------------------------------------------------------- names

_SPACE = re.compile(r"[^\S\n]+")
_URL = re.compile(r"^(?:https?:)?//|^www\.|^\S+\.(?:com|org|net)/", re.I)

#: What introduces the authors ("By", "Written by", "Von", "Author:").
_AUTHOR_MARK = (
    r"\b(?:(?:written|posted|published|article|story|words|text|reporting|report|compiled|"
    r"created|authored|recipe|column|post|interview|analysis|commentary|guest\s+post)\s+)?by\b"
    r"|(?:^|(?<=\n))(?:von|par|por|door|di|av|af|från|od)\b"
    r"|\b(?:authors?|autor(?:in|en)?|auteur(?:e|s)?|autore|writer|text|words)\s*:")
#: What introduces other people ("Reviewed by", "Photo by", "Edited by") or a
#: date ("Updated"): what follows is not an author.
_OTHER_MARK = (
    r"\b(?:(?:medically|clinically|expert|peer|legally|financially|professionally)\s+)?"
    r"reviewed\s+by|\bfact[\s-]?check(?:ed)?\s+by|\b(?:copy[\s-]?)?edited\s+by"
    r"|\b(?:photos?|photograph(?:s|y)?|images?|pictures?|illustrations?|video|graphics?|artwork|"
    r"design|cover|art)\s+(?:by|credit)|\b(?:illustrated|photographed|designed|produced|"
    r"translated|updated|curated|narrated|sponsored|presented|powered|verified|approved|"
    r"hosted|moderated|supported)\s+by|\badditional\s+reporting|\bwith\s+reporting\s+by"
    r"|\bcontributions?\s+by|\bin\s+partnership\s+with"
    r"|\b(?:editor|reviewer|fact[\s-]?checker|photographer|illustrator|credits?|photos?|"
    r"images?|source|via)\s*:"
    r"|\b(?:last\s+)?(?:updated|modified|published|posted|created|reviewed|edited)"
    r"(?:\s+on)?\b(?!\s+by)"
    r"|\b(?:tags|tagged|categor(?:y|ies)|topics|filed\s+under|posted\s+in)\b\s*:?"
    r"|\s(?:in|under)\s")
_MARKS = re.compile(f"(?P<author>{_AUTHOR_MARK})|(?P<other>{_OTHER_MARK})", re.I)
_SEPARATORS = re.compile(
    r"\s*(?:[\n;|•·⋅∙●/]|,|\s[-–—]\s|&|\+|\s(?:and|und|et|y|e|en|og|och)\s)\s*", re.I)
#: ... and in a line of the page, where "Jane Doe on May 5" and "at The Times" end a name.
_LINE_SEPARATORS = re.compile(rf"{_SEPARATORS.pattern}|\s(?:on|at|in|for)\s|(?<=[a-z]{{3}})\.\s",
                              re.I)
_MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
           "june|july|august|september|october|november|december|januar|februar|märz|mai|juni|"
           "juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|"
           "octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
           "septiembre|octubre|noviembre|diciembre")
_DAYS = ("mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|"
         "saturday|sunday")
_DATE = re.compile(
    rf"\b(?:{_DAYS})\b\.?,?"
    rf"|\b(?:{_MONTHS})\b\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(?:{_MONTHS})\b\.?(?:,?\s+\d{{4}})?"
    rf"|\b(?:{_MONTHS})\b\.?,?\s+\d{{4}}"
    r"|\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:T[\d:.+-]+Z?)?\b"
    r"|\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}\b)?"
    r"|\b\d+\s*(?:min(?:ute)?s?|hours?|hrs?|h|days?|weeks?|months?|years?)\b(?:\s+(?:read|ago))?"
    r"|\b\d{4}\b|\b(?:just\s+now|yesterday|today)\b", re.I)
_TRAILING_MONTH = re.compile(rf"(?:\s+(?:on|am|le|el|il))?\s+(?:{_MONTHS})\.?$", re.I)
_EMAIL = re.compile(r"\S+@\S+\.\w+|\(?\s*@\w+\s*\)?")
_OTHERS = re.compile(r"^(?:and\s+)?(?:\d+|one|two|three|several|many)\s+(?:others?|more)$|^\+\d+$",
                     re.I)
#: Post-nominal letters: kept with the name they follow ("Jane Doe, MD"), as pages show them.
_CREDENTIAL = re.compile(
    r"^(?:(?:MD|DO|PhD|DVM|VMD|RN|BSN|MSN|NP|PA|PA-C|CPA|CFA|CFP|ChFC|CLU|EA|JD|Esq|MBA|MS|MSc|"
    r"MA|BA|BS|BSc|MPH|MHA|MSW|LCSW|LPC|LMFT|LMHC|PsyD|EdD|DDS|DMD|DC|PT|DPT|OT|OTR|RD|RDN|LD|LDN|"
    r"CDN|CDE|CDCES|CSSD|FACP|FACS|FAAP|FACC|FAND|FACLM|DACVB|DACVIM|DACVN|LVT|VTS|CVT|CPP|PSP|"
    r"PMP|CISSP|CISM|CEPF|FOMA|DABOM|Jr|Sr|II|III|IV|E-RYT|RYT|CPT|CSCS|IBCLC|CNM|CRNA|APRN|FNP|"
    r"FNP-BC|FNP-C|DNP|PharmD|RPh|OD|DPM|AuD|CCC-SLP|SLP|LAc|ND|CMT|LMT|CHES|CHC|CNS|MEd|MFA|LLM|"
    r"LLB|PE|AIA|MBBS|FRCS|FRCP|MRCP|CFE|CIPP|CFEI|ACSM|NASM|MSPT|MPT|ATC|LAT|MS-HNFE|BCPS|"
    r"Dipl|MDiv|ThD|DMin|PsyM|RDH|CRC|CLC|CHWC|NBC-HWC|FAANP|FAAN|FACOG|FAAD|FASN|MSCP)\.?"
    r"|(?:[A-Z][a-z]?\.){2,4}|[A-Z][A-Za-z-]{1,6}®|(?:E-)?RYT[- ]?\d+)"
    r"(?:\s*(?:\d+|\([^)]*\)))?$")
#: "Doe, Jane" or "Doe, Jane A." in a field that holds one person's name.
_INVERTED = re.compile(r"([^\s,]+), ([^\s,]+(?: [^\s,]+)?)")
_ABBREVIATION_DOT = re.compile(r"(?<=^[A-Z]{2})\.$|(?<=^[A-Z]{3})\.$|(?<=^[A-Z]{4})\.$")
#: Link texts around a name ("About Jane Doe", "Learn more about Jane Doe").
_LEAD_IN = re.compile(
    r"^\s*(?:(?:learn|read|find\s+out|see)\s+more\s+(?:about|from)|more\s+(?:about|from|by)|"
    r"about(?:\s+the\s+author)?|meet(?:\s+the\s+author)?|(?:view|see|read)\s+(?:all\s+)?"
    r"(?:posts|articles|stories)(?:\s+(?:by|from))?|(?:all\s+)?(?:posts|articles|stories)\s+by|"
    r"contact|follow|visit|email|profile\s+of)\s+", re.I)
#: Words of a page's furniture, in no one's name.
_FURNITURE = frozenset({
    "story", "rate", "font", "size", "share", "comments", "comment", "listen", "subscribe",
    "follow", "email", "min", "minute", "minutes", "views", "likes", "article", "articles",
    "posts", "updated", "published", "menu", "search", "login", "logout", "cookie", "cookies",
    "privacy", "policy", "terms", "advertisement", "sponsored", "newsletter", "podcast", "video",
    "videos", "photos", "gallery", "topics", "categories", "category", "tags", "related", "me",
    "us", "you", "our", "we", "click", "here", "download", "free", "best", "top", "how", "why",
    "what", "guide", "tips", "review", "reviews", "vs", "new", "sign", "up", "now", "today",
    "permalink", "topic", "source", "sources", "hello", "welcome", "thanks", "continue",
    "reading", "trackback", "pingback"})
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "da", "di", "du", "del", "della", "la",
                        "le", "dos", "das", "do", "bin", "ibn", "al", "el", "ten", "ter", "zu",
                        "y", "e", "st.", "mc", "mac", "d'", "af"})
#: Credits that name no one: a generic desk, not a person nor an organisation.
_STAFF = frozenset({
    "staff", "staff writer", "staff writers", "staff reporter", "newsroom", "editorial team",
    "editorial staff", "editorial board", "editorial", "editors", "editor", "admin",
    "administrator", "guest", "guest author", "guest contributor", "guest writer", "contributor",
    "contributors", "anonymous", "unknown", "redaktion", "rédaction", "redazione", "redacción",
    "team", "web team", "news desk", "desk", "wire", "wires", "agencies", "news", "author",
    "authors", "web desk", "digital desk", "online desk", "our team", "editorial desk",
    "news staff", "editorial department", "wire services", "wire service", "news service"})
#: Whole parts that are no one's name: navigation, sharing, labels, dates
#: (a word of :data:`_FURNITURE` anywhere in a part already rules it out).
_NOT_NAMES = frozenset({
    "a", "about", "about the author", "accept", "ad", "advertiser content", "advertising",
    "all rights reserved", "an", "analysis", "and", "audio", "author", "authors", "back", "bio",
    "blog", "bluesky", "by", "close", "contact", "copy link", "copyright", "e-mail", "edit",
    "editor's note", "expert", "facebook", "feed", "full bio", "guest post", "home",
    "homepage", "image", "in", "insights", "instagram", "learn more", "like", "link",
    "linkedin", "loading", "log in", "mastodon", "more", "more from", "news", "next", "on",
    "open", "opinion", "page", "partner content", "pause", "photo", "pinterest", "play", "post",
    "previous", "print", "profile", "read", "read more", "reddit", "reject", "reply", "rss",
    "save", "sections", "see all", "see more", "settings", "shares", "show more", "skip", "the",
    "threads", "tiktok", "tweet", "twitter", "uncategorized", "view", "web", "website",
    "whatsapp", "with", "x", "youtube", *_MONTHS.split("|"), *_DAYS.split("|")})
_ROLES = re.compile(
    r"\b(?:editor|editors|writer|writers|reporter|reporters|correspondent|contributor|columnist|"
    r"journalist|founder|co-founder|cofounder|ceo|cto|cfo|coo|cmo|director|manager|head|"
    r"executive|specialist|expert|analyst|strategist|consultant|marketer|designer|developer|"
    r"engineer|intern|producer|officer|president|chief|coordinator|attorney|lawyer|owner|"
    r"professor|researcher|scientist|student|teacher|instructor|educator|educators|coach|"
    r"nutritionist|dietitian|physician|nurse|therapist|photographer|illustrator|member|"
    r"representative|advisor|adviser|administrator|moderator|fellow|blogger|host|"
    r"presenter|anchor|critic|reviewer|architect|associate|assistant|deputy|senior|junior|"
    r"principal|vp|redakteur(?:in)?|journalistin|autorin|rédacteur|rédactrice|journaliste|"
    r"correspondant|correspondante|redattore|redattrice|redactor|redactora|periodista|"
    r"partner|lead|leader|advocate|practitioner|pharmacist|"
    r"dentist|surgeon|veterinarian|psychologist|psychiatrist|counselor|counsellor|trainer|"
    r"winemaker|chef|economist|historian|planner|agent|broker|investor|entrepreneur|"
    r"influencer|creator|enthusiast|lover|geek|nerd|fan|mom|dad|mother|father|wife|husband)s?\b",
    re.I)
#: Words before a role that are part of it ("Managing Editor", "Tech Reporter").
_ROLE_MODIFIERS = frozenset({
    "managing", "senior", "contributing", "executive", "associate", "assistant", "deputy",
    "chief", "staff", "features", "feature", "news", "sports", "tech", "technology", "health",
    "print", "digital", "web", "online", "social", "media", "copy", "trending", "guest",
    "freelance", "special", "head", "lead", "travel", "food", "science", "political",
    "politics", "business", "culture", "style", "fashion", "investigative", "general",
    "national", "international", "foreign", "local", "city", "metro", "video", "audio",
    "data", "content", "commerce", "shopping", "deals", "review", "reviews", "product",
    "entertainment", "lifestyle", "opinion", "editorial", "community", "seo", "marketing",
    "research", "medical", "legal", "financial", "finance", "personal", "sr.", "sr", "jr",
    "junior", "principal", "the", "a", "an", "our", "your", "and", "&", "-", "|", "of"})
_WIRES = frozenset({
    "associated press", "the associated press", "ap", "reuters", "thomson reuters", "afp",
    "agence france-presse", "agence france presse", "dpa", "deutsche presse-agentur", "bloomberg",
    "bloomberg news", "upi", "united press international", "pa", "pa media", "press association",
    "pa wire", "ansa", "efe", "agencia efe", "europa press", "kyodo", "kyodo news", "jiji press",
    "xinhua", "yonhap", "pti", "press trust of india", "ians", "ani", "aap",
    "australian associated press", "canadian press", "the canadian press", "apa", "kna", "epd",
    "sda", "keystone-sda", "belga", "anp", "ntb", "ritzau", "stt", "lusa", "tass", "ria novosti",
    "interfax", "anadolu agency", "anadolu", "bernama", "antara", "sapa", "cnn wire",
    "tribune news service", "tribune content agency", "mcclatchy", "new york times news service",
    "washington post news service", "dow jones newswires", "dow jones", "ap wire",
    "reuters staff", "afp staff", "ap staff", "kathpress", "apa-ots", "sid", "ddp", "dapd",
    "nzpa", "rnz", "aap newswire"})
_ORG_WORDS = re.compile(
    r"\b(?:team|staff|editors|editorial|newsroom|desk|press|news|newswire|media|inc|llc|ltd|"
    r"gmbh|corp|corporation|company|co|group|agency|associates|foundation|institute|university|"
    r"college|school|academy|association|society|council|committee|department|ministry|"
    r"services|solutions|technologies|labs|magazine|times|daily|weekly|online|network|networks|"
    r"studio|studios|official|club|bank|insurance|hospital|clinic|center|centre|blog|redaktion|"
    r"rédaction|redazione|redacción|organization|organisation|hub|systems|software|consulting|"
    r"marketing|digital|global|international|financial|construction|law|firm|llp|pllc|plc|"
    r"shop|store|publishing|publications|editions|review|journal|report|tv|radio|channel|"
    r"bureau|government|office|republic|union)\b|\.(?:com|org|net|io|co|de|fr|uk|in)\b", re.I)


_PAPER_WORDS = re.compile(
    r"\b(?:post|herald|tribune|gazette|chronicle|observer|courier|sentinel|examiner|inquirer|"
    r"guardian|independent|telegraph|mirror|express|star|sun|globe|record|register|bulletin|"
    r"dispatch|monitor|standard|statesman|leader|farmer|appeal|today|live|insider|wire|"
    r"post-gazette|zeitung|nachrichten|allgemeine|rundschau|kurier|anzeiger|tagblatt)\b", re.I)


def _is_url(value: str) -> bool:
    return bool(_URL.match(value.strip()))


def _clean_org(value: str) -> str | None:
    text = " ".join(html.unescape(value).split()).strip(" ,;|-")
    return text or None


def _is_staff(name: str) -> bool:
    return name.casefold().removeprefix("the ") in _STAFF or name.casefold() in _STAFF


def _is_wire(name: str) -> bool:
    return name.casefold() in _WIRES


def _split_names(text: str, site: _Site | None = None, *, inverted: bool = False,
                byline: bool = False, usernames: bool = True) -> _Credits:
    """The people and organisations one credit string names (see the module's
    docstring for the rules). ``inverted``: the string may be one "Last, First"
    name. ``byline``: text read off the page (lines, "By", dates, roles): a word
    alone is a name only on the first line that names anyone, and only when no
    one has a full name; ``usernames``: a word alone may be lower case."""
    text = _EMAIL.sub(" ", _SPACE.sub(" ", html.unescape(text))).strip()
    found = _Credits()
    if not text:
        return found
    if inverted:
        match = _INVERTED.fullmatch(text)
        if match and not _CREDENTIAL.match(match[2]) and not _is_org(match[2], site):
            text = f"{match[2]} {match[1]}"
    # what comes before "By" is a label or a date; before "Reviewed by", the authors
    segments: list[tuple[bool, str]] = []
    start, author = 0, True
    for mark in _MARKS.finditer(text):
        if start == 0 and byline and mark.lastgroup == "author":
            author = False
        segments.append((author, text[start:mark.start()]))
        start, author = mark.end(), mark.lastgroup == "author"
    segments.append((author, text[start:]))
    separators = _LINE_SEPARATORS if byline else _SEPARATORS
    first_line: int | None = None
    line = 0
    for is_author, segment in segments:
        if not is_author:
            line += segment.count("\n")
            other = _Credits()
            for part in separators.split(_DATE.sub(" , ", segment)):
                _classify(part, other, site, single=False, usernames=False)
            found.others.extend(other.people)
            continue
        for piece in re.split(r"(\n)", _DATE.sub(" , ", segment)):
            if piece == "\n":
                line += 1
                continue
            kind = None
            for part in separators.split(piece):
                before = len(found.people)
                single = not byline or first_line in (None, line)
                kind = _classify(part, found, site, single=single, usernames=usernames,
                                 affiliation=kind == "role") or kind
                if first_line is None and len(found.people) > before:
                    first_line = line
    if (byline and any(" " in n for n in found.people)) or any(map(_is_wire, found.orgs)):
        # beside full names, a word alone is a label; beside a wire service, a
        # place ("PTI, Washington")
        found.people = [n for n in found.people if " " in n]
    if len(found.people) > 1 and site is not None:
        # "Jane Doe, Modern Farmer": the site's own name beside a person is the site
        found.orgs.extend(n for n in found.people if site.names(n))
        found.people = [n for n in found.people if not site.names(n)]
    return found


def _classify(part: str, found: _Credits, site: _Site | None, *, single: bool,
              usernames: bool, affiliation: bool = False) -> str | None:
    """Add one part of a credit to ``found``; say what it was ("person", "org",
    "role") or None. ``affiliation``: the part follows a role ("Jane Doe,
    Product Manager, Google Maps"), so a name there is an organisation's."""
    if part.rstrip().endswith(":"):
        return None  # a label ("Topic:")
    part = _strip(part)
    if not part or _OTHERS.match(part):
        return None
    if _CREDENTIAL.match(part) and not _is_wire(part):
        if found.people:
            found.people[-1] = f"{found.people[-1]}, {_ABBREVIATION_DOT.sub('', part)}"
        return None
    if _is_staff(part):
        return None
    if _is_wire(part):
        found.orgs.append(part)
        return "org"
    role = _ROLES.search(part)
    if role:
        part = _strip(part[:role.start()])
        while part and part.rsplit(None, 1)[-1].casefold() in _ROLE_MODIFIERS:
            part = part.rsplit(None, 1)[0] if " " in part else ""
        if " " not in part and not (part and _is_org(part, site)):
            return "role"  # a role alone, or one word before it ("Environmental Leader")
    if _is_org(part, site) or affiliation:
        if _is_name(part, org=True):
            found.orgs.append(part)
            return "org"
        return None
    if len(part.split()) > 2:
        part = _TRAILING_MONTH.sub("", part)
    if not _is_name(part):
        return None
    if " " not in part and (not single or not (usernames or part[0].isupper())
                            or (part.isupper() and len(part) <= 5)):
        return None  # a word alone: only a first name or a user name, not "CNN" or "FAIL"
    found.people.append(part)
    return "person"


#: Around a name: quotes, dashes, punctuation (a final dot only after a word, not "Jr.").
_FRAME = " \t\"'\u201c\u201d\u2018\u2019\u00ab\u00bb:,-\u2013\u2014"
_INITIAL_DOT = re.compile(r"\b[A-Z][a-z]?\.$")


def _strip(part: str) -> str:
    """A part of a credit without its frame: link texts around it ("About"),
    quotes, dashes, unbalanced brackets, a trailing "on"/"at"."""
    part = _LEAD_IN.sub("", part)
    part = part.strip(_FRAME if _INITIAL_DOT.search(part) else _FRAME + ".")
    while part and part[-1] in ")]" and part.count("(") + part.count("[") < \
            part.count(")") + part.count("]"):
        part = part[:-1].strip()
    while part and part[0] in "([" and part.count("(") + part.count("[") > \
            part.count(")") + part.count("]"):
        part = part[1:].strip()
    if part.count("(") > part.count(")"):
        part = part[:part.rindex("(")].strip()
    return re.sub(r"\s+(?:on|at|in|am|le|el|il|um)$", "", part)


def _is_org(name: str, site: _Site | None) -> bool:
    if _ORG_WORDS.search(name):
        return True
    if site is None or not site.names(name):
        return False
    # the site's own name: one word, or a newspaper's ("Washington Post"); a
    # person's name is a personal site's ("Jane Doe" on janedoe.com)
    return " " not in name or _PAPER_WORDS.search(name) is not None


def _is_name(part: str, *, org: bool = False) -> bool:
    """Whether ``part`` reads as a person's name (or, ``org``, an organisation's):
    a few capitalised words, no sentence, no digits, no navigation label."""
    words = part.split()
    if not 1 <= len(words) <= (8 if org else 6) or len(part) > 70 or \
            part.casefold() in _NOT_NAMES:
        return False
    if any(c in part for c in "?!:;=<>{}@#\\|_©") or (not org and re.search(r"\d", part)):
        return False
    if org:
        return sum(1 for w in words if w[0].islower()) <= len(words) // 3
    if words[0].casefold() in ("the", "our", "your", "my", "a", "an", "team"):
        return False
    if any(w.casefold() in _FURNITURE for w in words):
        return False
    if len(words) == 1:
        return len(part) >= 3
    return all(w[0].isupper() or not w[0].islower() or w.casefold() in _PARTICLES
               for w in words)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())
