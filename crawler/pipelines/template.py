"""Site-template finishing for the article writer: learns each site's template
from the articles crawled, holds a site's first articles until its template is
known, then removes template blocks from every article before it is written.

The learnt statistics are saved as ``<job>/site-templates.json`` when the
crawl ends and loaded again by later runs of the same job (and by replay).
Stats: ``template/held`` (articles waiting), ``extract/removed/template``,
``extract/dropped/template_too_short``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from crawler.articles import apply_template
from crawler.extraction.template import Holdback, SiteTemplates, TemplateOptions
from crawler.jobs import job_dir
from crawler.schema import Article
from crawler.urls import site_of
from crawler.writefailure import report_write_error, write_failed

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
TEMPLATES_FILE = "site-templates.json"


def template_options(settings) -> TemplateOptions:  # noqa: ANN001 - scrapy Settings
    return TemplateOptions(
        min_pages=settings.getint("CRAWLER_TEMPLATE_MIN_PAGES"),
        min_count=settings.getint("CRAWLER_TEMPLATE_MIN_COUNT"),
        min_share=settings.getfloat("CRAWLER_TEMPLATE_MIN_SHARE"),
        hold_pages=settings.getint("CRAWLER_TEMPLATE_HOLD_PAGES"),
    )


def shared_templates(crawler: Crawler) -> SiteTemplates | None:
    """A distributed crawl learns its site templates in Redis, across workers."""
    if not crawler.settings.getbool("CRAWLER_REDIS_ENABLED"):
        return None
    from scrapy_redis.connection import get_redis_from_settings

    from crawler.distributed.config import keys
    from crawler.distributed.shared import RedisSiteTemplates

    prefix = keys(crawler.settings.get("CRAWLER_JOB"))["stats"].rsplit(":", 1)[0]
    return RedisSiteTemplates(get_redis_from_settings(crawler.settings), prefix,
                              template_options(crawler.settings))


class TemplateFinisher:
    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.path = path
        self.min_chars = crawler.settings.getint("CRAWLER_ARTICLE_MIN_CHARS")
        self.templates = shared_templates(crawler) or SiteTemplates.load(
            path, template_options(crawler.settings))
        self.holdback: Holdback[Article] = Holdback(self.templates)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TemplateFinisher:
        if not crawler.settings.getbool("CRAWLER_TEMPLATE_ENABLED"):
            raise NotConfigured("CRAWLER_TEMPLATE_ENABLED is off")
        return cls(crawler, job_dir(crawler.settings) / TEMPLATES_FILE)

    def add(self, article: Article) -> Iterator[Article]:
        """Articles ready to be written now, finished."""
        site = site_of(article.url)
        self.templates.observe(site, article.blocks)
        yield from self._finish(self.holdback.add(site, article))
        self.stats.set_value("template/held", self.holdback.count)

    def flush(self) -> Iterator[Article]:
        """At the end of the crawl: every held article, finished; saves the template."""
        yield from self._finish(list(self.holdback.flush()))
        self.stats.set_value("template/held", 0)
        if write_failed(self.crawler):
            logger.info("Site templates not saved after the write error")
            return
        try:
            self.templates.save(self.path)
        except OSError as exc:
            report_write_error(self.crawler, self.path, exc)

    def _finish(self, articles: list[Article]) -> Iterator[Article]:
        for article in articles:
            removed = apply_template(self.templates, article, self.min_chars)
            if removed is None:
                self.stats.inc_value("extract/dropped/template_too_short")
                continue
            if removed:
                self.stats.inc_value("extract/removed/template", removed)
            yield article
