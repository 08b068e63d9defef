"""Finishing articles: everything decided between a page's extraction and its
JSON line, in one place, for the crawl's writer (``pipelines/finish.py``),
``crawler replay`` (``replay/reextract.py``) and ``extract_site``
(``extraction/site.py``). Pure: no Scrapy.

In order, for each article (:meth:`ArticleFinisher.add`):

1. **Which URL wins.** An article's keys are its URL and its same-site
   canonical URL (:func:`crawler.articles.article_keys`). A page that names no
   other page canonical claims its keys at once; a second page with one of them
   is a duplicate. A *copy* (an AMP page whose ``rel=canonical`` names another
   page) is held until that page arrives (then the copy is the duplicate) or
   until the end, when the first copy of each article, in URL order, is
   written. So the canonical page's record is written whatever the timing, in
   one process or over several workers (claims then live in Redis), and two
   crawls of the same site choose the same URLs.
2. **Site template.** The article's blocks are counted in its site's
   statistics; it is held while one of its blocks is undecided
   (:class:`crawler.extraction.template.Holdback`), then its template blocks are
   removed; too little text left drops it (``template_too_short``).
3. **Version.** Against the job's state (a callable given by the crawl):
   ``unchanged_text`` when the text is what was last written.

What is still held at the end (:meth:`ArticleFinisher.flush`) is decided on
everything seen. Each result is an :class:`Outcome`: written, or dropped with a
reason; ``held`` says whether it had been held back (for whoever must keep its
request open until then).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from crawler.articles import article_keys, keys_and_home
from crawler.extraction.core import body_text
from crawler.extraction.template import Holdback, SiteTemplates
from crawler.frontier.seen import SeenStore
from crawler.frontier.urls import UrlCleaner, site_of
from crawler.schema import Article

DUPLICATE = "duplicate"
TEMPLATE_TOO_SHORT = "template_too_short"


class Claims(Protocol):
    """Which article keys are taken."""

    def claim(self, keys: set[str], owner: str) -> bool:
        """Take ``keys`` for the URL ``owner``: False when one is taken."""

    def taken(self, keys: set[str], owner: str) -> bool:
        """Whether one of ``keys`` is taken (by another URL than ``owner``)."""


class LocalClaims:
    """One process's claims, kept on disk (:class:`crawler.frontier.seen.SeenStore`):
    memory stays flat however many articles. A key is taken by whoever came
    first, the same URL a second time included (two captures of one URL in an
    archive are one article)."""

    def __init__(self, cache_kib: int = 2048) -> None:
        self.store = SeenStore(cache_kib=cache_kib)

    @staticmethod
    def _fp(key: str) -> bytes:
        return hashlib.blake2b(key.encode(), digest_size=16).digest()

    def taken(self, keys: set[str], owner: str) -> bool:
        return any(self._fp(k) in self.store for k in keys)

    def claim(self, keys: set[str], owner: str) -> bool:
        if self.taken(keys, owner):
            return False
        for key in keys:
            self.store.add(self._fp(key))
        return True

    def close(self) -> None:
        self.store.close()


def strip_template(templates: SiteTemplates, article: Article, min_chars: int) -> int | None:
    """Remove the site's template blocks from ``article`` in place; how many
    went, or None when too little text is left."""
    removed = templates.apply(site_of(article.url), article.blocks)
    if removed:
        article.text = body_text(article.blocks, article.title)
        if not article.text or len(article.text) < min_chars:
            return None
    return removed


@dataclass
class Outcome:
    article: Article
    #: None: write it; else why not (``duplicate``, ``template_too_short``, or
    #: the version step's reason, ``unchanged_text``).
    dropped: str | None = None
    #: Template blocks removed from its text.
    removed: int = 0
    #: It had been held back (its request may be acknowledged now).
    held: bool = False


class ArticleFinisher:
    """See the module docstring. ``claims`` None: no de-duplication (every page
    is its own article); ``templates`` None: no site template; ``elsewhere``:
    whether the job wrote one of an article's keys under another URL in an
    earlier run (``(keys, url) -> bool``); ``version``: the version step
    (``article -> reason or None``)."""

    def __init__(self, *, cleaner: UrlCleaner | None = None, min_chars: int = 0,
                 templates: SiteTemplates | None = None, claims: Claims | None = None,
                 elsewhere: Callable[[set[str], str], bool] | None = None,
                 version: Callable[[Article], str | None] | None = None) -> None:
        self.cleaner = cleaner or UrlCleaner()
        self.min_chars = min_chars
        self.templates = templates
        self.holdback: Holdback[Article] | None = Holdback(templates) if templates else None
        self.claims = claims
        self.elsewhere = elsewhere
        self.version = version
        #: Copies waiting for their canonical page, by that page's key.
        self.copies: dict[str, list[Article]] = {}

    @property
    def held(self) -> int:
        return (sum(map(len, self.copies.values()))
                + (self.holdback.count if self.holdback is not None else 0))

    def add(self, article: Article) -> list[Outcome]:
        """What can be decided now: ``article``'s outcome, or nothing while it
        is held; and the outcomes of held articles it released."""
        if self.claims is None:
            return self._template(article)
        keys, home = keys_and_home(article, self.cleaner)
        if self.elsewhere is not None and self.elsewhere(keys, article.url):
            return [Outcome(article, DUPLICATE)]
        if home is not None:  # a copy: its canonical page wins if it comes
            if self.claims.taken({home}, article.url):
                return [Outcome(article, DUPLICATE)]
            self.copies.setdefault(home, []).append(article)
            return []
        if not self.claims.claim(keys, article.url):
            return [Outcome(article, DUPLICATE)]
        out = [Outcome(copy, DUPLICATE, held=True)
               for key in sorted(keys) for copy in self.copies.pop(key, [])]
        return out + self._template(article)

    def flush(self) -> list[Outcome]:
        """At the end: the copies whose page never came (the first of each
        article in URL order is written), then every held article, decided on
        everything seen."""
        out: list[Outcome] = []
        waiting = sorted((a for copies in self.copies.values() for a in copies),
                         key=lambda a: a.url)
        self.copies.clear()
        for copy in waiting:
            keys = article_keys(copy, self.cleaner)
            if ((self.elsewhere is not None and self.elsewhere(keys, copy.url))
                    or (self.claims is not None and not self.claims.claim(keys, copy.url))):
                out.append(Outcome(copy, DUPLICATE, held=True))
            else:
                out += self._template(copy, was_held=True)
        if self.holdback is not None:
            out += [self._finish(a, held=True) for a in list(self.holdback.flush())]
        return out

    def _template(self, article: Article, was_held: bool = False) -> list[Outcome]:
        if self.templates is None or self.holdback is None:
            return [self._finish(article, held=was_held)]
        site = site_of(article.url)
        self.templates.observe(site, article.blocks)
        return [self._finish(a, held=was_held or a is not article)
                for a in self.holdback.add(site, article)]

    def _finish(self, article: Article, held: bool) -> Outcome:
        removed = 0
        if self.templates is not None:
            stripped = strip_template(self.templates, article, self.min_chars)
            if stripped is None:
                return Outcome(article, TEMPLATE_TOO_SHORT, held=held)
            removed = stripped
        reason = self.version(article) if self.version is not None else None
        return Outcome(article, reason, removed, held)
