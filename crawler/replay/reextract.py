"""Re-extraction of articles from archives, offline: the same page-type rule,
extraction, de-duplication and site-template learning (with the same holdback)
as a live crawl, so a crawl's WARCs replay to the crawl's own articles."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crawler.articles import apply_template, article_keys, page_to_article
from crawler.extraction import ExtractionOptions
from crawler.extraction.template import Holdback, SiteTemplates, TemplateOptions
from crawler.replay.archives import Archive, _Original, iter_pages
from crawler.schema import Article
from crawler.urls import UrlCleaner, site_of


@dataclass
class ReplayOptions:
    extraction: ExtractionOptions = field(default_factory=ExtractionOptions)
    template: TemplateOptions | None = field(default_factory=TemplateOptions)
    cleaner: UrlCleaner = field(default_factory=UrlCleaner)
    #: ``warc.filename`` in the records is made relative to this folder.
    relative_to: Path | None = None


@dataclass
class ReplayStats:
    counts: Counter[str] = field(default_factory=Counter)

    def inc(self, key: str, n: int = 1) -> None:
        self.counts[key] += n


def _display_name(archive: Archive, relative_to: Path | None) -> str:
    path = archive.path
    if relative_to is not None:
        path = Path(os.path.relpath(path.resolve(), relative_to.resolve()))
    return f"{path}#{archive.member}" if archive.member else str(path)


def replay(archives: list[Archive], options: ReplayOptions | None = None,
           stats: ReplayStats | None = None,
           progress: Callable[[ReplayStats], None] | None = None) -> Iterator[Article]:
    """Articles of ``archives``, in capture order (held ones at the end)."""
    opts = options or ReplayOptions()
    stats = stats or ReplayStats()
    templates = SiteTemplates(opts.template) if opts.template is not None else None
    holdback: Holdback[Article] | None = Holdback(templates) if templates else None
    seen: set[str] = set()
    originals: dict[str, _Original] = {}

    def finish(ready: list[Article]) -> Iterator[Article]:
        for article in ready:
            if templates is not None:
                removed = apply_template(templates, article, opts.extraction.min_chars)
                if removed is None:
                    stats.inc("dropped/template_too_short")
                    continue
                stats.inc("removed/template", removed)
            stats.inc("articles")
            yield article

    for archive in archives:
        name = _display_name(archive, opts.relative_to)
        for page in iter_pages(archive, name, originals):
            stats.inc("pages")
            if progress is not None and stats.counts["pages"] % 200 == 0:
                progress(stats)
            if 300 <= page.status < 400:
                continue  # a redirect hop: its target is captured too
            article = page_to_article(page, opts.extraction).article
            if article.reason is not None:
                stats.inc(f"dropped/{article.reason}")
                continue
            keys = article_keys(article, opts.cleaner)
            if keys & seen:
                stats.inc("dropped/duplicate")
                continue
            seen |= keys
            if templates is None or holdback is None:
                yield from finish([article])
                continue
            site = site_of(article.url)
            templates.observe(site, article.blocks)
            yield from finish(holdback.add(site, article))
    if holdback is not None:
        yield from finish(list(holdback.flush()))
    if progress is not None:
        progress(stats)
