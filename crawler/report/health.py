"""Extraction health: per site and per run, the share of article candidates
whose extraction came out empty or too short, and of articles without a
published date or an author, compared with the job's earlier runs. A jump
means a layout change broke extraction. Pages that were a wall (a block or
challenge page, a consent wall, a paywall teaser: ``WALL_REASONS``) are warned
about in every run that met one, history or not: a site that starts blocking
the crawler otherwise looks like "0 articles, no error".

Pages that were already empty or short in an earlier run (a calendar, a tag
page: fetched again every run, since they are not articles) are counted apart
and left out of the shares; otherwise the share of a later run, where most
known articles answer "not modified", would be made of them and look like a
jump.

Pure. The counts are made during a crawl by ``extensions/runstats.py`` and
kept per run in the job state (``state/store.py``, table ``run_stats``); the
report (``crawler/report``) reads them back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from crawler.extraction.metadata.walls import FLAGS

#: Drop reasons that count as "empty or short" (docs/schema.md).
SHORT_REASONS = frozenset(("empty", "too_short", "too_short_untyped"))
#: Drop reasons of pages whose text is a wall, not the article (the flags of
#: :mod:`crawler.extraction.metadata.walls`), each with how a warning names it.
_WALL_LABELS = {"blocked": "block or challenge pages", "consent_wall": "consent walls",
                "paywall": "paywall teasers"}
WALL_REASONS: dict[str, str] = {flag: _WALL_LABELS[flag] for flag in FLAGS}


@dataclass
class SiteCounts:
    """What one run did on one site."""

    #: Responses received (redirect hops, errors and not-modified included).
    fetched: int = 0
    #: Article candidates extracted: ``articles`` + ``empty_or_short``.
    extracted: int = 0
    #: Pages extracted as articles (a new version written or not).
    articles: int = 0
    #: Pages whose extraction was empty or too short (``SHORT_REASONS``) and
    #: that were not so in an earlier run.
    empty_or_short: int = 0
    #: Pages empty or short in an earlier run too (calendars, tag pages: the
    #: same every run); outside the health shares.
    short_again: int = 0
    #: Articles without a published date ...
    missing_published: int = 0
    #: ... and without a modified date.
    missing_modified: int = 0
    #: Articles without an author.
    missing_author: int = 0
    #: Pages not written because their text was a wall (``WALL_REASONS``).
    blocked: int = 0
    consent_wall: int = 0
    paywall: int = 0
    #: Blocks the block rules (labels, link lists, repeats) removed from articles.
    junk_blocks: int = 0

    @property
    def walls(self) -> int:
        """Pages not written because their text was a wall, whatever the wall."""
        return sum(getattr(self, reason) for reason in WALL_REASONS)

    def add(self, other: SiteCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SiteCounts:
        names = {f.name for f in fields(cls)}
        data = {_RENAMED.get(k, k): v for k, v in data.items()}
        return cls(**{k: int(v) for k, v in data.items() if k in names})


#: Counts kept by runs of earlier versions under another name.
_RENAMED = {"missing_date": "missing_published"}


#: metric -> (numerator, denominator, label)
METRICS: dict[str, tuple[str, str, str]] = {
    "empty_or_short": ("empty_or_short", "extracted", "empty or short texts"),
    "missing_published": ("missing_published", "articles", "articles without a published date"),
    "missing_author": ("missing_author", "articles", "articles without an author"),
}


def share(counts: SiteCounts, metric: str) -> float | None:
    """The metric's share (0..1), None when nothing was counted."""
    num, den, _ = METRICS[metric]
    total = getattr(counts, den)
    return getattr(counts, num) / total if total else None


@dataclass(frozen=True)
class HealthOptions:
    #: Warn when a share rises by at least this much (0.20 = 20 points) ...
    jump: float = 0.20
    #: ... over at least this many pages in the run, and as many in the baseline.
    min_pages: int = 10
    #: The baseline pools this many earlier runs (the most recent ones).
    history: int = 5


@dataclass(frozen=True)
class HealthWarning:
    site: str
    metric: str
    share: float
    baseline: float
    #: The run's denominator (candidates, or articles).
    pages: int

    @property
    def message(self) -> str:
        if self.metric in WALL_REASONS:
            return (f"{self.site}: {self.pages} {WALL_REASONS[self.metric]} "
                    f"({self.share:.0%} of its article candidates, earlier runs "
                    f"{self.baseline:.0%}), not written as articles")
        label = METRICS[self.metric][2]
        return (f"{self.site}: {label} {self.share:.0%} of {self.pages} "
                f"(earlier runs {self.baseline:.0%}): did the layout change?")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HealthWarning:
        return cls(**{f.name: data[f.name] for f in fields(cls)})


def baseline(site: str, earlier: Sequence[Mapping[str, SiteCounts]], history: int) -> SiteCounts:
    """The site's counts pooled over its ``history`` most recent ``earlier`` runs."""
    pooled = SiteCounts()
    for run in [run[site] for run in earlier if site in run][-history:]:
        pooled.add(run)
    return pooled


def check(current: Mapping[str, SiteCounts], earlier: Sequence[Mapping[str, SiteCounts]],
          options: HealthOptions | None = None) -> list[HealthWarning]:
    """Warnings for the sites of ``current`` whose shares jumped against the
    pooled counts of their ``earlier`` runs (oldest first)."""
    opts = options or HealthOptions()
    warnings = []
    for site, counts in sorted(current.items()):
        pooled = baseline(site, earlier, opts.history)
        for metric, (_, den, _) in METRICS.items():
            now, before = share(counts, metric), share(pooled, metric)
            if now is None or before is None:
                continue
            if getattr(counts, den) < opts.min_pages or getattr(pooled, den) < opts.min_pages:
                continue
            if now - before >= opts.jump - 1e-9:
                warnings.append(HealthWarning(site=site, metric=metric, share=now,
                                              baseline=before, pages=getattr(counts, den)))
        for reason in WALL_REASONS:
            if getattr(counts, reason):
                warnings.append(HealthWarning(
                    site=site, metric=reason, share=wall_share(counts, reason),
                    baseline=wall_share(pooled, reason), pages=getattr(counts, reason)))
    return warnings


def wall_share(counts: SiteCounts, reason: str) -> float:
    """Share of the site's article candidates (walls included) that were ``reason``."""
    total = counts.extracted + counts.walls
    return getattr(counts, reason) / total if total else 0.0


def sites_from_json(data: Mapping[str, Any]) -> dict[str, SiteCounts]:
    return {site: SiteCounts.from_dict(c) for site, c in data.items()}


def sites_to_json(sites: Mapping[str, SiteCounts]) -> dict[str, dict[str, int]]:
    return {site: c.to_dict() for site, c in sorted(sites.items())}


def merge_stats(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The stats of a run resumed after an interruption: counts add up, maxima
    stay maxima, the first start time stays, anything else is the latest."""
    merged = dict(old)
    for key, value in new.items():
        before = merged.get(key)
        if key == "start_time" and before is not None:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and isinstance(before, (int, float)) and not isinstance(before, bool):
            merged[key] = max(before, value) if "max" in key else before + value
        else:
            merged[key] = value
    return merged


def merge_sites(old: Mapping[str, SiteCounts], new: Mapping[str, SiteCounts]
                ) -> dict[str, SiteCounts]:
    merged = {site: SiteCounts.from_dict(c.to_dict()) for site, c in old.items()}
    for site, counts in new.items():
        merged.setdefault(site, SiteCounts()).add(counts)
    return merged
