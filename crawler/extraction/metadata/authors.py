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
- *shown*: the page's bylines, in page order; where neither they nor the
  declaration name anyone, a short block just under the ``<h1>`` that names
  someone beside a date, a role, "By" or post-nominal letters
  (:mod:`.bylines` finds both);
- *fallback*: the extractor's own author string (trafilatura's), cleaned the
  same way, when nothing else names anyone.

Every credit string is read into people and organisations by
:func:`.credits.split_names` (its module's docstring gives the cleaning rules:
no "By", roles, e-mail addresses, reviewers; organisations and wire services
apart); what names the site, to tell it from a person, is in :mod:`.sitenames`.

**Choice.** Declared names that a byline shows too: that byline's names, as
the page writes them (JSON-LD's one name, the byline's three). A byline that
names someone else by full name wins over the declared name (often the account
that posted the story); else the declared names; else the first byline's.

**Publisher**: a wire service or agency the story credits, else an organisation
credited as author instead of a person, else the publisher the page declares
(:func:`.sitenames.declared_publisher`: JSON-LD ``publisher`` when an
organisation, ``article:publisher`` when a name, not a URL). An organisation
named beside a person ("Jane Doe, VP - Technology") is an affiliation, not the
publisher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

from crawler.extraction.metadata.bylines import byline_under_headline, read_bylines
from crawler.extraction.metadata.credits import (
    Credits,
    Site,
    is_staff,
    is_wire,
    name_key,
    split_names,
)
from crawler.extraction.metadata.sitenames import clean_org, is_url
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
    site = Site.of(structured, url)
    declared = _ld_authors(structured, site) or _meta_authors(structured, site)
    bylines = read_bylines(tree, site)
    chosen = _choose(declared, bylines)
    if not chosen.people:
        chosen.add(byline_under_headline(tree, site))
    if not chosen and fallback:
        for part in fallback.split(";"):
            chosen.add(split_names(part, site))
    return Authors(_unique(chosen.people), _publisher(chosen, declared, bylines, site))


def _choose(declared: Credits, bylines: list[Credits]) -> Credits:
    shown = [c for c in bylines if c.people]
    if declared.people:
        keys = {name_key(n) for n in declared.people}
        agreeing = next((c for c in shown if keys & {name_key(n) for n in c.people}), None)
        if agreeing is not None:
            return Credits(agreeing.people, declared.orgs + agreeing.orgs)
        # the page shows someone else: the declared name is often the account
        # that posted the story ("jdoe", "admin", a site editor)
        if shown and all(" " in n for n in shown[0].people):
            return Credits(shown[0].people, shown[0].orgs)
        return Credits(declared.people, declared.orgs)
    if shown:
        return Credits(shown[0].people, shown[0].orgs)
    return Credits([], declared.orgs + [o for c in bylines for o in c.orgs])


def _publisher(chosen: Credits, declared: Credits, bylines: list[Credits],
               site: Site) -> str | None:
    """A wire service credited anywhere; else an organisation credited instead
    of a person; else the declared publisher. (An organisation beside a person,
    "Jane Doe, VP - Technology", is an affiliation, not the publisher.)"""
    orgs = [*chosen.orgs, *declared.orgs, *(o for c in bylines for o in c.orgs)]
    wire = next((o for o in orgs if is_wire(o)), None)
    if wire:
        return wire
    if chosen.orgs and not chosen.people:
        return chosen.orgs[0]
    return site.publisher or next(iter(declared.orgs), None)


# --------------------------------------------------------------------------- declared


def _ld_authors(structured: Structured, site: Site) -> Credits:
    """The people and organisations credited as author of the page's main object."""
    index = structured.by_id()
    ranked = ([n for n in structured.ld if ld_types(n) & ARTICLE_TYPES - _REVIEW]
              + [n for n in structured.ld if not ld_types(n) & (ARTICLE_TYPES | _NOT_THE_PAGE)]
              + [n for n in structured.ld if ld_types(n) & _REVIEW])
    for node in ranked:
        for key in ("author", "creator"):
            found = Credits()
            _ld_credits(node.get(key), index, found, site, depth=0)
            if found:
                return found
    return Credits()


def _meta_authors(structured: Structured, site: Site) -> Credits:
    # Slack's and Twitter's labelled values (Yoast writes "Written by" and a name)
    for n in range(1, 5):
        label = structured.meta_first(f"twitter:label{n}") or ""
        value = structured.meta_first(f"twitter:data{n}")
        if value and _LABEL.match(label):
            found = split_names(value, site)
            if found:
                return found
    for key in _META_AUTHOR:
        found = Credits()
        for value in structured.meta.get(key, []):
            if not is_url(value):
                found.add(split_names(value, site, inverted=key == "citation_author"))
        if found:
            return found
    return Credits()


_LABEL = re.compile(r"\s*(?:written\s+by|by|author|authors|autor|auteur|verfasst\s+von|"
                    r"geschrieben\s+von|écrit\s+par|escrito\s+por|scritto\s+da)\s*:?\s*$", re.I)


def _ld_credits(value: object, index: dict[str, dict[str, Any]], found: Credits, site: Site,
                depth: int) -> None:
    if depth > 3 or value is None:
        return
    if isinstance(value, list):
        for item in value:
            _ld_credits(item, index, found, site, depth + 1)
        return
    if isinstance(value, str):
        if not is_url(value):
            found.add(split_names(value, site))
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
    if not name or is_url(name):
        return
    types = ld_types(value)
    if types & _ORGS and not types & _PERSON:
        org = clean_org(name)
        if org and not is_staff(org):
            found.orgs.append(org)
        return
    found.add(split_names(name, site, inverted=True))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())
