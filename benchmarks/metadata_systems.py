"""The systems of the metadata benchmark (:mod:`benchmarks.metadata`, whose
docstring says how each is called): ours, trafilatura's own metadata, htmldate
in two modes, newspaper4k. Each turns one page (bytes and URL) into a
:class:`Meta`; every library is imported inside the function that uses it."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from benchmarks.systems import decode_html

FIELDS = ("title", "author", "published")


@dataclass
class Meta:
    """What one system gave for one page (``author`` a string or a list)."""

    title: str | None = None
    author: str | list[str] | None = None
    published: str | None = None
    #: Whether ours would write the page as an article (None for the peers).
    is_article: bool | None = None


class _Timer:
    """Wraps ``module.name`` while installed, adding the time spent in it to ``seconds``."""

    def __init__(self, module: Any, name: str) -> None:
        self.module, self.name, self.seconds = module, name, 0.0
        self.inner = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return self.inner(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        setattr(module, name, timed)

    def remove(self) -> None:
        setattr(self.module, self.name, self.inner)


_TIMERS: list[_Timer] = []
#: Ours' metadata readers, as :mod:`crawler.extraction.core` calls them.
OUR_READERS = ("read_structured", "read_signals", "find_dates", "find_title", "find_authors",
               "find_images", "body_links", "alternates", "wall_evidence", "find_walls")


@contextmanager
def ours_metadata_timed() -> Iterator[None]:
    """Inside, the time ours spends reading metadata is counted
    (:func:`ours_metadata_seconds`): our readers (:data:`OUR_READERS`) and
    trafilatura's ``extract_metadata`` as ``bare_extraction`` calls it (ours
    falls back on its values). Forked workers inherit it."""
    import trafilatura.core

    import crawler.extraction.core

    _TIMERS[:] = [_Timer(crawler.extraction.core, name) for name in OUR_READERS
                  if hasattr(crawler.extraction.core, name)]
    _TIMERS.append(_Timer(trafilatura.core, "extract_metadata"))
    try:
        yield
    finally:
        for timer in _TIMERS:
            timer.remove()
        _TIMERS.clear()


def ours_metadata_seconds() -> float:
    """Seconds spent in ours' metadata reading in this process so far."""
    return sum(t.seconds for t in _TIMERS)


_OURS: dict[str, Any] = {}  # the options and the fetch time, made once per process tree


def _ours(html: bytes, url: str) -> Meta:
    from crawler.articles import page_to_article
    from crawler.items import Page

    if not _OURS:
        from scrapy.settings import Settings

        from crawler.options import extraction_options

        settings = Settings()
        settings.setmodule("crawler.settings", priority="project")
        _OURS.update(options=extraction_options(settings), fetched_at=datetime.now(UTC))
    page = Page(url=url, status=200, body=html, content_type=None,
                fetched_at=_OURS["fetched_at"])
    article = page_to_article(page, _OURS["options"]).article
    return Meta(article.title, article.authors, article.published, article.reason is None)


def _trafilatura(html: bytes, url: str) -> Meta:
    import trafilatura

    tree = trafilatura.load_html(html)  # what extract_metadata does with bytes
    if tree is None:
        return Meta()
    doc = trafilatura.extract_metadata(tree, default_url=url)
    return Meta(doc.title, doc.author, doc.date)


def _htmldate(html: bytes, url: str, extensive: bool) -> Meta:
    import htmldate

    return Meta(published=htmldate.find_date(html, url=url, original_date=True,
                                             extensive_search=extensive))


def _newspaper4k(html: bytes, url: str) -> Meta:
    with warnings.catch_warnings():  # "nltk is not installed": its NLP is not used
        warnings.simplefilter("ignore")
        from newspaper import Article, Config

    config = Config()
    config.fetch_images = False
    config.memorize_articles = False
    config.follow_meta_refresh = False
    article = Article(url, config=config)
    article.download(input_html=decode_html(html))
    article.parse()
    when = article.publish_date
    return Meta(article.title, list(article.authors),
                when.isoformat() if isinstance(when, date) else when)


SYSTEMS: dict[str, Callable[[bytes, str], Meta]] = {
    "ours": _ours,
    "trafilatura": _trafilatura,
    "htmldate-fast": lambda html, url: _htmldate(html, url, False),
    "htmldate-extensive": lambda html, url: _htmldate(html, url, True),
    "newspaper4k": _newspaper4k,
}
#: The fields each system gives.
GIVES = {"ours": FIELDS, "trafilatura": FIELDS, "htmldate-fast": ("published",),
         "htmldate-extensive": ("published",), "newspaper4k": FIELDS}


def available_systems() -> tuple[list[str], dict[str, str]]:
    """(the systems that can run here, {system: why not} for the others)."""
    missing = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import newspaper  # noqa: F401
    except ImportError as exc:
        missing["newspaper4k"] = f"not installed ({exc}); pip install -e '.[bench]'"
    return [s for s in SYSTEMS if s not in missing], missing
