"""Which pages of a replay a user wants: by host, language and publication
date (``crawler replay --host/--language/--published-after/--published-before``).

Each filter runs as early as it can decide, and never decides otherwise than
the article's extracted metadata would:

- **Host**: from the URL of the record (``WARC-Target-URI``), before extraction.
  A rule is a host (``example.com``, which also takes ``www.example.com``) or a
  suffix with a leading dot (``.example.com``: that host and every host under it;
  ``.de``: every host in ``de``). Hosts are compared in ASCII (IDNA), lower case.
- **Language**, before extraction, when the page declares it in a way
  extraction will take as is: the markup signals
  (:func:`crawler.extraction.signals.read_signals`, the very code extraction
  uses) read from the page's ``<head>`` alone, which costs a fraction of an
  extraction. A language from ``<html lang>`` (or, without it, a
  ``Content-Language`` meta or ``og:locale`` in the head) is the article's
  language. Anything else is left to extraction.
- **Date**, after extraction only: a date the page shows by its headline wins
  over the one its head declares (:mod:`crawler.extraction.metadata.dates`), so
  the head cannot decide it.
- **After extraction** the article's own ``language`` and ``published`` day
  decide. An article with no language, or no date, is dropped by a language,
  or a date, filter: a filter keeps only what it can show matches.

The ``Content-Language`` HTTP header is not among the early signals: the
reader gives a page its ``Content-Type`` only, and extraction does not read the
header either. Both date bounds are inclusive. Reasons are counted by the
replay as ``filtered/<reason>``. Pure: no Scrapy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from crawler.extraction.core import is_html, parse_html
from crawler.extraction.metadata.dates import day_of
from crawler.extraction.signals import PageSignals, normalize_language, read_signals
from crawler.frontier.urls import ascii_host
from crawler.items import Page
from crawler.schema import Article

#: How much of a page is read for its head when ``</head>`` does not come first.
HEAD_BYTES = 128 * 1024
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)

HOST = "host"
LANGUAGE_DECLARED, LANGUAGE_EXTRACTED, LANGUAGE_UNKNOWN = (
    "language/declared", "language/extracted", "language/unknown")
DATE_EXTRACTED, DATE_UNKNOWN = ("published/extracted", "published/undated")


class FilterError(ValueError):
    """A filter argument that means nothing (the message says why, in one line)."""


def host_rule(value: str) -> str:
    """A ``--host`` value as compared: ASCII, lower case, no ``www.``."""
    rule = value.strip()
    suffix = rule.startswith(".")
    host = ascii_host(rule.lstrip("."))
    if not host or "/" in host or ":" in host or " " in host:
        raise FilterError(f"--host {value!r}: give a host name (news.example) or a suffix "
                          "(.example)")
    host = host.removeprefix("www.") if not suffix else host
    return "." + host if suffix else host


def language_rule(value: str) -> str:
    """A ``--language`` value as compared: its primary subtag, lower case."""
    lang = normalize_language(value)
    if lang is None:
        raise FilterError(f"--language {value!r}: give a language code (en, de, pt-BR)")
    return lang


@dataclass(frozen=True)
class PageFilter:
    """The filters of one replay; the default filters nothing."""

    hosts: tuple[str, ...] = ()
    languages: frozenset[str] = frozenset()
    published_after: date | None = None
    published_before: date | None = None

    @classmethod
    def from_arguments(cls, hosts: list[str] | None = None, languages: list[str] | None = None,
                       after: str | None = None, before: str | None = None) -> PageFilter:
        """From the command's values (languages may be comma-separated); raises
        :class:`FilterError`."""
        def day(value: str | None, flag: str) -> date | None:
            if value is None:
                return None
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                raise FilterError(f"{flag} {value!r}: give a date as YYYY-MM-DD") from None

        langs = [x for v in languages or [] for x in v.split(",") if x.strip()]
        found = cls(hosts=tuple(dict.fromkeys(host_rule(h) for h in hosts or [])),
                    languages=frozenset(language_rule(x) for x in langs),
                    published_after=day(after, "--published-after"),
                    published_before=day(before, "--published-before"))
        if (found.published_after and found.published_before
                and found.published_after > found.published_before):
            raise FilterError(f"--published-after {found.published_after} is later than "
                              f"--published-before {found.published_before}")
        return found

    @property
    def dated(self) -> bool:
        return self.published_after is not None or self.published_before is not None

    def __bool__(self) -> bool:
        return bool(self.hosts or self.languages or self.dated)

    def host_ok(self, url: str) -> bool:
        if not self.hosts:
            return True
        try:
            host = ascii_host(urlsplit(url).hostname or "")
        except ValueError:
            return False
        bare = host.removeprefix("www.")
        return any((host == rule[1:] or host.endswith(rule)) if rule.startswith(".")
                   else bare == rule for rule in self.hosts)

    def date_ok(self, day: date) -> bool:
        return ((self.published_after is None or day >= self.published_after)
                and (self.published_before is None or day <= self.published_before))

    def before_extraction(self, page: Page) -> str | None:
        """Why ``page`` is filtered out before extraction, or None (extract it)."""
        if not self.host_ok(page.url):
            return HOST
        if not self.languages or page.status != 200 \
                or not is_html(page.content_type, page.body):
            return None
        signals, _ = head_signals(page)
        if signals.language is not None and signals.language not in self.languages:
            return LANGUAGE_DECLARED
        return None

    def after_extraction(self, article: Article) -> str | None:
        """Why ``article`` is filtered out on its extracted metadata, or None."""
        if self.languages:
            if article.language is None:
                return LANGUAGE_UNKNOWN
            if article.language not in self.languages:
                return LANGUAGE_EXTRACTED
        if self.dated:
            day = day_of(article.published)
            if day is None:
                return DATE_UNKNOWN
            if not self.date_ok(day):
                return DATE_EXTRACTED
        return None


def head_signals(page: Page) -> tuple[PageSignals, bytes]:
    """The markup signals of the page's head, and the bytes after it. The head
    is cut after ``</head>``, or after the last whole tag in
    :data:`HEAD_BYTES`: any cut leaves each signal read the one the whole page
    gives (the first in document order), or none. Non-ASCII bytes are read as
    Latin-1: the values read (language codes, dates) are ASCII."""
    body = page.body
    end = _HEAD_END.search(body, 0, HEAD_BYTES)
    cut = end.end() if end else body.rfind(b">", 0, HEAD_BYTES) + 1
    tree = parse_html(body[:cut].decode("latin-1")) if cut else None
    if tree is None:
        return PageSignals(), body
    return read_signals(tree, page.url), body[cut:]
