"""Markup rules applied before extraction: remove ad and promo containers.

Rule sets (each can be switched off in :class:`MarkupRules`, each measured in
``benchmarks/extraction.py``):

- ``easylist``: EasyList's generic element-hiding selectors (ids, classes,
  ``[id^=]``/``[class^=]``-style patterns, ad links by ``href``), shipped as
  data with their licence, minus the per-domain exceptions EasyList lists;
- ``adnet``: ad-network iframes and scripts, ``ins`` ad slots, and elements
  carrying ad-slot attributes (``data-ad-slot``, ``data-ad-unit``,
  ``data-google-query-id`` ...);
- ``hidden``: elements hidden from readers (``hidden``, ``display:none``,
  ``visibility:hidden``, ``aria-hidden="true"``).

An element holding much text (most of an article) is never removed, so a
mis-named wrapper cannot take the body with it; a hidden one only when the
page says its text elsewhere (a hidden copy of the story: schema.org markup in a
``display:none`` box, a collapsed twin of the page), never when it is the only
copy (a story a script reveals).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.segment import norm_words

AD_HOSTS = re.compile(
    r"(googlesyndication|doubleclick|googleadservices|adservice\.google|amazon-adsystem|"
    r"taboola|outbrain|criteo|adnxs|pubmatic|rubiconproject|openx\.net|smartadserver|"
    r"adform|teads|yieldmo|sharethrough|revcontent|mgid|zergnet|adsafeprotected|"
    r"moatads|serving-sys|advertising\.com|media\.net|ad\.atdmt)", re.I)
AD_ATTRS = ("data-ad-slot", "data-ad-unit", "data-adunit", "data-ad-client", "data-ad-format",
            "data-google-query-id", "data-ad-region", "data-adslot", "data-ad-position",
            "data-ad-type", "data-dfp", "data-gpt-slot")
HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
#: Elements with more text than this are never removed by a rule.
MAX_REMOVED_CHARS = 1200
_SIMPLE = re.compile(r"^(?P<tag>[a-z0-9]+)?(?P<kind>[#.])(?P<name>[A-Za-z0-9_-]+)$")
_ATTR = re.compile(r'^(?P<tag>[a-z0-9]+)?\[(?P<attr>id|class|href)'
                   r'(?P<op>[\^*]?)="(?P<value>[^"]+)"\]$')
_SKIP_TAGS = frozenset({"html", "body", "head", "main", "article"})
#: A hidden element with more text than :data:`MAX_REMOVED_CHARS` goes when this
#: share of its word pairs is also in the rest of the page: a copy.
HIDDEN_COPY_SHARE = 0.8
_SHOWN_TEXT = etree.XPath("//body//text()[not(ancestor::script or ancestor::style"
                          " or ancestor::template or ancestor::noscript)]")


def shown_text(tree: HtmlElement) -> list[str]:
    """The text nodes of the page's body that a reader could see: not those of
    scripts (a JSON-LD ``articleBody`` is no text a reader sees), styles,
    templates or noscripts. The extraction's one reader of a page's shown text
    (its size limit, the hidden-copy test)."""
    return _SHOWN_TEXT(tree)


@dataclass(frozen=True)
class ElementHidingRules:
    ids: frozenset[str]
    classes: frozenset[str]
    id_prefixes: tuple[str, ...]
    class_prefixes: tuple[str, ...]
    id_substrings: tuple[str, ...]
    class_substrings: tuple[str, ...]
    href_prefixes: tuple[str, ...]
    href_substrings: tuple[str, ...]
    exceptions: dict[str, frozenset[str]]

    @classmethod
    def parse(cls, lines: list[str]) -> ElementHidingRules:
        ids: set[str] = set()
        classes: set[str] = set()
        pats: dict[tuple[str, str], set[str]] = {}
        exceptions: dict[str, set[str]] = {}
        for line in lines:
            line = line.strip()
            if not line or line.startswith("!"):
                continue
            if "#@#" in line:
                domains, _, selector = line.partition("#@#")
                exceptions.setdefault(selector, set()).update(
                    d.strip().lstrip("~") for d in domains.split(",") if d.strip())
                continue
            if not line.startswith("##"):
                continue
            selector = line[2:]
            m = _SIMPLE.match(selector)
            if m:
                (ids if m["kind"] == "#" else classes).add(m["name"])
                continue
            m = _ATTR.match(selector)
            if m:
                pats.setdefault((m["attr"], m["op"] or "="), set()).add(m["value"])

        def get(attr: str, op: str) -> tuple[str, ...]:
            return tuple(sorted(pats.get((attr, op), ())))

        return cls(
            ids=frozenset(ids) | frozenset(pats.get(("id", "="), ())),
            classes=frozenset(classes),
            id_prefixes=get("id", "^"), class_prefixes=get("class", "^"),
            id_substrings=get("id", "*"), class_substrings=get("class", "*"),
            href_prefixes=get("href", "^"), href_substrings=get("href", "*"),
            exceptions={k: frozenset(v) for k, v in exceptions.items()},
        )

    def excepted(self, selector: str, host: str) -> bool:
        domains = self.exceptions.get(selector)
        if not domains:
            return False
        return any(host == d or host.endswith("." + d) for d in domains)

    def matches_id(self, value: str, host: str) -> bool:
        if value in self.ids:
            return not self.excepted("#" + value, host)
        return value.startswith(self.id_prefixes) or any(s in value for s in self.id_substrings)

    def matches_class(self, value: str, host: str) -> bool:
        for name in value.split():
            if name in self.classes and not self.excepted("." + name, host):
                return True
        return value.startswith(self.class_prefixes) or any(
            s in value for s in self.class_substrings)

    def matches_href(self, value: str) -> bool:
        candidates = _prefix_index(self.href_prefixes).get(value[:_PREFIX_KEY])
        if candidates and value.startswith(candidates):
            return True
        return bool(self.href_substrings and _substring_re(self.href_substrings).search(value))

    def find(self, tree: HtmlElement, host: str) -> list[HtmlElement]:
        """Matching elements. The page's distinct ids and class names are
        matched first (set operations), then one XPath pass fetches the
        elements carrying the matched ones."""
        ids = [v for v in set(_IDS(tree)) if self.matches_id(v, host)]
        tokens = set(" ".join(_CLASSES(tree)).split())
        classes = [t for t in tokens if self.matches_class(t, host)]
        found: list[HtmlElement] = []
        if ids or classes:
            tests = [f"@id={_xpath_str(v)}" for v in ids]
            tests += [f"contains(@class, {_xpath_str(t)})" for t in classes]
            wanted_ids, wanted_classes = set(ids), set(classes)
            found = [el for el in tree.xpath(f"//*[{' or '.join(tests)}]")
                     if el.get("id") in wanted_ids
                     or not wanted_classes.isdisjoint((el.get("class") or "").split())]
        hrefs = {h for h in _HREFS(tree) if self.matches_href(h)}
        if hrefs:
            found += [el for el in _LINKS(tree) if el.get("href") in hrefs]
        return found


_PREFIX_KEY = 10


@cache
def _prefix_index(prefixes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Prefix rules grouped by their first characters, so that a link is
    compared with a handful of rules instead of hundreds."""
    index: dict[str, list[str]] = {}
    for p in prefixes:
        index.setdefault(p[:_PREFIX_KEY], []).append(p)
    short = [p for p in prefixes if len(p) < _PREFIX_KEY]
    if short:
        raise ValueError(f"href prefix rules shorter than {_PREFIX_KEY} characters: {short}")
    return {k: tuple(v) for k, v in index.items()}


@cache
def _substring_re(values: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, values)))


def _xpath_str(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in value.split("'")) + ")"


_IDS = etree.XPath("//@id", smart_strings=False)
_LINKS = etree.XPath("//a[@href]")
_HREFS = etree.XPath("//a/@href", smart_strings=False)
_CLASSES = etree.XPath("//@class", smart_strings=False)


@cache
def easylist() -> ElementHidingRules:
    text = resources.files(__package__).joinpath("data/easylist-generic.txt").read_text("utf-8")
    return ElementHidingRules.parse(text.splitlines())


@dataclass(frozen=True, kw_only=True)
class MarkupRules:
    #: Off by default: on the benchmarks it changes nothing trafilatura does not
    #: already remove, and it costs about 3 ms a page (benchmarks/extraction.py).
    easylist: bool = False
    adnet: bool = True
    hidden: bool = True


_ADNET_TAGS = etree.XPath("//ins | //iframe[@src] | //script[@src]")
_ADNET_ATTRS = etree.XPath("//*[" + " or ".join(f"@{a}" for a in AD_ATTRS) + "]")
_AD_ATTR_STEMS = ("data-ad", "data-google-query-id", "data-dfp", "data-gpt")
_HIDDEN = etree.XPath("//*[@hidden or @aria-hidden='true' or @style]")


def _adnet(tree: HtmlElement, source: str | None = None) -> list[HtmlElement]:
    found = [el for el in _ADNET_TAGS(tree) if el.tag == "ins" or AD_HOSTS.search(el.get("src"))]
    # the attribute test is the costly part: only run it when the source has such attributes
    if source is None or any(a in source for a in _AD_ATTR_STEMS):
        found += _ADNET_ATTRS(tree)
    return found


def _hidden(tree: HtmlElement, source: str | None = None) -> list[HtmlElement]:
    found = []
    for el in _HIDDEN(tree):
        attrib = el.attrib
        if ("hidden" in attrib or attrib.get("aria-hidden") == "true"
                or HIDDEN_STYLE.search(attrib.get("style") or "")):
            found.append(el)
    return found


def _pairs(text: str) -> Counter:
    return Counter(pairwise(norm_words(text)))


class _PageText:
    """The word pairs of the page's text, read once and only when a long hidden
    element asks; a copy removed is taken out of them, so of two hidden copies
    one stays."""

    def __init__(self, tree: HtmlElement) -> None:
        self.tree = tree
        self._pairs: Counter | None = None

    def remove_copy(self, text: str) -> bool:
        """Whether ``text``, an element's still in the page, is a copy, taken out
        of the page's pairs when it is."""
        if self._pairs is None:
            self._pairs = _pairs(" ".join(shown_text(self.tree)))
        mine = _pairs(text)
        size = sum(mine.values())
        pairs = self._pairs
        elsewhere = sum(min(n, pairs[p] - n) for p, n in mine.items())
        if not size or elsewhere < HIDDEN_COPY_SHARE * size:
            return False
        pairs.subtract(mine)
        return True


def _in_page(el: HtmlElement, tree: HtmlElement) -> bool:
    """Whether ``el`` is still in ``tree`` (not gone with a removed ancestor)."""
    root = el
    while (parent := root.getparent()) is not None:
        root = parent
    return root is tree


def clean_markup(tree: HtmlElement, url: str | None, rules: MarkupRules,
                 source: str | None = None) -> dict[str, int]:
    """Remove matching elements from ``tree`` in place; return counts per rule set.
    ``source``, the page's HTML text, lets costly queries be skipped when the
    page cannot match them."""
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:  # an unparsable URL (bad brackets, NFKC-invalid host): no host rules
        host = ""
    found: list[tuple[str, list[HtmlElement]]] = []
    if rules.adnet:
        found.append(("adnet", _adnet(tree, source)))
    if rules.hidden:
        found.append(("hidden", _hidden(tree, source)))
    if rules.easylist:
        found.append(("easylist", easylist().find(tree, host)))
    counts = {"easylist": 0, "adnet": 0, "hidden": 0}
    page = _PageText(tree)
    for kind, elements in found:
        for el in elements:
            if el.tag in _SKIP_TAGS or not _in_page(el, tree):
                continue  # already gone with an ancestor
            text = el.text_content()
            if len(text) > MAX_REMOVED_CHARS and not (
                    kind == "hidden" and page.remove_copy(text)):
                continue  # too much text to be an ad, and no hidden copy
            el.drop_tree()
            counts[kind] += 1
    return counts
