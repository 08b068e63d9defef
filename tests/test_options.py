"""crawler.options: option objects from settings, and the settings' names."""

from __future__ import annotations

import logging
import re

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

import crawler.settings as project
from crawler.options import RENAMED, extraction_options, health_options, template_options

BASE = {k: getattr(project, k) for k in dir(project) if k.isupper()}


def settings(**values: object):
    return get_crawler(Spider, settings_dict={**BASE, **values}).settings


def test_switches_end_in_enabled_and_durations_in_seconds() -> None:
    for name in (n for n in BASE if n.startswith("CRAWLER_")):
        if isinstance(BASE[name], bool):
            assert name.endswith("_ENABLED"), name
    assert not set(RENAMED) & set(BASE)  # only the new names are defined
    assert set(RENAMED.values()) <= set(BASE)
    assert all(re.search(r"_(ENABLED|SECONDS)$", new) for new in RENAMED.values())


def test_an_earlier_name_still_works_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="crawler.options"):
        s = settings(CRAWLER_MARKUP_EASYLIST=True, CRAWLER_RETRY_MAX_DELAY=7)
    assert s.getbool("CRAWLER_MARKUP_EASYLIST_ENABLED") is True
    assert s.getfloat("CRAWLER_RETRY_MAX_DELAY_SECONDS") == 7
    assert extraction_options(s).markup.easylist
    assert "CRAWLER_MARKUP_EASYLIST is now called CRAWLER_MARKUP_EASYLIST_ENABLED" in caplog.text


def test_the_new_name_wins_over_the_old_at_a_lower_priority() -> None:
    s = get_crawler(Spider, settings_dict={**BASE, "CRAWLER_GC_FREEZE": True}).settings
    assert s.getbool("CRAWLER_GC_FREEZE_ENABLED") is True
    s = settings()
    s.frozen = False
    s.set("CRAWLER_GC_FREEZE_ENABLED", False, priority="cmdline")
    s.set("CRAWLER_GC_FREEZE", True, priority="project")
    from crawler.options import RenamedSettings

    RenamedSettings().update_settings(s)
    assert s.getbool("CRAWLER_GC_FREEZE_ENABLED") is False


def test_every_option_object_comes_from_the_settings() -> None:
    s = settings(CRAWLER_ARTICLE_MIN_CHARS=99, CRAWLER_TEMPLATE_HOLD_PAGES=4,
                 CRAWLER_HEALTH_HISTORY=3, CRAWLER_BLOCKS_REPEAT_ENABLED=True)
    assert extraction_options(s).min_chars == 99 and extraction_options(s).blocks.repeat
    assert template_options(s).hold_pages == 4
    assert health_options(s).history == 3


def test_the_article_bar_is_the_models_own_unless_set() -> None:
    assert extraction_options(settings()).article_min_probability is None
    assert extraction_options(settings(CRAWLER_ARTICLE_MIN_PROBABILITY="0.5")) \
        .article_min_probability == 0.5
    for bad in ("high", 1.5, -0.1, "nan"):
        with pytest.raises(ValueError, match="CRAWLER_ARTICLE_MIN_PROBABILITY must be a "
                                             "number from 0 to 1"):
            extraction_options(settings(CRAWLER_ARTICLE_MIN_PROBABILITY=bad))
