"""Site template learning: blocks that recur across many pages of one site are
its template (ad labels, promos, sign-up boxes, footers, "Read more" headers),
whatever their wording or markup, and are removed from every article of it.

Statistics are counted per site (host) over distinct normalised blocks, once
per page: on how many pages each block was seen, and the site's page number
when it was first seen. A block's *exposure* is the number of the site's pages
since then (its first included); its *share* is its count over its exposure, so
a promo a known site adds today is measured against today's pages, not diluted
by the thousands seen before it existed.

A block is **template** when the site has at least ``min_pages`` pages and the
block is on at least ``min_count`` pages and on at least ``min_share`` of its
exposure. A sentence quoted in two articles is on two pages and survives
(``min_count`` is 3). A block is **text** once its exposure is ``hold_pages``
or more and it has not recurred or its share is under half of ``min_share`` (an
article paragraph, seen once, is text after ``hold_pages`` pages of its site).
Anything else is **undecided**: seen too recently, or recurring without (yet)
being template (for at most ``LONG_HOLD`` times ``hold_pages`` pages).

Only block hashes are kept, and every ``prune_every`` pages of a site the
blocks whose count is under ``prune_share`` of their exposure are forgotten (a
frequent-items count: article paragraphs are each on one page and would
otherwise pile up with every page). So the state stays small however large the
site; it is saved as JSON with a crawl and loaded by later runs and replay.

:class:`Holdback` holds an article while one of its blocks is undecided, so
neither the first pages of a site nor the first pages after a site changes its
template are finished before the template is known; statistics from earlier
runs decide known blocks at once but never let a new block through. What is
still held at the end (of a crawl, a replay) is decided on everything seen.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from crawler.extraction.blocks import Block

_DIGITS = re.compile(r"\d+")


class HasBlocks(Protocol):
    @property
    def blocks(self) -> list[Block]: ...


T = TypeVar("T", bound=HasBlocks)


def block_hash(block: Block) -> str:
    """The block's identity across pages (digits are one digit), computed once
    per block: in the extraction process, which ships it with the block."""
    cached = block.__dict__.get("_template_hash")
    if cached is None:
        key = _DIGITS.sub("0", block.key)
        cached = block.__dict__["_template_hash"] = hashlib.blake2b(
            key.encode("utf-8"), digest_size=8).hexdigest()
    return cached


@dataclass
class SiteStats:
    pages: int = 0
    #: Block hash -> on how many pages it was seen.
    blocks: Counter[str] = field(default_factory=Counter)
    #: Block hash -> the site's page number (1-based) when it was first seen.
    first: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class TemplateOptions:
    min_pages: int = 5
    min_count: int = 3
    min_share: float = 0.25
    #: Exposure after which a block not recurring is text; 0: never hold.
    hold_pages: int = 10
    #: Articles held at once, all sites together, at most: past it the sites
    #: held longest are decided on what is known (0: no bound).
    max_held: int = 2000
    prune_every: int = 1000
    prune_share: float = 0.01


TEMPLATE, TEXT, UNDECIDED = "template", "text", None
#: A block recurring on a share of pages just under ``min_share`` is text after
#: this many times ``hold_pages`` pages: nothing is held for ever.
LONG_HOLD = 10
FORMAT_VERSION = 2


class SiteTemplates:
    """Per-site block statistics in memory (see the module docstring);
    :class:`crawler.distributed.shared.RedisSiteTemplates` keeps the same in
    Redis, overriding :meth:`observe`, :meth:`pages` and :meth:`block_states`."""

    def __init__(self, options: TemplateOptions | None = None) -> None:
        self.options = options or TemplateOptions()
        self.sites: dict[str, SiteStats] = {}

    def observe(self, site: str, blocks: Iterable[Block]) -> None:
        stats = self.sites.setdefault(site, SiteStats())
        stats.pages += 1
        hashes = {block_hash(b) for b in blocks}
        stats.blocks.update(hashes)
        for h in hashes:
            stats.first.setdefault(h, stats.pages)
        if self.is_prune_time(stats.pages):
            stats.blocks = Counter({h: n for h, n in stats.blocks.items()
                                    if not self.forgotten(n, stats.first[h], stats.pages)})
            stats.first = {h: stats.first[h] for h in stats.blocks}

    def is_prune_time(self, pages: int) -> bool:
        return pages % self.options.prune_every == 0

    def forgotten(self, count: int, first: int, pages: int) -> bool:
        """Whether a block is forgotten at a prune (the Redis script does the same)."""
        return count < self.options.prune_share * (pages - first + 1)

    def pages(self, site: str) -> int:
        stats = self.sites.get(site)
        return stats.pages if stats else 0

    def block_states(self, site: str, hashes: list[str]) -> list[tuple[int, int]]:
        """``(count, first)`` of each block hash of ``site``; ``(0, 0)`` when unknown."""
        stats = self.sites.get(site)
        if stats is None:
            return [(0, 0)] * len(hashes)
        return [(stats.blocks.get(h, 0), stats.first.get(h, 0)) for h in hashes]

    def verdict(self, count: int, first: int, pages: int) -> str | None:
        """:data:`TEMPLATE`, :data:`TEXT` or :data:`UNDECIDED` (None)."""
        opts = self.options
        if count == 0:  # never seen, or forgotten as rare
            return TEXT
        exposure = max(1, pages - first + 1)
        if pages >= opts.min_pages and count >= opts.min_count \
                and count >= opts.min_share * exposure:
            return TEMPLATE
        if exposure >= opts.hold_pages and (count == 1 or count < opts.min_share * exposure / 2
                                            or exposure >= LONG_HOLD * opts.hold_pages):
            return TEXT
        return UNDECIDED

    def verdicts(self, site: str, blocks: list[Block]) -> list[str | None]:
        states = self.block_states(site, [block_hash(b) for b in blocks])
        pages = self.pages(site)
        return [self.verdict(count, first, pages) for count, first in states]

    def settled(self, site: str, pages: list[list[Block]]) -> list[bool]:
        """For each page's blocks: is every block still in its text decided?"""
        candidates = [[b for b in blocks if b.removed_by is None] for blocks in pages]
        flat = self.verdicts(site, [b for c in candidates for b in c])
        out, i = [], 0
        for c in candidates:
            out.append(all(v is not UNDECIDED for v in flat[i:i + len(c)]))
            i += len(c)
        return out

    def is_template(self, site: str, block: Block) -> bool:
        return self.verdicts(site, [block])[0] == TEMPLATE

    def apply(self, site: str, blocks: list[Block]) -> int:
        """Mark template blocks as removed; return how many."""
        candidates = [b for b in blocks if b.removed_by is None]
        removed = 0
        for block, verdict in zip(candidates, self.verdicts(site, candidates), strict=True):
            if verdict == TEMPLATE:
                block.removed_by = "template"
                removed += 1
        return removed

    # -- persistence ----------------------------------------------------------
    def to_json(self) -> dict:
        return {"version": FORMAT_VERSION, "sites": {
            site: {"pages": s.pages, "blocks": {h: [n, s.first.get(h, 1)]
                                                for h, n in s.blocks.items()}}
            for site, s in self.sites.items()}}

    @classmethod
    def from_json(cls, data: dict, options: TemplateOptions | None = None) -> SiteTemplates:
        """Version 1 files (counts only) are read as if every block had been
        seen from the site's first page."""
        templates = cls(options)
        for site, s in data.get("sites", {}).items():
            stats = SiteStats(int(s["pages"]))
            for h, value in s["blocks"].items():
                count, first = value if isinstance(value, list) else (value, 1)
                stats.blocks[h], stats.first[h] = int(count), int(first)
            templates.sites[site] = stats
        return templates

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(self.to_json(), separators=(",", ":")), "utf-8")
        except OSError:  # disk full: no half file left behind
            tmp.unlink(missing_ok=True)
            raise
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, options: TemplateOptions | None = None) -> SiteTemplates:
        if not path.exists():
            return cls(options)
        return cls.from_json(json.loads(path.read_text("utf-8")), options)


class Holdback(Generic[T]):
    """Holds a site's items (anything with ``blocks``) while one of their blocks
    is undecided; with ``hold_pages`` 0, nothing is held. At most
    ``max_held`` items are held at once: a crawl or replay of many small sites
    (CC-NEWS holds thousands, most with a few pages) would otherwise hold every
    small site's items to the end, and memory would grow with the run. Past the
    bound, the sites whose holding began first are released, decided on what is
    known then (as at the end)."""

    def __init__(self, templates: SiteTemplates) -> None:
        self.templates = templates
        self.held = {}

    @property
    def held(self) -> dict[str, list[T]]:
        """Held items by site, the site held longest first."""
        return self._held

    @held.setter
    def held(self, value: dict[str, list[T]]) -> None:
        self._held = value
        self._count = sum(len(v) for v in value.values())

    def add(self, site: str, item: T) -> list[T]:
        """Items ready to finish now: of ``site``'s held ones and this one, those
        whose blocks are all decided, in the order they came; then, past
        ``max_held``, those of the sites held longest."""
        opts = self.templates.options
        if opts.hold_pages <= 0:
            return [item]
        held = self._held.setdefault(site, [])
        held.append(item)
        settled = self.templates.settled(site, [item.blocks for item in held])
        ready = [it for it, ok in zip(held, settled, strict=True) if ok]
        left = [it for it, ok in zip(held, settled, strict=True) if not ok]
        if left:
            self._held[site] = left
        else:
            del self._held[site]  # back at the end when it holds again
        self._count += len(left) - (len(held) - 1)
        while opts.max_held > 0 and self._count > opts.max_held:
            oldest = next(iter(self._held))
            released = self._held.pop(oldest)
            self._count -= len(released)
            ready += released
        return ready

    @property
    def count(self) -> int:
        return self._count

    def flush(self) -> Iterator[T]:
        for site in list(self._held):
            items = self._held.pop(site)
            self._count -= len(items)
            yield from items
