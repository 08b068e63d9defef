"""The extractors the benchmark compares: ours and the peers, behind one interface.

A :class:`System` turns one page (bytes and URL) into a :class:`Prediction`; an
exception becomes an empty prediction carrying the error, never a crash. Every
library is imported inside the function that uses it, so that a process running
one system (the memory probe of :mod:`benchmarks.cost`) loads that system only.

Peers and their settings:

- ``trafilatura default``: ``trafilatura.extract(html, url=url)`` (comments
  included, its default);
- ``trafilatura precision`` / ``trafilatura recall``: ``favor_precision`` /
  ``favor_recall``, comments only where the set's truth has them;
- ``readability-lxml``: ``Document(html).summary()``, made text by :func:`html_to_text`;
- ``jusText``: the paragraphs it does not call boilerplate, with the stoplist of
  the page's ``<html lang>`` where jusText has one, else English;
- ``resiliparse``: ``extract_plain_text(..., main_content=True)``.

Peers given text get the bytes decoded by :func:`decode_html`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Prediction:
    """What a system gave for one page. ``is_article`` is None for systems that
    do not decide it; ``error`` names the exception that left the page empty."""

    text: str | None = None
    comments: str | None = None
    is_article: bool | None = None
    error: str | None = None

    def scored_text(self, with_comments: bool) -> str:
        """The text to score: ``text``, plus ``comments`` when the truth has them."""
        parts = [self.text, self.comments] if with_comments else [self.text]
        return "\n".join(p for p in parts if p)


PageFn = Callable[[bytes, "str | None", bool], Prediction]
SiteFn = Callable[[Sequence[tuple[bytes, "str | None"]]], list[Prediction]]


@dataclass
class System:
    """An extractor under test. ``fn(html, url, with_comments)`` handles one page;
    ``site_fn`` (optional) all pages of one site at once, in order. ``version``
    identifies its output for the prediction cache (None: never cached)."""

    name: str
    fn: PageFn
    version: str | None = None
    site_fn: SiteFn | None = None

    @property
    def slug(self) -> str:
        """The name as the command line spells it (``trafilatura-default``)."""
        return "-".join(self.name.lower().split())

    def extract_page(self, html: bytes, url: str | None,
                     with_comments: bool = False) -> Prediction:
        try:
            return self.fn(html, url, with_comments)
        except Exception as exc:  # a peer's failure is a result, not a crash
            return Prediction(error=_describe(exc))

    def extract_site(self, pages: Sequence[tuple[bytes, str | None]]) -> list[Prediction]:
        """Predictions for ``(html, url)`` pages of one site (per page without ``site_fn``)."""
        if self.site_fn is None:
            return [self.extract_page(html, url) for html, url in pages]
        try:
            return self.site_fn(pages)
        except Exception as exc:
            return [Prediction(error=_describe(exc)) for _ in pages]

    @classmethod
    def from_callable(cls, name: str, fn: Callable[[bytes, str | None], Any],
                      version: str | None = None) -> System:
        """A system from ``fn(html, url)`` returning text, None or a Prediction."""
        return cls(name, partial(_call_text_fn, fn), version)


def _call_text_fn(fn: Callable, html: bytes, url: str | None, with_comments: bool) -> Prediction:
    result = fn(html, url)
    return result if isinstance(result, Prediction) else Prediction(text=result)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


# --------------------------------------------------------------------------- helpers


def decode_html(data: bytes) -> str:
    """trafilatura's ``decode_file`` rule without importing trafilatura: UTF-8, else
    charset_normalizer's guesses in turn, else UTF-8 with replacement characters."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    sample = data if len(data) < 10_000 else data[:5000] + data[-5000:]
    for match in from_bytes(sample) or from_bytes(data):
        try:
            return data.decode(match.encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


BLOCK_TAGS = frozenset(
    "address article aside blockquote body br dd details div dl dt figcaption figure footer"
    " form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table td th"
    " tr ul".split()
)


#: Whitespace, and the control characters lxml parses but refuses to set back.
_SPACE = re.compile(r"[\s\x00-\x08\x0e-\x1f]+")


def html_to_text(markup: str) -> str:
    """Text of an HTML fragment, every block element on lines of its own. The
    source's line breaks are whitespace, as in HTML (``pre`` included: the metrics
    ignore layout); each line's whitespace is collapsed, blank lines dropped."""
    import lxml.html

    if not markup.strip():
        return ""
    root = lxml.html.fromstring(markup)
    for el in root.iter():
        el.tail = _SPACE.sub(" ", el.tail) if el.tail else el.tail
        if not isinstance(el.tag, str):  # a comment or processing instruction
            continue
        el.text = _SPACE.sub(" ", el.text) if el.text else el.text
        if el.tag in BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            if el.tag not in ("br", "hr"):
                el.text = "\n" + (el.text or "")
    lines = (line.strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


#: ISO 639-1 code -> jusText stoplist (only languages jusText has a list for).
JUSTEXT_LANGUAGES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "pl": "Polish", "cs": "Czech",
    "sv": "Swedish", "da": "Danish", "fi": "Finnish", "no": "Norwegian_Bokmal",
    "nb": "Norwegian_Bokmal", "nn": "Norwegian_Nynorsk", "hu": "Hungarian",
    "ro": "Romanian", "tr": "Turkish", "el": "Greek",
}
_HTML_LANG = re.compile(r"<html\b[^>]*?[\s:]lang\s*=\s*[\"']?([a-zA-Z]{2,3})", re.IGNORECASE)


def stoplist_name(markup: str) -> str:
    """jusText's stoplist for the page's ``<html lang>``; English when unknown."""
    match = _HTML_LANG.search(markup[:20_000])
    return JUSTEXT_LANGUAGES.get(match.group(1).lower(), "English") if match else "English"


# --------------------------------------------------------------------------- systems


def _ours(html: bytes, url: str | None, with_comments: bool, options: Any = None) -> Prediction:
    from crawler.extraction import extract

    ext = extract(html, url) if options is None else extract(html, url, options=options)
    return Prediction(ext.text, ext.comments, ext.reason is None)


def _ours_site(pages: Sequence[tuple[bytes, str | None]], options: Any = None) -> list[Prediction]:
    """Ours over one site with template learning (every page seen first)."""
    from crawler.extraction import ExtractionOptions
    from crawler.extraction.site import extract_site

    results = extract_site([(html, url or "") for html, url in pages],
                           options or ExtractionOptions())
    return [Prediction(ext.text, ext.comments, ext.reason is None) for ext in results]


def _trafilatura(html: bytes, url: str | None, with_comments: bool, **kwargs: Any) -> Prediction:
    import trafilatura

    if "include_comments" not in kwargs:  # settings that leave comments to the set
        kwargs["include_comments"] = with_comments
    return Prediction(trafilatura.extract(html, url=url, **kwargs))


def _readability(html: bytes, url: str | None, with_comments: bool) -> Prediction:
    from readability import Document

    return Prediction(html_to_text(Document(decode_html(html), url=url).summary()))


def _justext(html: bytes, url: str | None, with_comments: bool) -> Prediction:
    import justext

    markup = decode_html(html)
    paragraphs = justext.justext(markup, justext.get_stoplist(stoplist_name(markup)))
    return Prediction("\n".join(p.text for p in paragraphs if not p.is_boilerplate))


def _resiliparse(html: bytes, url: str | None, with_comments: bool) -> Prediction:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse(decode_html(html))
    return Prediction(extract_plain_text(tree, main_content=True))


def source_digest(root: Path = REPO_ROOT / "crawler") -> str:
    """A digest of our package's code and data: ours' cache id changes with them."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _versions(*dists: str) -> str:
    """Cache id of a peer: its libraries' versions and this module's code."""
    own = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]
    return "+".join([*(f"{d}-{_dist_version(d)}" for d in dists), f"systems-{own}"])


def ours_system(options: Any = None, name: str = "ours") -> System:
    """Our extractor with ``ExtractionOptions`` ``options`` (None: the defaults)."""
    version = f"{source_digest()}+{_versions('trafilatura', 'lxml')}"
    if options is not None:
        version += "+" + hashlib.sha256(repr(options).encode()).hexdigest()[:8]
    return System(name, partial(_ours, options=options), version,
                  partial(_ours_site, options=options))


def previous_options() -> Any:
    """Our extractor before the block classifier: trafilatura's precision mode
    with its fallback extractors, the block rules, the old page-type rules."""
    from crawler.extraction import ExtractionOptions

    return ExtractionOptions(classifier=False, favor_precision=True, favor_recall=False,
                             fast=False)


def default_systems() -> list[System]:
    """Ours, ours before the classifier, and every peer, in the order of the tables."""
    trafilatura = _versions("trafilatura", "lxml")
    return [
        ours_system(),
        ours_system(previous_options(), name="ours before (rules)"),
        System("trafilatura default", partial(_trafilatura, include_comments=True),
               trafilatura),
        System("trafilatura precision", partial(_trafilatura, favor_precision=True),
               trafilatura),
        System("trafilatura recall", partial(_trafilatura, favor_recall=True), trafilatura),
        System("readability-lxml", _readability, _versions("readability-lxml", "lxml")),
        System("jusText", _justext, _versions("justext", "lxml")),
        System("resiliparse", _resiliparse, _versions("resiliparse")),
    ]
