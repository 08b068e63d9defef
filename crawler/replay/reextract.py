"""Re-extraction of articles from archives, offline: the same page-type rule,
extraction and finishing (:class:`crawler.finishing.ArticleFinisher`: which URL
of an article wins, the site template with its hold) as a live crawl, so a
crawl's WARCs replay to the crawl's own articles."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crawler.articles import page_to_article
from crawler.extraction import ExtractionOptions
from crawler.extraction.template import SiteTemplates, TemplateOptions
from crawler.finishing import ArticleFinisher, LocalClaims, Outcome
from crawler.frontier.urls import UrlCleaner
from crawler.schema import Article
from crawler.warc.reader import Archive, Originals, iter_pages


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
    """Articles of ``archives``, in capture order (held ones when released)."""
    opts = options or ReplayOptions()
    stats = stats or ReplayStats()
    templates = SiteTemplates(opts.template) if opts.template is not None else None
    claims = LocalClaims()
    finisher = ArticleFinisher(cleaner=opts.cleaner, min_chars=opts.extraction.min_chars,
                               templates=templates, claims=claims)
    originals = Originals()  # across the files: a revisit may come before its original

    def report(outcomes: list[Outcome]) -> Iterator[Article]:
        for outcome in outcomes:
            if outcome.removed:
                stats.inc("removed/template", outcome.removed)
            if outcome.dropped is not None:
                stats.inc(f"dropped/{outcome.dropped}")
                continue
            stats.inc("articles")
            yield outcome.article

    try:
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
                yield from report(finisher.add(article))
        originals.close()
        yield from report(finisher.flush())
    finally:
        claims.close()
    if progress is not None:
        progress(stats)
