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
mis-named wrapper cannot take the body with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from lxml.html import HtmlElement

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
_ATTR = re.compile(r'^(?P<tag>[a-z0-9]+)?\[(?P<attr>id|class|href)(?P<op>[\^*]?)="(?P<value>[^"]+)"\]$')
_SKIP_TAGS = frozenset({"html", "body", "head", "main", "article"})


@dataclass(frozen=True)
class ElementHidingRules:
    ids: frozenset[str]
    classes: frozenset[str]
    id_prefix: re.Pattern[str] | None
    class_prefix: re.Pattern[str] | None
    id_substring: re.Pattern[str] | None
    class_substring: re.Pattern[str] | None
    href: re.Pattern[str] | None
    exceptions: dict[str, frozenset[str]]

    @classmethod
    def parse(cls, lines: list[str]) -> ElementHidingRules:
        ids: set[str] = set()
        classes: set[str] = set()
        pats: dict[tuple[str, str], list[str]] = {}
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
                pats.setdefault((m["attr"], m["op"]), []).append(re.escape(m["value"]))

        def union(attr: str, op: str, anchor: bool) -> re.Pattern[str] | None:
            values = pats.get((attr, op))
            if not values:
                return None
            return re.compile(("^(?:" if anchor else "(?:") + "|".join(sorted(values)) + ")")

        href = [p for key in (("href", "^"), ("href", "*")) for p in pats.get(key, [])]
        return cls(
            ids=frozenset(ids), classes=frozenset(classes),
            id_prefix=union("id", "^", True), class_prefix=union("class", "^", True),
            id_substring=union("id", "*", False), class_substring=union("class", "*", False),
            href=re.compile("|".join(href)) if href else None,
            exceptions={k: frozenset(v) for k, v in exceptions.items()},
        )

    def excepted(self, selector: str, host: str) -> bool:
        domains = self.exceptions.get(selector)
        return bool(domains) and any(host == d or host.endswith("." + d) for d in domains)

    def matches(self, el: HtmlElement, host: str) -> bool:
        el_id = el.get("id")
        if el_id:
            if el_id in self.ids and not self.excepted("#" + el_id, host):
                return True
            if (self.id_prefix and self.id_prefix.match(el_id)) or (
                    self.id_substring and self.id_substring.search(el_id)):
                return True
        cls_attr = el.get("class")
        if cls_attr:
            for name in cls_attr.split():
                if name in self.classes and not self.excepted("." + name, host):
                    return True
            if (self.class_prefix and self.class_prefix.match(cls_attr)) or (
                    self.class_substring and self.class_substring.search(cls_attr)):
                return True
        if self.href is not None and el.tag == "a":
            href = el.get("href")
            if href and self.href.search(href):
                return True
        return False


@cache
def easylist() -> ElementHidingRules:
    text = resources.files(__package__).joinpath("data/easylist-generic.txt").read_text("utf-8")
    return ElementHidingRules.parse(text.splitlines())


@dataclass(frozen=True, kw_only=True)
class MarkupRules:
    easylist: bool = True
    adnet: bool = True
    hidden: bool = True


def _is_adnet(el: HtmlElement) -> bool:
    tag = el.tag
    if tag in ("iframe", "script", "img"):
        return bool(AD_HOSTS.search(el.get("src") or ""))
    if tag == "ins":
        return True
    attrib = el.attrib
    return any(a in attrib for a in AD_ATTRS)


def _is_hidden(el: HtmlElement) -> bool:
    attrib = el.attrib
    if "hidden" in attrib or attrib.get("aria-hidden") == "true":
        return True
    style = attrib.get("style")
    return bool(style and HIDDEN_STYLE.search(style))


def clean_markup(tree: HtmlElement, url: str | None, rules: MarkupRules) -> dict[str, int]:
    """Remove matching elements from ``tree`` in place; return counts per rule set."""
    host = (urlsplit(url).hostname or "") if url else ""
    hiding = easylist() if rules.easylist else None
    doomed: list[tuple[str, HtmlElement]] = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            continue
        if rules.adnet and _is_adnet(el):
            doomed.append(("adnet", el))
        elif rules.hidden and _is_hidden(el):
            doomed.append(("hidden", el))
        elif hiding is not None and hiding.matches(el, host):
            doomed.append(("easylist", el))
    counts = {"easylist": 0, "adnet": 0, "hidden": 0}
    for kind, el in doomed:
        parent = el.getparent()
        if parent is None or len(el.text_content()) > MAX_REMOVED_CHARS:
            continue
        el.drop_tree()
        counts[kind] += 1
    return counts
