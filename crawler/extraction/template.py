"""Site template learning: blocks that recur across many pages of one site are
its template (ad labels, promos, sign-up boxes, footers, "Read more" headers),
whatever their wording or markup, and are removed from every article of it.

Statistics are counted per site (host) over distinct normalised blocks, once
per page. A block is template when the site has at least ``min_pages`` pages
and the block is on at least ``min_count`` of them and on at least
``min_share`` of them. A sentence quoted in two articles is on two pages and
survives (``min_count`` is 3). Only block hashes are kept, and every
``prune_every`` pages of a site the blocks on fewer than ``prune_share`` of its
pages are forgotten (a frequent-items count: article paragraphs are each on one
page and would otherwise pile up with every page; a block forgotten and seen
again later is undercounted by less than ``prune_share`` of the pages, far below
the ``min_share`` that makes a template). So the state stays small however
large the site; it is saved as JSON with a crawl and loaded by later runs and
replay.

:class:`Holdback` holds a site's articles until the site has ``hold_pages``
pages, so the first pages of a site get the template too; the rest is
released at the end of the crawl.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from crawler.extraction.blocks import Block

_DIGITS = re.compile(r"\d+")
T = TypeVar("T")


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
    blocks: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True, kw_only=True)
class TemplateOptions:
    min_pages: int = 5
    min_count: int = 3
    min_share: float = 0.25
    hold_pages: int = 10
    prune_every: int = 1000
    prune_share: float = 0.01


class SiteTemplates:
    def __init__(self, options: TemplateOptions | None = None) -> None:
        self.options = options or TemplateOptions()
        self.sites: dict[str, SiteStats] = {}

    def observe(self, site: str, blocks: Iterable[Block]) -> None:
        stats = self.sites.setdefault(site, SiteStats())
        stats.pages += 1
        stats.blocks.update({block_hash(b) for b in blocks})
        floor = self.prune_floor(stats.pages)
        if floor is not None:
            stats.blocks = Counter({h: n for h, n in stats.blocks.items() if n >= floor})

    def prune_floor(self, pages: int) -> float | None:
        """When a site has just reached ``pages``: the count below which its
        blocks are forgotten, or None when it is not time to prune."""
        if pages % self.options.prune_every:
            return None
        floor = self.options.prune_share * pages
        return floor if floor > 1 else None

    def pages(self, site: str) -> int:
        stats = self.sites.get(site)
        return stats.pages if stats else 0

    def block_counts(self, site: str, hashes: list[str]) -> list[int]:
        """On how many pages of ``site`` each block hash was seen."""
        stats = self.sites.get(site)
        return [stats.blocks.get(h, 0) if stats else 0 for h in hashes]

    def _is_template(self, count: int, pages: int) -> bool:
        opts = self.options
        return (pages >= opts.min_pages and count >= opts.min_count
                and count >= opts.min_share * pages)

    def is_template(self, site: str, block: Block) -> bool:
        return self._is_template(self.block_counts(site, [block_hash(block)])[0], self.pages(site))

    def apply(self, site: str, blocks: list[Block]) -> int:
        """Mark template blocks as removed; return how many."""
        pages = self.pages(site)
        if pages < self.options.min_pages:
            return 0
        candidates = [b for b in blocks if b.removed_by is None]
        counts = self.block_counts(site, [block_hash(b) for b in candidates])
        removed = 0
        for block, count in zip(candidates, counts, strict=True):
            if self._is_template(count, pages):
                block.removed_by = "template"
                removed += 1
        return removed

    # -- persistence ----------------------------------------------------------
    def to_json(self) -> dict:
        return {"version": 1, "sites": {
            site: {"pages": s.pages, "blocks": dict(s.blocks)} for site, s in self.sites.items()}}

    @classmethod
    def from_json(cls, data: dict, options: TemplateOptions | None = None) -> SiteTemplates:
        templates = cls(options)
        for site, s in data.get("sites", {}).items():
            templates.sites[site] = SiteStats(int(s["pages"]), Counter(s["blocks"]))
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
    """Holds items per site until the site has enough pages for its template."""

    def __init__(self, templates: SiteTemplates) -> None:
        self.templates = templates
        self.held: dict[str, list[T]] = {}

    def add(self, site: str, item: T) -> list[T]:
        """Items ready to finish now (this one, or the site's held ones)."""
        held = self.held.setdefault(site, [])
        held.append(item)
        if self.templates.pages(site) < self.templates.options.hold_pages:
            return []
        ready = held[:]
        held.clear()
        return ready

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.held.values())

    def flush(self) -> Iterator[T]:
        for site in list(self.held):
            yield from self.held.pop(site)
