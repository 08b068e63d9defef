"""Extraction of a set of pages at once, with site-template learning: what a
crawl does over its course, for callers that have all pages at hand (replay,
benchmarks, tests)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crawler.extraction.core import Extraction, ExtractionOptions, body_text, extract
from crawler.extraction.template import SiteTemplates
from crawler.urls import site_of


def strip_template(templates: SiteTemplates, site: str, doc: Extraction | Any,
                   min_chars: int) -> int | None:
    """Remove ``site``'s template blocks from ``doc`` (an extraction or an
    article record: anything with ``blocks``, ``title`` and ``text``) in place.
    Returns how many blocks went, or None when too little text is left."""
    removed = templates.apply(site, doc.blocks)
    if removed:
        doc.text = body_text(doc.blocks, doc.title)
        if not doc.text or len(doc.text) < min_chars:
            return None
    return removed


def finish_with_template(extractions: list[tuple[str, Extraction]], templates: SiteTemplates,
                         min_chars: int) -> None:
    """Remove each site's template blocks from the articles, in place. Articles
    left with too little text get the reason ``template_too_short``."""
    for url, ext in extractions:
        if not ext.is_article:
            continue
        removed = strip_template(templates, site_of(url), ext, min_chars)
        if removed is None:
            ext.text, ext.reason = None, "template_too_short"
        elif removed:
            ext.removed["template"] = removed


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
