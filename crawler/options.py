"""Settings in, options out: the one place that builds the crawler's option
objects from Scrapy settings, and the settings' names.

Names follow two rules: a switch ends in ``_ENABLED``, a duration in seconds
ends in ``_SECONDS`` (a duration given with its unit, ``CRAWLER_RECHECK_AFTER
= "1d"``, says so in its value). The earlier names (:data:`RENAMED`) still
work: the :class:`RenamedSettings` add-on copies each one given to its new
name, at the priority it was given with, and logs one warning naming both.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

from crawler.extraction.blocks import BlockRules
from crawler.extraction.core import ExtractionOptions
from crawler.extraction.markup import MarkupRules
from crawler.extraction.template import TemplateOptions
from crawler.report.health import HealthOptions

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from crawler.replay.reextract import ReplayOptions

logger = logging.getLogger(__name__)

#: Earlier name -> current name.
RENAMED = {
    "CRAWLER_BLOCKS_LABEL": "CRAWLER_BLOCKS_LABEL_ENABLED",
    "CRAWLER_BLOCKS_LINKLIST": "CRAWLER_BLOCKS_LINKLIST_ENABLED",
    "CRAWLER_BLOCKS_REPEAT": "CRAWLER_BLOCKS_REPEAT_ENABLED",
    "CRAWLER_MARKUP_ADNET": "CRAWLER_MARKUP_ADNET_ENABLED",
    "CRAWLER_MARKUP_EASYLIST": "CRAWLER_MARKUP_EASYLIST_ENABLED",
    "CRAWLER_MARKUP_HIDDEN": "CRAWLER_MARKUP_HIDDEN_ENABLED",
    "CRAWLER_DISK_QUEUE": "CRAWLER_DISK_QUEUE_ENABLED",
    "CRAWLER_FOLLOW_LINKS": "CRAWLER_FOLLOW_LINKS_ENABLED",
    "CRAWLER_GC_FREEZE": "CRAWLER_GC_FREEZE_ENABLED",
    "CRAWLER_REPAIR_ON_START": "CRAWLER_START_REPAIR_ENABLED",
    "CRAWLER_WARC_KEEP_SECRETS": "CRAWLER_WARC_SECRETS_ENABLED",
    "CRAWLER_PROGRESS_INTERVAL": "CRAWLER_PROGRESS_INTERVAL_SECONDS",
    "CRAWLER_PROGRESS_WINDOW": "CRAWLER_PROGRESS_WINDOW_SECONDS",
    "CRAWLER_REDIS_IDLE_CLOSE": "CRAWLER_REDIS_IDLE_CLOSE_SECONDS",
    "CRAWLER_RETRY_BACKOFF": "CRAWLER_RETRY_BACKOFF_SECONDS",
    "CRAWLER_RETRY_MAX_DELAY": "CRAWLER_RETRY_MAX_DELAY_SECONDS",
}


class RenamedSettings:
    """The add-on that lets an earlier setting name through (see the module docstring)."""

    def update_settings(self, settings: BaseSettings) -> None:
        for old, new in RENAMED.items():
            priority = settings.getpriority(old)
            if priority is None:
                continue
            if priority >= (settings.getpriority(new) or 0):
                settings.set(new, settings[old], priority=priority)
            logger.warning("Setting %s is now called %s; the old name still works", old, new)


def article_min_probability(settings: BaseSettings) -> float | None:
    """``CRAWLER_ARTICLE_MIN_PROBABILITY``: None, or a probability; anything else
    is a ValueError that names the setting."""
    value = settings.get("CRAWLER_ARTICLE_MIN_PROBABILITY")
    if value is None or value == "":
        return None
    try:
        bar = float(value)
    except (TypeError, ValueError):
        bar = math.nan
    if not 0.0 <= bar <= 1.0:
        raise ValueError("CRAWLER_ARTICLE_MIN_PROBABILITY must be a number from 0 to 1, "
                         f"not {value!r}")
    return bar


def extraction_options(settings: BaseSettings) -> ExtractionOptions:
    """The extraction knobs of ``settings``; a ValueError names a bad one."""
    return ExtractionOptions(
        min_chars=settings.getint("CRAWLER_ARTICLE_MIN_CHARS"),
        article_min_probability=article_min_probability(settings),
        markup=MarkupRules(easylist=settings.getbool("CRAWLER_MARKUP_EASYLIST_ENABLED"),
                           adnet=settings.getbool("CRAWLER_MARKUP_ADNET_ENABLED"),
                           hidden=settings.getbool("CRAWLER_MARKUP_HIDDEN_ENABLED")),
        blocks=BlockRules(label=settings.getbool("CRAWLER_BLOCKS_LABEL_ENABLED"),
                          linklist=settings.getbool("CRAWLER_BLOCKS_LINKLIST_ENABLED"),
                          repeat=settings.getbool("CRAWLER_BLOCKS_REPEAT_ENABLED")),
        max_bytes=settings.getint("CRAWLER_EXTRACT_MAX_BYTES"),
        max_elements=settings.getint("CRAWLER_EXTRACT_MAX_ELEMENTS"),
        max_text=settings.getint("CRAWLER_EXTRACT_MAX_TEXT"),
    )


def check_extraction_settings(settings: BaseSettings) -> None:
    """What a command calls before it starts: a bad extraction setting is a
    one-line usage error then, not a traceback from a pipeline or a worker."""
    from scrapy.exceptions import UsageError

    try:
        extraction_options(settings)
    except ValueError as exc:
        raise UsageError(str(exc), print_help=False) from None


def template_options(settings: BaseSettings) -> TemplateOptions:
    return TemplateOptions(
        min_pages=settings.getint("CRAWLER_TEMPLATE_MIN_PAGES"),
        min_count=settings.getint("CRAWLER_TEMPLATE_MIN_COUNT"),
        min_share=settings.getfloat("CRAWLER_TEMPLATE_MIN_SHARE"),
        hold_pages=settings.getint("CRAWLER_TEMPLATE_HOLD_PAGES"),
        max_held=settings.getint("CRAWLER_TEMPLATE_MAX_HELD"),
    )


def health_options(settings: BaseSettings) -> HealthOptions:
    return HealthOptions(jump=settings.getfloat("CRAWLER_HEALTH_JUMP"),
                         min_pages=settings.getint("CRAWLER_HEALTH_MIN_PAGES"),
                         history=settings.getint("CRAWLER_HEALTH_HISTORY"))


def replay_options(settings: BaseSettings, *, template: bool = True,
                   **fields: Any) -> ReplayOptions:
    """The options of a replay (``crawler replay``, the Spark job): extraction,
    site templates (unless ``template`` is False) and URL cleaning from
    ``settings``; ``fields`` sets the replay's own (output folder, processes,
    filters)."""
    from crawler.frontier.fingerprint import cleaner_from_settings
    from crawler.replay.reextract import ReplayOptions

    return ReplayOptions(extraction=extraction_options(settings),
                         template=template_options(settings) if template else None,
                         cleaner=cleaner_from_settings(settings), **fields)
