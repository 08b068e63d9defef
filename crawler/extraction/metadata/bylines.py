"""The bylines a page shows: the credits of its byline elements, and of a
line under its headline that has no byline markup.

- *bylines* (:func:`read_bylines`), in page order: elements whose class or id
  says byline, author, writer, contributor (not editor, reviewer, photo,
  credit), ``itemprop=author``, ``rel=author``, and short elements whose text
  starts "By" or says "written by"; not inside comments, navigation, a sidebar
  or footer that does not hold the headline, a consent banner, or a list of
  other stories (an ``li``/``article`` among three like siblings). Within one,
  its author links and elements named "name" say which of its words are
  names; an author's box with a biography is read by its short lines;
- *under the headline* (:func:`byline_under_headline`): a short block just
  under the ``<h1>`` that names someone beside a date, a role, "By" or
  post-nominal letters.

Each text is read into names by :func:`.credits.split_names`. Pure: the tree
is read, never changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.metadata.credits import (
    DATE,
    MARKS,
    Credits,
    Site,
    is_wire,
    name_key,
    split_names,
)
from crawler.extraction.metadata.creditwords import ROLES

#: The start of a text that may open a byline ("By", "Written by"), checked on
#: the whole element by :data:`_BY_START`.
_BY_TEXT = re.compile(r"\s*by\b|.{0,60}?(?:written|posted|authored|article|story|words)\s+by\b",
                      re.I | re.S)
_FOREIGN_BY = ("Von ", "von ", "Par ", "par ", "Por ", "por ", "Door ", "door ")
#: Class or id of a byline or an author's box (not "authority").
_BYLINE_ATTR = re.compile(r"by-?line|author(?!ity|ize)|writer|contributor|posted-?by|autor|"
                          r"auteur|reporter", re.I)
#: Regions whose names are not the article's authors.
_NOT_BYLINE_ATTR = re.compile(
    r"comment|comentario|kommentar|commento|reply|respond|disqus|related|recommend|read-?next|"
    r"more-?(?:from|stories|posts)|popular|trending|newsletter|testimonial|cookie|consent|gdpr|"
    r"(?:^|[-_\s])cmp"
    # navigation: "nav", "site-nav", "menu-item", "nav-links"; not "offset-nav", "nav-tabs"
    r"|(?:^|\s)(?:(?:main|site|primary|top|sub|header|footer|mobile)[-_])?"
    r"(?:nav|navbar|navigation|menu|breadcrumbs?)"
    r"(?:$|\s|[-_](?:menu|bar|wrap\w*|container|list|items?|links?)\b)", re.I)
#: Byline elements of people other than the authors.
_OTHER_CREDIT_ATTR = re.compile(r"editor(?!ial)|review(?:er|ed)|fact-?check|photo|illustrat|"
                                r"credit", re.I)
#: A link to an author's page, or an element holding just a name.
_NAME_LINK = re.compile(r"/(?:authors?|autor(?:en)?|auteurs?|autore|writers?|contributors?|"
                        r"people|staff|team|profiles?|journalists?|redakteur|by|user|members?|"
                        r"reporters?|columnists?|experts?)/|[?&]author=", re.I)
_NAME_ATTR = re.compile(r"name", re.I)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "select",
                        "option", "nav", "form", "textarea", "iframe", "img", "figure",
                        "figcaption", "blockquote", "head", "title", "time"})
_CONTAINERS = frozenset({"html", "body", "main", "article", "header", "section"})
_INLINE = frozenset({"a", "span", "b", "strong", "em", "i", "u", "small", "abbr", "cite",
                     "font", "bdi", "bdo", "mark", "sup", "sub", "q", "s", "label", "data"})
#: A byline holds a few names, a role, a date: a longer text is an author's
#: biography or a whole article, read through its smaller parts.
_MAX_BYLINE_CHARS = 250
_MAX_BOX_CHARS = 1500
_MAX_NAME_CHARS = 60
#: The start of a byline's text: "By Jane", "Von Jane", or "written by" early on.
_BY_START = re.compile(r"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or|[Dd]oor)\b\s*:?\s*(?:[^\W\d_a-z]|$)"
                       r"|^(?:\S+\s+){0,4}(?i:written|posted|authored|article|story|words)\s+by\b")


def read_bylines(tree: HtmlElement, site: Site) -> list[Credits]:
    """The credits of the page's byline elements, in page order."""
    found: list[Credits] = []
    done: set[HtmlElement] = set()
    for el in _candidates(tree):
        if el.tag in _CONTAINERS or el in done or any(a in done for a in el.iterancestors()):
            continue
        marked = _is_marked(el)
        if marked is None or _in_other_region(el):
            continue
        credits = _credits_of(el, site)
        # "By" alone in its element: the names are in its parent
        climb = el
        for _ in range(2):
            if credits.people or marked != "text":
                break
            parent = climb.getparent()
            if parent is None or parent.tag in _CONTAINERS or len(parent.text_content()) > \
                    _MAX_BYLINE_CHARS:
                break
            climb = parent
            credits = _credits_of(climb, site)
        if credits:
            done.add(climb)
            found.append(credits)
    return found


def _candidates(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Elements that may be bylines, in page order: by their class, id,
    ``itemprop`` or ``rel``, or by a text that starts like one. (One walk in
    Python: an XPath testing every attribute for every substring costs more.)"""
    search = _BYLINE_ATTR.search
    for el in tree.iter():
        tag = el.tag
        if tag.__class__ is not str or tag in _SKIP_TAGS:
            continue
        cls, ident, text, tail = el.get("class"), el.get("id"), el.text, el.tail
        if ((cls and search(cls)) or (ident and search(ident))
                or el.get("itemprop") in ("author", "creator") or "author" in (el.get("rel") or "")
                or (text and _opens_byline(text))):
            yield el
        if tail and _opens_byline(tail):
            parent = el.getparent()
            if parent is not None:
                yield parent


def _opens_byline(text: str) -> bool:
    if "y" in text or "Y" in text:
        return _BY_TEXT.match(text) is not None
    return text.lstrip().startswith(_FOREIGN_BY)


_HEADLINE = etree.XPath("//h1")
#: How far under the headline a byline is looked for, in lines (and never past
#: a block as long as the article's text: the byline is above it).
_UNDER_HEADLINE_LINES = 8
#: ", MD", ", Ph.D.": a sign that a line names people.
_POST_NOMINALS = re.compile(r",\s*(?:[A-Z][A-Za-z]?\.?){2,5}\b")


def byline_under_headline(tree: HtmlElement, site: Site) -> Credits:
    """A byline with no markup: a block right under the headline that names
    someone beside a date, a role, post-nominal letters or a "By"."""
    headline = next((h for h in _HEADLINE(tree) if h.text_content().strip()), None)
    if headline is None:
        return Credits()
    blocks: list[str] = []
    lines = 0
    node = headline
    for _ in range(3):  # its siblings, then its parent's, then theirs
        if lines >= _UNDER_HEADLINE_LINES or node.tag in ("body", "html"):
            break
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str) or sibling.tag in _SKIP_TAGS:
                continue
            if len(sibling.text_content()) > _MAX_BYLINE_CHARS:
                lines = _UNDER_HEADLINE_LINES  # the article's text: the byline is above it
                break
            text = _lines(sibling)
            blocks.append(text)
            lines += text.count("\n") + 1
            if lines >= _UNDER_HEADLINE_LINES:
                break
        parent = node.getparent()
        if parent is None:
            break
        node = parent
    for block in blocks:
        if not (DATE.search(block) or ROLES.search(block) or MARKS.search(block)
                or _POST_NOMINALS.search(block)):
            continue
        found = split_names(block, site, byline=True, usernames=False)
        found.people = [n for n in found.people if " " in n]
        if found.people:
            return found
    return Credits()


def _is_byline_attr(el: HtmlElement) -> bool | None:
    """True for a byline's class, id, ``itemprop`` or ``rel``, False for
    another credit's (an editor's, a photo's), None for neither."""
    if el.get("itemprop") in ("author", "creator") or "author" in (el.get("rel") or ""):
        return True
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
    if attrs == " " or not _BYLINE_ATTR.search(attrs):
        return None
    return not _OTHER_CREDIT_ATTR.search(attrs)


def _is_marked(el: HtmlElement) -> str | None:
    """Why ``el`` is a byline candidate ("attr", "text") or None."""
    attr = _is_byline_attr(el)
    if attr is not None:
        return "attr" if attr else None
    text = " ".join(el.text_content().split())
    if len(text) <= _MAX_BYLINE_CHARS and _BY_START.match(text):
        return "text"
    return None


def _credits_of(el: HtmlElement, site: Site) -> Credits:
    """The names in one byline element: those its text credits as authors
    (of a long one, an author's box with a biography, its short lines), kept
    to its name elements (author links, elements named "name") where it has some."""
    size = len(el.text_content())
    if size > _MAX_BOX_CHARS:
        return Credits()
    text = _lines(el)
    if size > _MAX_BYLINE_CHARS:
        text = "\n".join([ln for ln in text.split("\n") if len(ln) <= _MAX_NAME_CHARS][:12])
    found = split_names(text, site, byline=True, usernames=False)
    named = [e for e in el.iter() if e is not el and isinstance(e.tag, str) and (
        e.get("itemprop") == "name" or "author" in (e.get("rel") or "")
        or (e.tag == "a" and _NAME_LINK.search(e.get("href") or ""))
        or _NAME_ATTR.search(e.get("class") or ""))]
    named = [e for e in named if not any(a in named for a in e.iterancestors())]
    if not named:
        return found if size <= _MAX_BYLINE_CHARS or len(found.people) <= 1 else Credits()
    names = Credits()
    for e in named:
        names.add(split_names(_lines(e), site, byline=True, usernames=_is_author_link(e)))
    keys = {name_key(n) for n in names.people}
    kept = [n for n in found.people if name_key(n) in keys]
    others = {name_key(n) for n in found.others}
    found.people = kept or [n for n in names.people if name_key(n) not in others]
    found.orgs.extend(names.orgs)
    if any(map(is_wire, found.orgs)):
        found.people = [n for n in found.people if " " in n]  # "PTI, Washington"
    return found


def _is_author_link(el: HtmlElement) -> bool:
    return ("author" in (el.get("rel") or "") or el.get("itemprop") in ("author", "name")
            or "author" in (el.get("href") or ""))


def _in_other_region(el: HtmlElement) -> bool:
    """Whether ``el`` is in a comment, a list of other stories, a navigation bar."""
    for node in el.iterancestors():
        if node.tag in ("blockquote", "figure"):
            return True
        if node.tag in ("nav", "aside") and node.find(".//h1") is None:
            # (one holding the headline is the page itself, left unclosed)
            return True
        if node.tag == "footer" and node.find(".//h1") is None and not any(
                a.tag == "article" for a in node.iterancestors()):
            return True
        if _NOT_BYLINE_ATTR.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
        if node.tag in ("li", "article") and _repeated(node):
            return True
    return False


def _repeated(node: HtmlElement) -> bool:
    """Whether ``node`` is one of a list of like items (teasers of other stories)."""
    parent = node.getparent()
    if parent is None:
        return False
    like = [s for s in parent if s.tag == node.tag and s.get("class") == node.get("class")]
    return len(like) >= 3


def _lines(el: HtmlElement) -> str:
    """The element's text, a line break where the page shows one: at block
    elements and where two inline elements' words would otherwise touch."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if not isinstance(node.tag, str) or node.tag in _SKIP_TAGS:
            return
        edge = "\x00" if node.tag in _INLINE else "\x01"
        parts.append(edge)
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        parts.append(edge)

    if el.tag == "meta":
        return el.get("content") or ""
    walk(el)
    text = "".join(parts)
    text = re.sub(r"(?<=\w)\x00+(?=\w)", "\n", text).replace("\x00", "").replace("\x01", "\n")
    return "\n".join(ln for ln in (" ".join(x.split()) for x in text.split("\n")) if ln)
