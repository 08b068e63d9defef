"""crawler.identity: the User-Agent from the operator's contact, built when the
settings are final."""

from __future__ import annotations

import logging

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

import crawler.settings as project
from crawler import __version__
from crawler.identity import warn_without_contact

BASE = {k: getattr(project, k) for k in dir(project) if k.isupper()}


def agent(**settings: str) -> str:
    return get_crawler(Spider, settings_dict={**BASE, **settings}).settings.get("USER_AGENT")


def test_the_contact_given_with_s_goes_into_the_user_agent() -> None:
    assert agent() == f"crawler/{__version__}"  # no made-up contact
    assert agent(CRAWLER_CONTACT_URL="https://me.example/crawl") == \
        f"crawler/{__version__} (+https://me.example/crawl)"
    assert agent(CRAWLER_CONTACT_URL="mailto:ops@me.example",
                 CRAWLER_USER_AGENT="newsbot/{version} ({contact})") == \
        f"newsbot/{__version__} (mailto:ops@me.example)"


def test_a_user_agent_set_by_hand_is_kept() -> None:
    assert agent(USER_AGENT="my-bot/1.0", CRAWLER_CONTACT_URL="https://me.example") == "my-bot/1.0"


def test_the_crawl_command_line_sets_the_contact(mockserver, tmp_path) -> None:
    from tests.conftest import run_crawler

    result = run_crawler("crawl", mockserver.url("/robots.txt"), "-o", str(tmp_path),
                         "--max-pages", "1", "-s", "CRAWLER_CONTACT_URL=https://me.example/c")
    assert result.returncode == 0, result.stderr[-2000:]
    sent = {r["headers"].get("User-Agent") for r in mockserver.requests()}
    assert f"crawler/{__version__} (+https://me.example/c)" in sent


@pytest.mark.parametrize(("urls", "contact", "warns"), [
    (["https://news.example/"], "", True),
    (["http://127.0.0.1:8000/", "http://localhost/"], "", False),
    (["https://news.example/"], "https://me.example", False),
])
def test_a_crawl_beyond_this_machine_without_contact_warns_once(
        caplog: pytest.LogCaptureFixture, urls: list[str], contact: str, warns: bool) -> None:
    settings = get_crawler(Spider, settings_dict={**BASE, "CRAWLER_CONTACT_URL": contact}).settings
    with caplog.at_level(logging.WARNING, logger="crawler.identity"):
        assert warn_without_contact(settings, urls) is warns
    assert len(caplog.records) == int(warns)
