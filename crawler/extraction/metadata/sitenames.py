"""What names the site: the evidence a page gives of its site's (or its
publisher's) name, read in one place for every reader that must tell the site
from something else -- :mod:`.headline` (a title's "| Site" part) and
:mod:`.credits` (a credit that is the site's name, not a person's).

- ``<meta>``: :data:`NAME_META` (``og:site_name``, ``application-name``) give
  the site's own name; :data:`SITE_META` adds what may name it too (the
  home-screen title, the Twitter handle, ``publisher``, ``dc.publisher``);
- JSON-LD: the names of ``WebSite`` and ``Organization`` objects and of every
  ``publisher`` object (:func:`ld_names`); the publisher the page declares for
  its story (:func:`declared_publisher`: an organisation, not a person, nor a
  URL);
- the host name: its labels (:func:`host_labels`) and the one that names the
  site (:func:`host_name`).

Each reader compares the names its own way (a title's part may be a name's
initials or its start; a credit must be the name). Pure: values in, values out.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from crawler.extraction.metadata.structured import Structured, ld_types

#: ``<meta>`` names whose value is the site's own name.
NAME_META = ("og:site_name", "application-name")
#: ``<meta>`` names whose value may name the site: its own name, its home-screen
#: title, its Twitter handle ("@site"), its publisher.
SITE_META = (*NAME_META, "apple-mobile-web-app-title", "twitter:site", "publisher",
             "dc.publisher")
#: JSON-LD types of objects whose name is the site's or its owner's.
SITE_TYPES = frozenset({"website", "organization", "newsmediaorganization", "corporation",
                        "localbusiness"})
#: Labels of a host name that name no site.
HOST_NOISE = frozenset({"www", "m", "amp", "com", "org", "net", "co", "uk", "io", "edu", "gov",
                        "info", "us"})
#: ``<meta>`` names of the story's publisher.
_PUBLISHER_META = ("article:publisher", "og:article:publisher", "dc.publisher",
                   "citation_publisher")
_PERSON = frozenset({"person"})
_URL = re.compile(r"^(?:https?:)?//|^www\.|^\S+\.(?:com|org|net)/", re.I)


def meta_names(structured: Structured, keys: tuple[str, ...] = SITE_META) -> list[str]:
    """The values of the ``<meta>`` names ``keys``, as the page gives them."""
    return [value for key in keys for value in structured.meta.get(key, [])]


def ld_names(structured: Structured) -> list[object]:
    """The ``name`` and ``alternateName`` of the page's :data:`SITE_TYPES`
    objects and the ``name`` of every ``publisher`` object, as JSON-LD gives
    them (any value: the caller keeps the strings)."""
    names: list[object] = []
    for node in structured.ld:
        if ld_types(node) & SITE_TYPES:
            names += [node.get("name"), node.get("alternateName")]
        publisher = node.get("publisher")
        if isinstance(publisher, dict):
            names.append(publisher.get("name"))
    return names


def declared_publisher(structured: Structured) -> str | None:
    """The organisation the page declares as its story's publisher: the first
    JSON-LD ``publisher`` with a name (its ``@id`` followed; a Person, a
    personal site's owner, passed over), else ``article:publisher``,
    ``dc.publisher`` ... when a name, not a URL (a Facebook page)."""
    index = structured.by_id()
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
                if isinstance(name, str) and clean_org(name):
                    return clean_org(name)
            elif isinstance(item, str) and not is_url(item) and clean_org(item):
                return clean_org(item)
    value = structured.meta_first(*_PUBLISHER_META)
    if value and not is_url(value):
        return clean_org(value)
    return None


def host_labels(url: str | None) -> list[str]:
    """The labels of the URL's host name that may name the site (not "www",
    "com" ...: :data:`HOST_NOISE`); none for an unreadable URL."""
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        host = ""
    return [label for label in host.split(".") if label and label not in HOST_NOISE]


def host_name(url: str | None) -> str | None:
    """The label of the URL's host name that names the site: the one before
    the top-level domain ("example" of www.example.com), or before a short
    second-level one ("example" of example.co.uk); None for a host of one label
    or an unreadable URL."""
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return None
    labels = host.removeprefix("www.").split(".")
    if len(labels) < 2:
        return None
    return labels[-2] if len(labels[-2]) > 3 or len(labels) < 3 else labels[-3]


def is_url(value: str) -> bool:
    """Whether a declared value is a link (a profile, a Facebook page), not a name."""
    return bool(_URL.match(value.strip()))


def clean_org(value: str) -> str | None:
    """An organisation's name as declared: entities decoded, spaces collapsed,
    no separators at its ends."""
    text = " ".join(html.unescape(value).split()).strip(" ,;|-")
    return text or None
