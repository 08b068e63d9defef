"""One credit string into clean names: the people it credits as authors, the
organisations it names, and the people it credits for something else.

**Cleaning** (what users expect, and what the benchmark's truth holds): no
"By"/"Von"/"Par"/"Por"/"Door"/"Author:"; no dates, times, "Updated ...",
reading times; no e-mail addresses or handles; no roles ("Senior Reporter",
"Staff Writer", "Founder"), alone or after a name; no "and 3 others"; nothing
after "Reviewed by", "Fact checked by", "Edited by", "Photo by",
"Illustration by", "Sponsored by": reviewers, editors and photographers are not
authors; no "Staff", "Newsroom", "Editorial team", "Admin" (no one's name); no
navigation or sharing words. Names split at ``,`` ``;`` ``|`` ``&`` "and" (and
"und", "et", "y"); post-nominal letters stay with their name as the page shows
them ("Jane Doe, MD", "Jane Doe, Ph.D." -- one name to a reader, two to a
metric that splits at commas, like the benchmark's truth); "Dr." and initials
are kept. A word alone is a name only where nothing fuller is (a first name, a
user name), never an all-capitals acronym. Organisations -- wire services
(Associated Press, Reuters, AFP, dpa ...), names with an organisation's word
(Team, News, Media, Inc, University ...), the site's own name -- are never
people: they go to :attr:`Credits.orgs`.

The words these rules use are in :mod:`.creditwords`; what names the site, in
:mod:`.sitenames`. Pure: a credit string and the :class:`Site` in, :class:`Credits` out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from crawler.extraction.metadata.creditwords import (
    AUTHOR_MARK,
    CREDENTIAL,
    DAYS,
    FURNITURE,
    LEAD_IN,
    MONTHS,
    NOT_NAMES,
    ORG_WORDS,
    OTHER_MARK,
    PAPER_WORDS,
    PARTICLES,
    ROLE_MODIFIERS,
    ROLES,
    STAFF,
    WIRES,
)
from crawler.extraction.metadata.sitenames import (
    NAME_META,
    declared_publisher,
    host_name,
    meta_names,
)
from crawler.extraction.metadata.structured import Structured


@dataclass
class Credits:
    """What one source says: the people and the organisations it credits."""

    people: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    #: People credited for something else ("Reviewed by", "Photo by").
    others: list[str] = field(default_factory=list)

    def add(self, other: Credits) -> None:
        self.people.extend(other.people)
        self.orgs.extend(other.orgs)
        self.others.extend(other.others)

    def __bool__(self) -> bool:
        return bool(self.people or self.orgs)


@dataclass
class Site:
    """The names the site goes by, to tell it from a person."""

    keys: set[str]
    #: The publisher the page declares (:func:`.sitenames.declared_publisher`).
    publisher: str | None

    @classmethod
    def of(cls, structured: Structured, url: str | None) -> Site:
        """The site's names: its declared publisher, its own name
        (:data:`.sitenames.NAME_META`), its host name."""
        publisher = declared_publisher(structured)
        keys = {name_key(v) for v in [publisher, *meta_names(structured, NAME_META)] if v}
        label = host_name(url)
        if label is not None:
            keys.add(re.sub(r"\W+", "", label).casefold())
        return cls({k for k in keys if k}, publisher)

    def names(self, name: str) -> bool:
        return name_key(name) in self.keys


def name_key(name: str) -> str:
    """A name to compare: no title ("Dr."), no post-nominals, no punctuation, no case."""
    return re.sub(r"\W+", "", _TITLE.sub("", name.split(",")[0])).casefold()


_TITLE = re.compile(r"^(?:dr|prof|mr|mrs|ms|mx|sir|dame|rev)\.?\s+", re.I)
_SPACE = re.compile(r"[^\S\n]+")
#: What introduces the authors (group ``author``) or someone else (``other``).
MARKS = re.compile(f"(?P<author>{AUTHOR_MARK})|(?P<other>{OTHER_MARK})", re.I)
_SEPARATORS = re.compile(
    r"\s*(?:[\n;|•·⋅∙●/]|,|\s[-–—]\s|&|\+|\s(?:and|und|et|y|e|en|og|och)\s)\s*", re.I)
#: ... and in a line of the page, where "Jane Doe on May 5" and "at The Times" end a name.
_LINE_SEPARATORS = re.compile(rf"{_SEPARATORS.pattern}|\s(?:on|at|in|for)\s|(?<=[a-z]{{3}})\.\s",
                              re.I)
#: A date, a time, a reading time, a year: never part of a name.
DATE = re.compile(
    rf"\b(?:{DAYS})\b\.?,?"
    rf"|\b(?:{MONTHS})\b\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(?:{MONTHS})\b\.?(?:,?\s+\d{{4}})?"
    rf"|\b(?:{MONTHS})\b\.?,?\s+\d{{4}}"
    r"|\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:T[\d:.+-]+Z?)?\b"
    r"|\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}\b)?"
    r"|\b\d+\s*(?:min(?:ute)?s?|hours?|hrs?|h|days?|weeks?|months?|years?)\b(?:\s+(?:read|ago))?"
    r"|\b\d{4}\b|\b(?:just\s+now|yesterday|today)\b", re.I)
_TRAILING_MONTH = re.compile(rf"(?:\s+(?:on|am|le|el|il))?\s+(?:{MONTHS})\.?$", re.I)
_EMAIL = re.compile(r"\S+@\S+\.\w+|\(?\s*@\w+\s*\)?")
_OTHERS = re.compile(r"^(?:and\s+)?(?:\d+|one|two|three|several|many)\s+(?:others?|more)$|^\+\d+$",
                     re.I)
#: "Doe, Jane" or "Doe, Jane A." in a field that holds one person's name.
_INVERTED = re.compile(r"([^\s,]+), ([^\s,]+(?: [^\s,]+)?)")
_ABBREVIATION_DOT = re.compile(r"(?<=^[A-Z]{2})\.$|(?<=^[A-Z]{3})\.$|(?<=^[A-Z]{4})\.$")


def is_staff(name: str) -> bool:
    """Whether a credit names a generic desk ("Staff", "The Newsroom"), no one."""
    return name.casefold().removeprefix("the ") in STAFF or name.casefold() in STAFF


def is_wire(name: str) -> bool:
    """Whether a credit is a wire service or a news agency."""
    return name.casefold() in WIRES


def split_names(text: str, site: Site | None = None, *, inverted: bool = False,
                byline: bool = False, usernames: bool = True) -> Credits:
    """The people and organisations one credit string names (see the module's
    docstring for the rules). ``inverted``: the string may be one "Last, First"
    name. ``byline``: text read off the page (lines, "By", dates, roles): a word
    alone is a name only on the first line that names anyone, and only when no
    one has a full name; ``usernames``: a word alone may be lower case."""
    text = _EMAIL.sub(" ", _SPACE.sub(" ", html.unescape(text))).strip()
    found = Credits()
    if not text:
        return found
    if inverted:
        match = _INVERTED.fullmatch(text)
        if match and not CREDENTIAL.match(match[2]) and not _is_org(match[2], site):
            text = f"{match[2]} {match[1]}"
    # what comes before "By" is a label or a date; before "Reviewed by", the authors
    segments: list[tuple[bool, str]] = []
    start, author = 0, True
    for mark in MARKS.finditer(text):
        if start == 0 and byline and mark.lastgroup == "author":
            author = False
        segments.append((author, text[start:mark.start()]))
        start, author = mark.end(), mark.lastgroup == "author"
    segments.append((author, text[start:]))
    separators = _LINE_SEPARATORS if byline else _SEPARATORS
    first_line: int | None = None
    line = 0
    for is_author, segment in segments:
        if not is_author:
            line += segment.count("\n")
            other = Credits()
            for part in separators.split(DATE.sub(" , ", segment)):
                _classify(part, other, site, single=False, usernames=False)
            found.others.extend(other.people)
            continue
        for piece in re.split(r"(\n)", DATE.sub(" , ", segment)):
            if piece == "\n":
                line += 1
                continue
            kind = None
            for part in separators.split(piece):
                before = len(found.people)
                single = not byline or first_line in (None, line)
                kind = _classify(part, found, site, single=single, usernames=usernames,
                                 affiliation=kind == "role") or kind
                if first_line is None and len(found.people) > before:
                    first_line = line
    if (byline and any(" " in n for n in found.people)) or any(map(is_wire, found.orgs)):
        # beside full names, a word alone is a label; beside a wire service, a
        # place ("PTI, Washington")
        found.people = [n for n in found.people if " " in n]
    if len(found.people) > 1 and site is not None:
        # "Jane Doe, Modern Farmer": the site's own name beside a person is the site
        found.orgs.extend(n for n in found.people if site.names(n))
        found.people = [n for n in found.people if not site.names(n)]
    return found


def _classify(part: str, found: Credits, site: Site | None, *, single: bool,
              usernames: bool, affiliation: bool = False) -> str | None:
    """Add one part of a credit to ``found``; say what it was ("person", "org",
    "role") or None. ``affiliation``: the part follows a role ("Jane Doe,
    Product Manager, Google Maps"), so a name there is an organisation's."""
    if part.rstrip().endswith(":"):
        return None  # a label ("Topic:")
    part = _strip(part)
    if not part or _OTHERS.match(part):
        return None
    if CREDENTIAL.match(part) and not is_wire(part):
        if found.people:
            found.people[-1] = f"{found.people[-1]}, {_ABBREVIATION_DOT.sub('', part)}"
        return None
    if is_staff(part):
        return None
    if is_wire(part):
        found.orgs.append(part)
        return "org"
    role = ROLES.search(part)
    if role:
        part = _strip(part[:role.start()])
        while part and part.rsplit(None, 1)[-1].casefold() in ROLE_MODIFIERS:
            part = part.rsplit(None, 1)[0] if " " in part else ""
        if " " not in part and not (part and _is_org(part, site)):
            return "role"  # a role alone, or one word before it ("Environmental Leader")
    if _is_org(part, site) or affiliation:
        if _is_name(part, org=True):
            found.orgs.append(part)
            return "org"
        return None
    if len(part.split()) > 2:
        part = _TRAILING_MONTH.sub("", part)
    if not _is_name(part):
        return None
    if " " not in part and (not single or not (usernames or part[0].isupper())
                            or (part.isupper() and len(part) <= 5)):
        return None  # a word alone: only a first name or a user name, not "CNN" or "FAIL"
    found.people.append(part)
    return "person"


#: Around a name: quotes, dashes, punctuation (a final dot only after a word, not "Jr.").
_FRAME = " \t\"'\u201c\u201d\u2018\u2019\u00ab\u00bb:,-\u2013\u2014"
_INITIAL_DOT = re.compile(r"\b[A-Z][a-z]?\.$")


def _strip(part: str) -> str:
    """A part of a credit without its frame: link texts around it ("About"),
    quotes, dashes, unbalanced brackets, a trailing "on"/"at"."""
    part = LEAD_IN.sub("", part)
    part = part.strip(_FRAME if _INITIAL_DOT.search(part) else _FRAME + ".")
    while part and part[-1] in ")]" and part.count("(") + part.count("[") < \
            part.count(")") + part.count("]"):
        part = part[:-1].strip()
    while part and part[0] in "([" and part.count("(") + part.count("[") > \
            part.count(")") + part.count("]"):
        part = part[1:].strip()
    if part.count("(") > part.count(")"):
        part = part[:part.rindex("(")].strip()
    return re.sub(r"\s+(?:on|at|in|am|le|el|il|um)$", "", part)


def _is_org(name: str, site: Site | None) -> bool:
    if ORG_WORDS.search(name):
        return True
    if site is None or not site.names(name):
        return False
    # the site's own name: one word, or a newspaper's ("Washington Post"); a
    # person's name is a personal site's ("Jane Doe" on janedoe.com)
    return " " not in name or PAPER_WORDS.search(name) is not None


def _is_name(part: str, *, org: bool = False) -> bool:
    """Whether ``part`` reads as a person's name (or, ``org``, an organisation's):
    a few capitalised words, no sentence, no digits, no navigation label."""
    words = part.split()
    if not 1 <= len(words) <= (8 if org else 6) or len(part) > 70 or \
            part.casefold() in NOT_NAMES:
        return False
    if any(c in part for c in "?!:;=<>{}@#\\|_©") or (not org and re.search(r"\d", part)):
        return False
    if org:
        return sum(1 for w in words if w[0].islower()) <= len(words) // 3
    if words[0].casefold() in ("the", "our", "your", "my", "a", "an", "team"):
        return False
    if any(w.casefold() in FURNITURE for w in words):
        return False
    if len(words) == 1:
        return len(part) >= 3
    return all(w[0].isupper() or not w[0].islower() or w.casefold() in PARTICLES
               for w in words)
