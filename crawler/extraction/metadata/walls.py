"""Paywalls, consent walls and block pages: whether a page's text is the article.

Two steps. :func:`wall_evidence` reads what the page's markup says, on the tree
as parsed and before the markup rules remove ad and promo containers (which may
take consent banners and paywall boxes with them); it never changes the tree.
:func:`find_walls` weighs that evidence with the extracted text, the title and
the HTTP status (None when unknown) once the text is known. The words and
markup it looks for are in :mod:`.wallwords`.

The flags (:data:`FLAGS`):

- ``paywall``: the page declares its content not free (schema.org
  ``isAccessibleForFree: false``, on the article or on a ``hasPart``), holds a
  paywall container (a class or id word paywall vendors and CMSs use, around a
  subscribe prompt or around the paid text), or its text ends in a subscribe
  prompt; a page that declares itself free is flagged by its title only.
  Sites often serve the whole text to crawlers all the same: the page is then
  still the article, flagged, with no ``reason``. Only a teaser (a short text,
  one ending in or dominated by the prompt, or one whose declared paid part
  was not served) gets ``reason="paywall"``.
- ``consent_wall``: a consent host's page, or a small page nearly all of whose
  text sits in a consent dialog (a CMP's container, or a dialog, that offers
  to accept, with more to say than a cookie bar) and whose extracted text is
  no article. A cookie banner beside an article (most pages have one) is no
  wall and no flag; neither is an article about consent banners.
- ``blocked``: a bot challenge or block page (Cloudflare, Akamai, Imperva,
  PerimeterX, DataDome, AWS WAF, Sucuri, a captcha alone, "Access denied"):
  no article text, and a title that is a block phrase, text made of block
  phrases, or (on a page with next to no text) a challenge vendor's markup or
  a captcha widget with nothing else to fill in; a 429 status with no article
  text. Always ``reason="blocked"``.

Every rule rests on what the vendors', CMSs' and CMPs' pages say and how they
are built, never on one site's page. A page can carry several flags; its
reason is the first of blocked, consent wall, paywall that applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.metadata.structured import Structured, ld_types
from crawler.extraction.metadata.wallwords import (
    ACCEPT,
    BLOCK,
    CAPTCHA_WIDGET,
    CHALLENGE,
    CONSENT_BOX_STEMS,
    CONSENT_HOSTS,
    CONSENT_WORD,
    CONTAINER_WORD,
    NEGATED,
    NUDGE,
    PAYWALL_STEMS,
    PROMPT,
    VENDOR_WORD,
)
from crawler.extraction.signals import ARTICLE_TYPES

FLAGS = ("paywall", "consent_wall", "blocked")

#: A page with more visible text than this is no interstitial nor block page:
#: its text is not kept in the evidence.
SMALL_PAGE_CHARS = 8000
#: A paywalled page's text shorter than this is a teaser.
TEASER_CHARS = 1200
#: A text ending in a subscribe prompt is a teaser when the rest is shorter than this.
PROMPT_TEASER_CHARS = 3000
#: A block page's own text is shorter than this.
THIN_CHARS = 1500
#: A captcha widget alone makes a block page only on a page with less text than this.
CAPTCHA_ONLY_CHARS = 300
#: A paywall container holding this much text wraps the paid text itself.
WRAPPED_CHARS = 300
#: How far into a paywall box its prompt is looked for, and in how many boxes
#: of one class.
PROMPT_SPAN = 2000
MAX_CONTAINERS = 10
#: How much of a thin page's inline scripts is read for challenge markup
#: (a challenge page's script is short; other pages' can hold megabytes).
INLINE_SPAN = 50_000
#: A consent interstitial's dialog says at least this much (purposes, partners,
#: choices); a cookie bar says a sentence or two.
CONSENT_DIALOG_CHARS = 400
#: What a consent interstitial's extracted text may hold besides consent wording ...
CONSENT_REST_CHARS = 400
#: ... and its whole page (logo, links, language menu).
CONSENT_PAGE_REST_CHARS = 1000

_CLASSES = etree.XPath("//@class", smart_strings=False)
_IDS = etree.XPath("//@id", smart_strings=False)
_URLS = etree.XPath("//script/@src | //iframe/@src | //form/@action", smart_strings=False)
_INLINE = etree.XPath("//script[not(@src)]/text()", smart_strings=False)
_TEXT_FIELDS = etree.XPath(
    "//textarea | //input[not(@type) or @type='text' or @type='email' or @type='search']")
_NORMALIZED_LENGTH = etree.XPath("string-length(normalize-space(.))")
# (from the body: "descendant::" from one node is much faster than "//body//")
_VISIBLE = etree.XPath("descendant::text()[not(parent::script or parent::style)]",
                       smart_strings=False)
_TITLE = etree.XPath("//head/title/text()", smart_strings=False)
_DIALOGS = etree.XPath("//*[@role='dialog' or @role='alertdialog' or @aria-modal='true']")
_CHOICES = etree.XPath(
    "descendant-or-self::*[self::button or self::a or @role='button']"
    " | descendant::input[@type='submit' or @type='button']/@value", smart_strings=False)


@dataclass(frozen=True)
class WallEvidence:
    """What the page's markup says, read before the markup is cleaned."""

    #: ``isAccessibleForFree`` as the page declares it (the article's, else any
    #: object's, JSON-LD or microdata): False for paid content, None undeclared.
    free: bool | None = None
    #: Visible characters of the parts declared paid (``hasPart`` with
    #: ``isAccessibleForFree: false`` and a ``cssSelector`` of classes or ids);
    #: None when no such part is declared or its selector is not one we read.
    paid_part_chars: int | None = None
    #: Class or id words of the paywall containers that hold a subscribe prompt
    #: or wrap the paid text.
    paywall_markup: tuple[str, ...] = ()
    #: Characters of the text inside consent dialogs (CMP containers, dialogs
    #: holding consent wording), counted as :attr:`page_chars`, on a small
    #: page (one with :attr:`small_text`); 0 on others.
    consent_chars: int = 0
    #: The page is served by a consent host (``consent.*``, ``guce.*``, ``myprivacy.*``).
    consent_host: bool = False
    #: Challenge vendors whose markup the page carries, read on a page with at
    #: most :data:`THIN_CHARS` of text only.
    challenge_markup: tuple[str, ...] = ()
    #: A captcha widget (reCAPTCHA, hCaptcha, Turnstile) on such a page, with
    #: no text field beside it (as a contact or comment form has).
    captcha: bool = False
    #: The document's ``<title>``.
    page_title: str | None = None
    #: Characters of the page's visible text, white space runs counted as one
    #: (scripts and styles left out).
    page_chars: int = 0
    #: That text, one line per text node, when it is at most
    #: :data:`SMALL_PAGE_CHARS` long ("" on a page with no body); None on
    #: larger pages.
    small_text: str | None = None


@dataclass(frozen=True)
class Walls:
    #: A subset of :data:`FLAGS`.
    flags: frozenset[str] = frozenset()
    #: Why the page must not be written as an article ("blocked",
    #: "consent_wall" or "paywall"); None when its text is the article.
    reason: str | None = None


def wall_evidence(tree: HtmlElement, structured: Structured, *, url: str | None) -> WallEvidence:
    """Read the wall evidence of a page's tree (as parsed, not yet cleaned)."""
    body = tree.find("body")
    page_chars = _visible_chars(body)
    # the class and id words, each once
    words = " ".join({*" ".join(_CLASSES(tree)).split(), *_IDS(tree)})
    lower = words.lower()
    small_text = None
    consent_chars = 0
    challenges: tuple[str, ...] = ()
    captcha = False
    if page_chars <= SMALL_PAGE_CHARS:
        if body is not None:
            small_text = "\n".join(filter(None, (" ".join(t.split()) for t in _VISIBLE(body))))
            consent_chars = _consent_chars(tree, words, lower)
        else:
            small_text = ""
        if page_chars <= THIN_CHARS:
            marked = " ".join((lower, *_URLS(tree), " ".join(_INLINE(tree))[:INLINE_SPAN]))
            marked = marked.lower()
            challenges = tuple(n for n, p in CHALLENGE.items() if p.search(marked))
            # a contact or comment form has its captcha too, beside fields to fill in
            captcha = bool(CAPTCHA_WIDGET.search(marked)) and not _TEXT_FIELDS(tree)
    free, selectors = _declared(structured)
    title = _TITLE(tree)
    return WallEvidence(
        free=free,
        paid_part_chars=_chars_of(tree, selectors) if selectors else None,
        paywall_markup=_paywall_markup(tree, words, lower),
        consent_host=_host_label(url) in CONSENT_HOSTS,
        consent_chars=consent_chars,
        challenge_markup=challenges,
        captcha=captcha,
        page_title=" ".join(title[0].split()) or None if title else None,
        page_chars=page_chars,
        small_text=small_text,
    )


def _visible_chars(body: HtmlElement | None) -> int:
    """Characters of the body's text, white space runs counted as one, scripts
    and styles left out (counted by libxml2's XPath: fast on large pages, whose
    scripts can hold megabytes). Templates count: declarative shadow roots
    (``<template shadowrootmode>``) are shown."""
    if body is None:
        return 0
    hidden = sum(_chars(el) for el in body.iter("script", "style"))
    return max(0, _chars(body) - hidden)


def _chars(element: HtmlElement) -> int:
    return int(_NORMALIZED_LENGTH(element))


def find_walls(evidence: WallEvidence, *, text: str | None, title: str | None,
               status: int | None) -> Walls:
    """The page's flags, and the reason it is not an article when it is a wall."""
    flags: set[str] = set()
    if _is_blocked(evidence, text, title, status):
        flags.add("blocked")
    if _is_consent_wall(evidence, text, status):
        flags.add("consent_wall")
    teaser = None
    if "blocked" not in flags:
        paywall, teaser = _paywall(evidence, text, title)
        if paywall:
            flags.add("paywall")
    reason = next((f for f in ("blocked", "consent_wall") if f in flags),
                  "paywall" if teaser else None)
    return Walls(frozenset(flags), reason)


def _is_blocked(evidence: WallEvidence, text: str | None, title: str | None,
                status: int | None) -> bool:
    body = text or ""
    if len(body) >= THIN_CHARS:
        return False
    if status == 429:
        return True
    # a block page's title is the phrase ("Access Denied", "Just a moment...");
    # a headline that quotes one says more
    says = (any(_mostly(s, BLOCK) for s in (evidence.page_title, title) if s)
            or _block_text(body))
    if evidence.small_text is None:
        return says and status in (403, 503)
    if evidence.page_chars <= THIN_CHARS:
        # a challenge vendor's markup, a captcha, even the phrases, are on many
        # ordinary pages too (bot-management scripts, forms, hidden templates):
        # they count on a page with next to no text of its own
        return (says or _block_text(evidence.small_text) or bool(evidence.challenge_markup)
                or (evidence.captcha and evidence.page_chars <= CAPTCHA_ONLY_CHARS))
    return says


def _mostly(title: str, pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern``'s matches make at least half of ``title``."""
    matched = sum(len(m.group(0)) for m in pattern.finditer(title))
    return matched * 2 >= len(title.strip())


def _block_text(text: str) -> bool:
    """Whether a block page's phrases make a quarter of ``text`` or more (a
    block page's lines say little else)."""
    blocked, rest = _split_chars(text, BLOCK)
    return blocked > 0 and blocked * 3 >= rest


def _is_consent_wall(evidence: WallEvidence, text: str | None, status: int | None) -> bool:
    """A consent host's page, or a small page nearly all of whose text is a
    consent dialog's (a dialog with more to say than a cookie bar), and whose
    extracted text is no article. An error page with a cookie bar is no wall."""
    if status is not None and not 200 <= status < 300:
        return False
    if evidence.consent_host:
        return True
    page = evidence.small_text
    # an article about consent banners is consent wording too, but in no dialog
    if (not page or evidence.consent_chars < CONSENT_DIALOG_CHARS
            or evidence.consent_chars * 2 < evidence.page_chars):
        return False
    consent, rest = _split_chars(page, CONSENT_WORD, limit=CONSENT_PAGE_REST_CHARS)
    if consent < rest or rest > CONSENT_PAGE_REST_CHARS:
        return False
    if not text or len(text) < CONSENT_REST_CHARS:
        return True
    consent, rest = _split_chars(text, CONSENT_WORD, limit=CONSENT_REST_CHARS)
    return consent >= 2 * rest and rest <= CONSENT_REST_CHARS


def _paywall(evidence: WallEvidence, text: str | None, title: str | None) -> tuple[bool, bool]:
    """(paywall, teaser): whether the page says its content is paid, and whether
    its text is only the teaser."""
    body = text or ""
    tail = "\n".join(body.rsplit("\n", 3)[-3:])[-600:]
    prompt_title = bool(title and PROMPT.search(title))
    prompt_tail = bool(PROMPT.search(tail) or (len(body) < TEASER_CHARS and NUDGE.search(tail)))
    declared = evidence.free is False
    # a page that declares itself free has the site's paywall box and its prompt in
    # its template only, hidden
    page_says = bool(evidence.paywall_markup) or prompt_tail
    paywall = declared or prompt_title or (page_says and evidence.free is not True)
    if not paywall:
        return False, False
    if evidence.paid_part_chars is not None and evidence.paid_part_chars >= WRAPPED_CHARS:
        return True, False  # the part declared paid was served: the text is whole
    prompt, rest = _split_chars(body, PROMPT, NUDGE, limit=PROMPT_TEASER_CHARS)
    teaser = (len(body) < TEASER_CHARS or prompt_title or prompt >= rest / 2
              or (prompt_tail and rest < PROMPT_TEASER_CHARS)
              or (evidence.paid_part_chars == 0 and rest < PROMPT_TEASER_CHARS))
    return True, teaser


def _split_chars(text: str, *patterns: re.Pattern[str],
                 limit: int | None = None) -> tuple[int, int]:
    """Characters of the lines that match one of ``patterns``, and of the
    others; counting stops once the others pass ``limit``."""
    matched = rest = 0
    for line in text.split("\n"):
        size = len(line.strip())
        if any(p.search(line) for p in patterns):
            matched += size
        else:
            rest += size
            if limit is not None and rest > limit:
                break
    return matched, rest


def _host_label(url: str | None) -> str:
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return ""
    return host.split(".", 1)[0] if host.count(".") >= 1 else ""


def _says_false(value: object) -> bool | None:
    """Whether a schema.org Boolean is false (None: not a Boolean)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        word = value.strip().rsplit("/", 1)[-1].lower()  # also "https://schema.org/False"
        if word in ("false", "true", "no", "yes"):
            return word in ("false", "no")
    return None


def _declared(structured: Structured) -> tuple[bool | None, list[str]]:
    """``isAccessibleForFree`` (the article's first, else any object's, else
    microdata's), and the CSS selectors of the parts declared not free."""
    found: dict[bool, bool | None] = {True: None, False: None}
    selectors: list[str] = []
    for node in structured.ld:
        is_article = bool(ld_types(node) & ARTICLE_TYPES)
        paid = _says_false(node.get("isAccessibleForFree"))
        if paid is not None and found[is_article] is None:
            found[is_article] = not paid
        parts = node.get("hasPart")
        for part in parts if isinstance(parts, list) else [parts]:
            if isinstance(part, dict) and _says_false(part.get("isAccessibleForFree")):
                if found[is_article] is None:
                    found[is_article] = False
                selector = part.get("cssSelector")
                selectors.extend(s for s in (selector if isinstance(selector, list) else [selector])
                                 if isinstance(s, str))
    free = found[True] if found[True] is not None else found[False]
    if free is None:
        micro = _says_false(structured.meta_first("isaccessibleforfree"))
        free = None if micro is None else not micro
    return free, selectors


_SIMPLE_SELECTOR = re.compile(r"^([a-zA-Z][a-zA-Z0-9]*)?((?:[.#][\w-]+)+)$")


def _chars_of(tree: HtmlElement, selectors: list[str]) -> int | None:
    """Visible characters of the elements the selectors (``tag.class#id``
    forms, comma lists) pick; None when one is of another form."""
    tests = []
    for selector in (s.strip() for group in selectors for s in group.split(",")):
        m = _SIMPLE_SELECTOR.match(selector)
        if not m:
            return None
        conds = [f"contains(concat(' ', normalize-space(@class), ' '), ' {name[1:]} ')"
                 if name[0] == "." else f"@id='{name[1:]}'"
                 for name in re.findall(r"[.#][\w-]+", m[2])]
        tests.append(f"//{m[1] or '*'}[{' and '.join(conds)}]")
    elements = tree.xpath(" | ".join(tests))
    return sum(len(" ".join(el.text_content().split())) for el in _outermost(elements))


def _words_with(words: str, lower: str, stems: tuple[str, ...]) -> dict[str, str]:
    """The space-separated words of ``words`` (``lower`` in lower case) that
    hold one of ``stems``, each with that stem as the word spells it."""
    # lower() keeps the offsets but for a few non-ASCII letters
    source = words if len(words) == len(lower) else lower
    found = {}
    for stem in stems:
        at = lower.find(stem)
        while at >= 0:
            start, end = lower.rfind(" ", 0, at) + 1, lower.find(" ", at)
            end = len(lower) if end < 0 else end
            found[source[start:end]] = source[at:at + len(stem)]
            at = lower.find(stem, end)
    return found


def _carrying(tree: HtmlElement, spellings: set[str]) -> list[HtmlElement]:
    """The elements whose class or id holds one of ``spellings``, in one pass."""
    tests = [f"contains(@class, '{s}') or contains(@id, '{s}')" for s in sorted(spellings)
             if "'" not in s]
    return tree.xpath(f"//*[{' or '.join(tests)}]") if tests else []


def _paywall_markup(tree: HtmlElement, words: str, lower: str) -> tuple[str, ...]:
    """Class/id words (lower case) of paywall containers that wrap the paid
    text or hold a subscribe prompt (a gate's prompt comes first in its box)."""
    found_words = _words_with(words, lower, PAYWALL_STEMS)
    kinds = {}
    for word in found_words:
        low = word.lower()
        container = bool(CONTAINER_WORD.search(low))
        if not NEGATED.search(low) and (container or VENDOR_WORD.search(low)):
            kinds[word] = container
    if not kinds:
        return ()
    holders: dict[str, list[HtmlElement]] = {w: [] for w in kinds}
    for el in _carrying(tree, {found_words[w] for w in kinds}):
        for word in {*(el.get("class") or "").split(), el.get("id") or ""}.intersection(kinds):
            holders[word].append(el)
    found = set()
    for word, container in kinds.items():
        for el in _outermost(holders[word])[:MAX_CONTAINERS]:
            if el.tag in ("html", "body", "script", "style"):
                continue
            text = " ".join(el.text_content().split())
            if (container and len(text) >= WRAPPED_CHARS) or PROMPT.search(text[:PROMPT_SPAN]):
                found.add(word.lower())
                break
    return tuple(sorted(found))


def _consent_chars(tree: HtmlElement, words: str, lower: str) -> int:
    """Characters of the text inside consent dialogs: the elements with a
    consent word in their class or id, and dialogs with consent wording, that
    offer to accept (a cookie policy's text in a "cookie-policy" box offers
    nothing)."""
    spellings = set(_words_with(words, lower, CONSENT_BOX_STEMS).values())
    boxes = [el for el in _carrying(tree, spellings)
             if el.tag not in ("html", "body", "script", "style")]
    boxes += [el for el in _DIALOGS(tree) if CONSENT_WORD.search(el.text_content()[:PROMPT_SPAN])]
    return sum(_chars(box) for box in _outermost(boxes) if _offers_to_accept(box))


def _offers_to_accept(box: HtmlElement) -> bool:
    for choice in _CHOICES(box):
        label = choice if isinstance(choice, str) else choice.text_content()
        if len(label) <= 60 and ACCEPT.search(label):
            return True
    return False


def _outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """``elements`` without the ones inside another, each once."""
    chosen = set(elements)
    return [el for el in dict.fromkeys(elements)
            if not any(a in chosen for a in el.iterancestors())]
