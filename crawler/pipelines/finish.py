"""The crawl's article finishing (:class:`crawler.finishing.ArticleFinisher`)
for the JSON lines writer: which URL of an article is written, the site
template, the version against the job state; this module only builds it from
the settings and reports what it decided.

The site statistics are saved as ``<job>/site-templates.json`` when the crawl
ends and loaded again by later runs of the same job (and by replay); a
distributed crawl keeps them, and the article keys, in Redis for all workers.

Signals: :data:`article_finished` for every decision (the run statistics count
articles there), :data:`article_held` (``url``) when an article is held back,
:data:`article_released` (``url``) when a held article is finished (written or
dropped): a distributed worker keeps the request of a held article until then,
so a worker killed meanwhile loses nothing.

Stats: ``template/held`` (articles waiting), ``dedup/dropped``,
``extract/removed/template``, ``extract/dropped/template_too_short`` and
``extract/dropped/<version reason>`` (``unchanged_text``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.extensions.jobstate import job_state
from crawler.extraction.template import SiteTemplates
from crawler.finishing import DUPLICATE, ArticleFinisher, Claims, LocalClaims, Outcome
from crawler.frontier.fingerprint import cleaner_from_settings
from crawler.jobfolder import TEMPLATES_FILE
from crawler.jobs import job_dir
from crawler.options import template_options
from crawler.schema import Article
from crawler.writefailure import report_write_error, write_failed

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.crawler import Crawler

    from crawler.distributed.keys import JobKeys

logger = logging.getLogger(__name__)
#: Sent with ``url`` when an article is held back (its template or its
#: canonical page not known yet).
article_held = object()
#: Sent with ``url`` when a held article leaves the hold (written or dropped).
article_released = object()
#: Sent with ``article`` and ``dropped`` (None, or why it is not written) once the
#: finisher has decided on an article: what the run's statistics count.
article_finished = object()


def _redis(crawler: Crawler) -> tuple[Redis, JobKeys]:
    """The server and the keys of a distributed crawl."""
    from scrapy_redis.connection import get_redis_from_settings

    from crawler.distributed.keys import JobKeys

    return get_redis_from_settings(crawler.settings), JobKeys(crawler.settings.get("CRAWLER_JOB"))


class Finishing:
    """Builds the crawl's :class:`ArticleFinisher`; :meth:`add` and
    :meth:`flush` give the articles to write, after counting what was dropped."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.path: Path = job_dir(settings) / TEMPLATES_FILE
        distributed = settings.getbool("CRAWLER_REDIS_ENABLED")
        redis = _redis(crawler) if distributed else None  # one connection for both
        self.templates: SiteTemplates | None = None
        #: The statistics are saved to the job folder (in Redis they stay there).
        self.saves_templates = False
        if settings.getbool("CRAWLER_TEMPLATE_ENABLED"):
            if distributed:
                from crawler.distributed.shared import RedisSiteTemplates

                assert redis is not None
                self.templates = RedisSiteTemplates(*redis, template_options(settings))
            else:
                self.templates = SiteTemplates.load(self.path, template_options(settings))
                self.saves_templates = True
        self.local_claims: LocalClaims | None = None
        claims: Claims
        if redis is not None:
            from crawler.distributed.shared import RedisClaims

            claims = RedisClaims(*redis)
        else:
            claims = self.local_claims = LocalClaims(settings.getint("CRAWLER_SEEN_CACHE_KIB") // 4)
        state = job_state(crawler)
        self.state = state
        self.dropped_now: str | None = None
        self.finisher = ArticleFinisher(
            cleaner=cleaner_from_settings(settings),
            min_chars=settings.getint("CRAWLER_ARTICLE_MIN_CHARS"), templates=self.templates,
            claims=claims, elsewhere=state.written_elsewhere if state is not None else None,
            version=state.version if state is not None else None)

    def add(self, article: Article) -> Iterator[Article]:
        """Articles to write now (``article`` among them unless it is held or dropped)."""
        outcomes = self.finisher.add(article)
        own = next((o for o in outcomes if o.article is article), None)
        #: Why ``article`` itself was dropped at once (``duplicate``, ...), if it was.
        self.dropped_now = own.dropped if own is not None else None
        if own is None:
            self.crawler.signals.send_catch_log(article_held, url=article.url)
        self.stats.set_value("template/held", self.finisher.held)
        yield from self._report(outcomes)

    def flush(self) -> Iterator[Article]:
        """At the end of the crawl: every held article; saves the site statistics."""
        yield from self._report(self.finisher.flush())
        self.stats.set_value("template/held", 0)
        if self.local_claims is not None:
            self.local_claims.close()
        if self.templates is None or not self.saves_templates:
            return
        if write_failed(self.crawler):
            logger.info("Site templates not saved after the write error")
            return
        try:
            self.templates.save(self.path)
        except OSError as exc:
            report_write_error(self.crawler, self.path, exc)

    def _report(self, outcomes: list[Outcome]) -> Iterator[Article]:
        for outcome in outcomes:
            self.crawler.signals.send_catch_log(article_finished, article=outcome.article,
                                                dropped=outcome.dropped)
            if outcome.removed:
                self.stats.inc_value("extract/removed/template", outcome.removed)
            if outcome.dropped == DUPLICATE:
                self.stats.inc_value("dedup/dropped")
                if self.state is not None:
                    self.state.duplicate(outcome.article)
            elif outcome.dropped is not None:
                self.stats.inc_value(f"extract/dropped/{outcome.dropped}")
            else:
                yield outcome.article  # written by the caller before we go on
            if outcome.held:
                self.crawler.signals.send_catch_log(article_released, url=outcome.article.url)
