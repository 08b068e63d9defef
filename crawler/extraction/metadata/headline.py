"""The article's headline: not "Headline | Site name".

Candidates are the page's visible ``<h1>`` headings and its declared titles:
the JSON-LD headline of the article object, ``og:title``, ``twitter:title`` and
``<title>``.

- A heading in a navigation bar, a menu, a side bar, a footer, a pop-up, a form
  or a comment block is no candidate, nor one that is the site's name (a logo,
  a link to the home page). One in the page's header, outside the article,
  counts for less, and one of one or two words (a section's label, "Blog")
  for less still.
- A title (declared, or a heading's) loses its leading and trailing parts only
  where they are shown to name the site: a part equals, begins or abbreviates a
  name the page gives its site (``og:site_name``, ``application-name``, the
  JSON-LD publisher, ``WebSite`` or ``Organization`` name), its host name (both
  read by :mod:`.sitenames`), the text of a heading in its header, or the
  caller's name for it; or it is a bare section word ("Blog", "Opinion").
  What follows a site's name goes too ("Headline - Site - Tagline"). A
  separator alone is no evidence: headlines contain " - " and ":".

Each source then votes: a declared title for its trimmed text, or for the
heading that text starts or ends with at a word boundary (``<title>``
"Headline - Section | Site" votes for the heading "Headline - Section", and
"Headline: a subtitle" for the heading "Headline"); a heading for itself.
Identical ``<title>``, ``og:title``, ``twitter:title`` and JSON-LD headline
are one vote: a CMS copies one SEO title into all of them. The candidate with
most votes wins; a visible heading wins a tie.

Pure: the tree is never changed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.extraction.metadata.sitenames import host_labels, ld_names, meta_names
from crawler.extraction.metadata.structured import Structured
from crawler.extraction.signals import ARTICLE_TYPES

#: Where a title's parts meet: a bar, a bullet, a star or a guillemet with or
#: without spaces; a dash, slash, tilde or double colon only between spaces.
_SEPARATOR = re.compile(r"\s*[|·•»«⋆★]\s*|\s+(?:[-–—/~]|::)\s+")
#: A leading part ending in a colon ("Site: Headline").
_COLON = re.compile(r":\s+")
_EDGE_SYMBOLS = re.compile(r"^[\s|·•»«⋆★:–—-]+|[\s|·•»«⋆★:–—-]+$")
_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W_]")
#: A dot followed by a space or ending the text: a sentence, where a domain
#: name has none.
_SENTENCE = re.compile(r"\.(?:\s|$)")
#: Section words a CMS adds to its titles beside the site's name.
_SECTION_WORDS = frozenset({"blog", "opinion", "news", "home", "homepage", "article",
                            "articles", "blog archive"})
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template"})
#: Ancestors whose headings are never the article's: navigation, side bars,
#: footers, menus, pop-ups, forms, comment and related-post blocks.
_CHROME_TAGS = frozenset({"nav", "aside", "footer", "form", "dialog"})
_CHROME_ROLES = frozenset({"navigation", "complementary", "contentinfo", "dialog", "search"})
_CHROME_WORDS = frozenset({
    "masthead", "branding", "logo", "navbar", "nav", "navigation", "menu", "sidebar", "widget",
    "footer", "modal", "popup", "cookie", "consent", "related", "comment", "comments",
    "newsletter", "subscribe", "breadcrumb", "breadcrumbs", "topbar", "drawer"})
#: Words that make a class a layout's modifier ("has-sidebar"), not a block.
_MODIFIERS = frozenset({"has", "no", "with", "without", "is"})
_SEGMENTS = re.compile(r"[-_]+")
#: A page header (the tag, or a class or id naming one), unless it is the
#: header of the article itself (inside ``<article>`` or ``<main>``, or named
#: after a post or an entry).
_HEADER_CLASS = re.compile(r"(?:^|[-_])(?:header|banner)(?:$|[-_])")
_CONTENT_CLASS = re.compile(r"(?:^|[-_])(?:post|entry|article|story|content|hero|title|"
                            r"headline)(?:$|[-_])")
_CONTENT_TAGS = frozenset({"article", "main"})
#: A heading's vote by where it stands.
_WEIGHTS = {"content": 1.5, "page": 1.0, "header": 0.5}
#: A heading of one or two words is more often a section's label ("Blog",
#: "M&A Updates") than a headline: its vote counts a third.
_LABEL_WORDS = 2
_LABEL_SHARE = 1 / 3
_MAX_CHARS = 300
#: The most words of a title's part that begins with the site's name and is
#: still taken for it ("EcoFlow ZA", "UC Davis Children's Hospital").
_MAX_SITE_WORDS = 4
_MIN_AGREEING_CHARS = 8


@dataclass
class _Candidate:
    text: str
    heading: float = 0.0  # the weight of the heading showing it; 0 when none does
    votes: float = 0.0
    order: int = 0


@dataclass
class _Sites:
    """The names the page gives its site, compared by letters and digits only."""

    names: set[str] = field(default_factory=set)
    host: set[str] = field(default_factory=set)
    #: The texts of the page header's headings: a logo's, or a headline shown
    #: in a banner; a title's part equal to one is the site's name, but the
    #: heading is not dropped for it.
    logos: set[str] = field(default_factory=set)
    #: The caller's name for the site, which may be a guess from ``<title>``:
    #: left out where it would leave nothing of a title.
    guess: str = ""

    def add(self, name: object) -> None:
        if isinstance(name, str) and len(key := _compact(name)) >= 2:
            self.names.add(key)

    def is_name(self, text: str) -> bool:
        key = _compact(text)
        return key in self.names or key in self.host

    def is_site(self, part: str, *, title_words: int = 0, strict: bool = False) -> bool:
        """Whether a part of a title of ``title_words`` words names the site;
        ``strict``: only by being one of its names (for the part before a
        colon, which is more often the headline's topic)."""
        key = _compact(part)
        if len(key) < 2:
            return False
        if key in self.names or key in self.host or key == self.guess:
            return True
        if key in self.logos and 2 * _words(part) <= title_words:
            return True  # a logo's text, no longer than the rest of the title
        if strict:
            return False
        if _key(part) in _SECTION_WORDS:
            return True
        words = [w for w in map(_compact, part.split()) if w]
        initials = "".join(w[0] for w in words)
        short = len(words) <= _MAX_SITE_WORDS
        for name in self.names | self.host | ({self.guess} - {""}):
            if len(initials) >= 3 and initials == name:
                return True  # "Farm Bureau Financial Services" on fbfs.com
            if min(len(key), len(name)) >= 3 and name.startswith(key):
                return True  # "Soliant" for "Soliant Health"
            if len(name) >= 4 and short and key.startswith(name):
                return True  # "EcoFlow ZA" for "EcoFlow"
        if short and any(words[0] == name for name in self.names if len(name) >= 3):
            return True  # "VCA Animal Hospitals" for "VCA"
        return any(len(key) >= 5 and key in label for label in self.host)


def find_title(tree: HtmlElement, structured: Structured, *, url: str | None,
               sitename: str | None = None, fallback: str | None = None) -> str | None:
    """The page's headline, or ``fallback`` (cleaned) when the page offers none."""
    headings = _headings(tree)
    declared = _declared(tree, structured)
    sites = _site_names(structured, sitename, url, declared, headings,
                        _subheads(tree) if sitename else [])
    candidates: dict[str, _Candidate] = {}
    for text, place in headings:
        if sites.is_name(text):
            continue  # a logo, or the site's name as a page heading
        text = _trim(text, sites)
        label = _words(text) <= _LABEL_WORDS
        weight = _WEIGHTS[place] * (_LABEL_SHARE if label else 1)
        candidate = candidates.setdefault(_key(text), _Candidate(text, order=len(candidates)))
        candidate.heading = max(candidate.heading, weight)
    for weight, title in declared:
        trimmed = _trim(title, sites)
        key = _key(trimmed)
        if not key:
            continue
        target = candidates.get(key) or _agreeing(key, candidates)
        if target is None:
            target = candidates.setdefault(key, _Candidate(trimmed, order=len(candidates)))
        target.votes += weight
    for candidate in candidates.values():
        candidate.votes += candidate.heading
    if not candidates:
        return _clean(fallback)
    best = max(candidates.values(), key=lambda c: (c.votes, c.heading, -c.order))
    return best.text


def _agreeing(key: str, candidates: dict[str, _Candidate]) -> _Candidate | None:
    """The heading a declared title starts or ends with at a word boundary."""
    for ckey, candidate in candidates.items():
        if candidate.heading and len(ckey) >= _MIN_AGREEING_CHARS and (
                key.startswith(ckey + " ") or key.endswith(" " + ckey)):
            return candidate
    return None


def _declared(tree: HtmlElement, structured: Structured) -> list[tuple[float, str]]:
    """The page's declared titles, each with the weight of its vote; one vote
    for a text found in several places (a CMS copies one SEO title to all)."""
    found: list[tuple[float, str | None]] = []
    for node in structured.of_type(ARTICLE_TYPES):
        headline = node.get("headline") or node.get("name")
        if isinstance(headline, str) and headline.strip():
            found.append((1.0, headline))
            break
    title = tree.find(".//head//title")  # not an icon's <svg><title> in the body
    found += [(1.0, structured.meta_first("og:title")),
              (0.5, structured.meta_first("twitter:title")),
              (1.0, title.text_content() if title is not None else None)]
    votes: dict[str, tuple[float, str]] = {}
    for weight, value in found:
        text = _clean(value)
        if text and len(text) <= _MAX_CHARS and votes.get(
                key := _key(text), (0.0, ""))[0] < weight:
            votes[key] = (weight, text)
    return list(votes.values())


def _site_names(structured: Structured, sitename: str | None, url: str | None,
                 declared: list[tuple[float, str]], headings: list[tuple[str, str]],
                 subheads: list[str]) -> _Sites:
    """The site's names: those the page declares, the headings of its header
    (a logo's text), its host name and ``sitename``, unless that is the text of
    one of the page's other headings (trafilatura takes a part of ``<title>``
    with a dot in it for the site's name, which may be the headline). A "name"
    that is a whole title of the page is none."""
    sites = _Sites()
    for value in meta_names(structured):
        sites.add(value.lstrip("@"))
    for name in ld_names(structured):
        sites.add(name)
    sites.logos = {_compact(text) for text, place in headings if place == "header"}
    shown = {_compact(text) for text, place in headings if place != "header"} | {
        _compact(text) for text in subheads}
    if sitename and _compact(sitename) not in shown and not _SENTENCE.search(sitename):
        sites.guess = _compact(sitename)
    titles = {_compact(t) for _, t in declared}
    sites.names -= titles
    sites.logos -= titles
    if sites.guess in titles:
        sites.guess = ""
    labels = [_compact(label) for label in host_labels(url)]
    sites.host = {label for label in labels if label}
    return sites


def _trim(title: str, sites: _Sites) -> str:
    """``title``'s first run of parts that do not name the site: without
    "Site | " before it or " - Site" after it, nor what follows a site's name
    ("Headline - Site - Tagline"). Where every part would go, the caller's
    guess at the site's name is the one wrong."""
    parts = _split(title)
    words = _words(title)
    run: list[tuple[str, str]] = []
    if len(parts) > 1:
        sites_part = [sites.is_site(part, title_words=words) for part, _ in parts]
        if all(sites_part) and sites.guess:
            sites = replace(sites, guess="")
            sites_part = [sites.is_site(part, title_words=words) for part, _ in parts]
        for part, is_site in zip(parts, sites_part, strict=True):
            if not is_site:
                run.append(part)
            elif run:
                break
    else:
        run = parts
    if not run:
        return _EDGE_SYMBOLS.sub("", title) or title
    text = "".join(part + sep for part, sep in run[:-1]) + run[-1][0]
    head = _COLON.split(text, maxsplit=1)
    if len(head) == 2 and sites.is_site(head[0], title_words=words, strict=True) and _key(head[1]):
        text = head[1]
    return _EDGE_SYMBOLS.sub("", text) or text.strip()


def _split(title: str) -> list[tuple[str, str]]:
    """``title``'s parts, each with the separator after it."""
    parts: list[tuple[str, str]] = []
    start = 0
    for match in _SEPARATOR.finditer(title):
        if match.start() == 0 or match.end() == len(title):
            continue
        parts.append((title[start:match.start()], match.group()))
        start = match.end()
    parts.append((title[start:], ""))
    return parts


def _headings(tree: HtmlElement) -> list[tuple[str, str]]:
    """The ``<h1>`` texts that may be the headline, each with where it stands
    (:func:`_place`)."""
    found = []
    for h1 in tree.iter("h1"):
        text = _heading_text(h1)
        if not text or len(text) > _MAX_CHARS or "{{" in text:
            continue  # empty, a whole block in a heading, an unrendered template
        place = _place(h1)
        if place != "chrome" and not any(_is_home(a.get("href")) for a in h1.iter("a")):
            found.append((text, place))  # a heading linking home is a logo
    return found


def _subheads(tree: HtmlElement) -> list[str]:
    """The texts of the page's ``<h2>`` and ``<h3>``: where old blog themes show
    a post's title under the blog's name in ``<h1>``."""
    return [text for h in tree.iter("h2", "h3") if (text := _heading_text(h))]


def _heading_text(element: HtmlElement) -> str | None:
    parts: list[str] = []
    _text_into(element, parts)
    parts.pop()  # the heading's own tail
    return _clean("".join(parts))


def _text_into(element: HtmlElement, parts: list[str]) -> None:
    """The text a reader sees: no script or style; a line break is a space."""
    if element.tag == "br":
        parts.append(" ")
    elif element.tag not in _HIDDEN_TAGS:
        parts.append(element.text or "")
        for child in element:
            _text_into(child, parts)
    parts.append(element.tail or "")


def _place(element: HtmlElement) -> str:
    """Where a heading stands: "content" (in the article or the page's main
    part), "chrome" (navigation, side bar, footer, logo), "header" (the page's
    header, outside the article) or "page"."""
    header = False
    for ancestor in element.iterancestors():
        tag = ancestor.tag if isinstance(ancestor.tag, str) else ""
        if tag in ("body", "html"):  # their classes describe the whole page
            break
        role = (ancestor.get("role") or "").lower()
        if tag in _CONTENT_TAGS or role == "main":
            return "content"
        if tag in _CHROME_TAGS or role in _CHROME_ROLES:
            return "chrome"
        if tag == "a" and _is_home(ancestor.get("href")):
            return "chrome"  # a link to the home page: a logo
        tokens = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}".lower().split()
        if any(_is_chrome(token) for token in tokens):
            return "chrome"
        if (tag == "header" or role == "banner"
                or any(_HEADER_CLASS.search(t) for t in tokens)) and not any(
                _CONTENT_CLASS.search(t) for t in tokens):
            header = True
    return "header" if header else "page"


def _is_home(href: str | None) -> bool:
    """Whether a link goes to a site's home page ("/", "https://host/")."""
    try:
        link = urlsplit((href or "").strip())
    except ValueError:
        return False
    return link.path == "/" and not link.query


def _is_chrome(token: str) -> bool:
    """Whether a class or id names a navigation block, a side bar, a footer...:
    one of their words first or last ("menu-item", "site-footer"), or anywhere
    in a short name ("top-nav-bar"); not a layout's modifier ("has-sidebar",
    "story-sidebar-mode-wide")."""
    segments = [s for s in _SEGMENTS.split(token) if s]
    if not segments or segments[0] in _MODIFIERS:
        return False
    if segments[0] in _CHROME_WORDS or segments[-1] in _CHROME_WORDS:
        return True
    return len(segments) <= 3 and any(s in _CHROME_WORDS for s in segments)


def _clean(value: object) -> str | None:
    """A title as text: entities decoded, spaces collapsed, wrapping quotes off."""
    if not isinstance(value, str):
        return None
    text = _SPACE.sub(" ", html.unescape(value)).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return text or None


def _key(text: str | None) -> str:
    """Words only, case folded, apostrophes dropped: how two titles are compared."""
    folded = (text or "").casefold().replace("’", "").replace("'", "")
    return _NOT_WORD.sub(" ", folded).strip()


def _words(text: str) -> int:
    return sum(1 for word in text.split() if _WORD.search(word))


def _compact(text: str) -> str:
    return _NOT_WORD.sub("", text.casefold())
