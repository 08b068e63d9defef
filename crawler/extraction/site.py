"""Extraction of a set of pages at once, with site-template learning: what a
crawl does over its course, for callers that have all pages at hand (replay,
benchmarks, tests)."""

from __future__ import annotations

from collections.abc import Iterable

from crawler.extraction.core import Extraction, ExtractionOptions, body_text, extract
from crawler.extraction.template import SiteTemplates
from crawler.urls import site_of


def finish_with_template(extractions: list[tuple[str, Extraction]], templates: SiteTemplates,
                         min_chars: int) -> None:
    """Remove each site's template blocks from the articles, in place. Articles
    left with too little text get the reason ``template_too_short``."""
    for url, ext in extractions:
        if not ext.is_article:
            continue
        removed = templates.apply(site_of(url), ext.blocks)
        if removed:
            ext.removed["template"] = removed
            ext.text = body_text(ext.blocks, ext.title)
            if not ext.text or len(ext.text) < min_chars:
                ext.text, ext.reason = None, "template_too_short"


def extract_site(pages: Iterable[tuple[bytes | str, str]],
                 options: ExtractionOptions | None = None,
                 templates: SiteTemplates | None = None) -> list[Extraction]:
    """Extract ``(body, url)`` pages; learn the sites' templates from all their
    articles (added to ``templates`` if given), then remove them."""
    opts = options or ExtractionOptions()
    templates = templates if templates is not None else SiteTemplates()
    results = [(url, extract(body, url, options=opts)) for body, url in pages]
    for url, ext in results:
        if ext.is_article:
            templates.observe(site_of(url), ext.blocks)
    finish_with_template(results, templates, opts.min_chars)
    return [ext for _, ext in results]
