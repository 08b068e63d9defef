"""The page's declared metadata, read once: every JSON-LD object and every
``<meta>`` value. The other metadata readers (and the page-type signals) take
it from here rather than parsing JSON-LD or querying ``<meta>`` themselves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

#: Keys whose values are further objects of the page, not properties of the
#: object holding them: their objects are listed as objects of their own.
_CONTAINERS = ("@graph", "mainEntity")


@dataclass
class Structured:
    #: Every JSON-LD object of the page in document order: top-level objects,
    #: the items of lists and of ``@graph``, and ``mainEntity`` objects, each
    #: after the object that holds it. Nested property values (``author``,
    #: ``publisher``, ``image``) stay inside their object.
    ld: list[dict[str, Any]] = field(default_factory=list)
    #: ``<meta>`` contents by lower-cased ``name``, ``property`` or ``itemprop``,
    #: in document order, stripped, empty ones left out.
    meta: dict[str, list[str]] = field(default_factory=dict)

    def meta_first(self, *keys: str) -> str | None:
        """The first value of the first of ``keys`` (lower case) the page has."""
        for key in keys:
            values = self.meta.get(key)
            if values:
                return values[0]
        return None

    def of_type(self, types: frozenset[str]) -> list[dict[str, Any]]:
        """The JSON-LD objects with one of ``types`` (lower case, no namespace)."""
        return [node for node in self.ld if ld_types(node) & types]

    def by_id(self) -> dict[str, dict[str, Any]]:
        """The objects that an ``@id`` reference may point to, by their ``@id``:
        the page's objects and the objects nested one level in them (an
        article's ``author``, ``publisher``), each with more than its ``@id``;
        the first of each ``@id`` in document order."""
        index: dict[str, dict[str, Any]] = {}
        for node in self.ld:
            for item in [node, *_nested(node)]:
                key = item.get("@id")
                if isinstance(key, str) and len(item) > 1:
                    index.setdefault(key, item)
        return index


def ld_types(node: dict[str, Any]) -> set[str]:
    """A JSON-LD object's ``@type`` values, lower case, without a namespace."""
    value = node.get("@type")
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def _nested(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for value in node.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                yield item


def _flatten(data: object) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        for key in _CONTAINERS:
            if isinstance(data.get(key), (dict, list)):
                yield from _flatten(data[key])


def read_structured(tree: HtmlElement) -> Structured:
    found = Structured()
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = script.text or ""
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            # CMSs leave raw newlines and tabs inside strings; browsers' JSON-LD
            # consumers (Google's) accept them
            try:
                data = json.loads(raw, strict=False)
            except (ValueError, RecursionError):
                continue
        found.ld.extend(_flatten(data))
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        for attr in ("name", "property", "itemprop"):
            key = (meta.get(attr) or "").strip().lower()
            if key:
                found.meta.setdefault(key, []).append(content)
    return found
