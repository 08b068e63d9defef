"""Extraction of a set of pages at once, finished as a crawl finishes them
(site template with its hold): what a crawl does over its course, for callers
that have all pages at hand (benchmarks, tests)."""

from __future__ import annotations

from collections.abc import Iterable

from crawler.extraction.core import Extraction, ExtractionOptions, extract
from crawler.extraction.template import SiteTemplates
from crawler.finishing import TEMPLATE_TOO_SHORT, ArticleFinisher
from crawler.schema import Article


def extract_site(pages: Iterable[tuple[bytes | str, str]],
                 options: ExtractionOptions | None = None,
                 templates: SiteTemplates | None = None) -> list[Extraction]:
    """Extract ``(body, url)`` pages, in order, then finish their articles as a
    crawl does (:class:`crawler.finishing.ArticleFinisher`: the site template,
    learnt into ``templates`` if given, with its hold; no de-duplication: every
    page gives its own result). An article left with too little text gets the
    reason ``template_too_short``."""
    opts = options or ExtractionOptions()
    templates = templates if templates is not None else SiteTemplates()
    pages = list(pages)
    results = [extract(body, url, options=opts) for body, url in pages]
    finisher = ArticleFinisher(min_chars=opts.min_chars, templates=templates)
    records: dict[int, tuple[Article, Extraction]] = {}
    outcomes = []
    for (_, url), ext in zip(pages, results, strict=True):
        if not ext.is_article:
            continue
        record = Article(url=url, title=ext.title, text=ext.text, blocks=ext.blocks)
        records[id(record)] = (record, ext)
        outcomes += finisher.add(record)
    outcomes += finisher.flush()
    for outcome in outcomes:
        _, ext = records[id(outcome.article)]
        if outcome.dropped == TEMPLATE_TOO_SHORT:
            ext.text, ext.reason = None, TEMPLATE_TOO_SHORT
        else:
            ext.text = outcome.article.text
            if outcome.removed:
                ext.removed["template"] = outcome.removed
    return results
