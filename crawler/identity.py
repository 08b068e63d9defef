"""Who the crawler says it is: the User-Agent, built when the crawl's settings
are final (a Scrapy add-on), from the operator's contact.

``CRAWLER_CONTACT_URL`` is where site owners can reach whoever runs the crawl
(a web page or ``mailto:``); the User-Agent is ``CRAWLER_USER_AGENT`` with
``{version}`` and ``{contact}`` filled in (``crawler/0.2.0
(+https://example.org/crawl)``), or ``crawler/<version>`` without a contact. A
``USER_AGENT`` (``--user-agent``, ``-s USER_AGENT=...``) set by the operator is
kept as given. Robots.txt rules, the requests and the WARC ``warcinfo`` record
all use the result. A crawl that reaches beyond this machine without a contact
logs one warning (:func:`warn_without_contact`): Heritrix refuses to start
without one; we ask.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crawler import __version__

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def user_agent(settings: BaseSettings) -> str:
    """The User-Agent the settings give (see the module docstring)."""
    contact = (settings.get("CRAWLER_CONTACT_URL") or "").strip()
    if not contact:
        return f"crawler/{__version__}"
    return settings.get("CRAWLER_USER_AGENT").format(version=__version__, contact=contact)


class Identity:
    """The add-on that sets ``USER_AGENT`` from the contact, unless the
    operator set ``USER_AGENT`` itself."""

    def update_settings(self, settings: BaseSettings) -> None:
        # add-on priority: above Scrapy's default, below a USER_AGENT the operator
        # set in a project, with -s or --user-agent
        settings.set("USER_AGENT", user_agent(settings), priority="addon")


def is_local(url: str) -> bool:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return host in LOCAL_HOSTS or host.endswith(".localhost")


def warn_without_contact(settings: BaseSettings, urls: list[str]) -> bool:
    """Warn once when ``urls`` reach beyond this machine and no contact is set;
    True when it warned."""
    if (settings.get("CRAWLER_CONTACT_URL") or "").strip() or all(map(is_local, urls)):
        return False
    logger.warning("No operator contact: set CRAWLER_CONTACT_URL (a page or mailto: where "
                   "site owners can reach you) so that it goes into the User-Agent, "
                   "e.g. -s CRAWLER_CONTACT_URL=https://example.org/crawl")
    return True
