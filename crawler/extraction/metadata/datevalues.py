"""Reading one date as a page writes it: ISO 8601 (with the page's time and
offset kept as given), RFC 2822, and dates written out in text in English,
German, French, Spanish, Italian, Portuguese, Dutch and CJK, or numeric, read
month first or day first by the page's language. Pure; used by
:mod:`.dates` and :mod:`.dateshown`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_tz
from urllib.parse import urlsplit

from lxml.html import HtmlElement


@dataclass(frozen=True)
class When:
    """A date as read: its day, its ISO 8601 value as the page gives it."""

    day: date
    value: str
    #: The instant, where the value has a time and an offset.
    moment: datetime | None = None

    @property
    def utc(self) -> bool:
        return self.moment is not None and self.moment.utcoffset() == timedelta(0)


_ISO = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?(?![\d:])", re.I)
_MIN_YEAR = 1990


def make_day(year: int, month: int, day: int) -> date | None:
    if year < _MIN_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _iso(raw: str) -> When | None:
    m = _ISO.match(raw)
    if m is None:
        return None
    year, month, dd, hour, minute, second, zone = m.groups()
    day = make_day(int(year), int(month), int(dd))
    if day is None:
        return None
    if hour is None:
        return When(day, day.isoformat())
    if int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
        return When(day, day.isoformat())
    value = f"{day.isoformat()}T{int(hour):02d}:{minute}" + (f":{second}" if second else "")
    if zone is None:
        return When(day, value)
    if zone.upper() in ("Z", "UTC", "GMT"):
        offset, text = timedelta(0), "Z"
    else:
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 14 or minutes > 59:
            return When(day, value)
        offset = timedelta(hours=hours, minutes=minutes) * (-1 if zone[0] == "-" else 1)
        text = f"{zone[0]}{hours:02d}:{minutes:02d}"
    moment = datetime(day.year, day.month, day.day, int(hour), int(minute), int(second or 0),
                      tzinfo=timezone(offset))
    return When(day, value + text, moment)


def _rfc2822(raw: str) -> When | None:
    """``Thu, 04 Sep 2025 19:24:33 GMT`` (RSS, HTTP-style attributes)."""
    if not re.match(r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", raw):
        return None
    parts = parsedate_tz(raw)
    if parts is None:
        return None
    day = make_day(*parts[:3])
    if day is None:
        return None
    moment = datetime(*parts[:6], tzinfo=timezone(timedelta(seconds=parts[9] or 0)))
    named_utc = re.search(r"\s(?:GMT|UTC?|Z)\s*$", raw, re.I) is not None
    return _iso(moment.isoformat().replace("+00:00", "Z") if named_utc else moment.isoformat())


# --------------------------------------------------------------------------- dates in text

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
        "january jan januar jänner janvier janv enero ene gennaio gen janeiro januari",
        "february feb februar février fevrier févr fevr febrero febbraio fevereiro fev februari",
        "march mar märz maerz mär mars marzo março marco maart mrt",
        "april apr avril avr abril abr aprile",
        "may mai mayo maggio mag maio mei",
        "june jun juni juin junio giugno giu junho",
        "july jul juli juillet juil julio luglio lug julho",
        "august aug août aout agosto ago augustus",
        "september sep sept septembre septiembre setiembre settembre set setembro",
        "october oct oktober octobre octubre ottobre ott outubro out okt",
        "november nov novembre noviembre novembro",
        "december dec dezember dez décembre decembre déc dic diciembre dicembre dezembro",
), start=1):
    for _name in _names.split():
        _MONTHS[_name] = _number
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
TEXT_DATE = re.compile(
    rf"(?<![\w\d])(?:"
    rf"(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th|er|\.|º)?\s*(?:de\s+|of\s+)?(?P<m2>{_MONTH})\.?,?\s*"
    rf"(?:de\s+)?(?P<y2>\d{{4}})"
    rf"|(?P<y3>\d{{4}})(?P<s3>[-/.])(?P<m3>\d{{1,2}})(?P=s3)(?P<d3>\d{{1,2}})"
    rf"|(?P<y4>\d{{4}})\s*年\s*(?P<m4>\d{{1,2}})\s*月\s*(?P<d4>\d{{1,2}})\s*日"
    rf"|(?P<a5>\d{{1,2}})(?P<s5>[-/.])(?P<b5>\d{{1,2}})(?P=s5)(?P<y5>\d{{4}})"
    rf")(?![\d])", re.I)
#: English-speaking countries that write the day first (by language region or TLD).
_DAY_FIRST_EN = frozenset(
    "gb uk au nz ie in za sg my pk ng ke gh mt jm hk lk bd".split())


def readings(m: re.Match[str], mdy: bool) -> list[date]:
    """The days a match of :data:`TEXT_DATE` can mean, the likelier first
    (``mdy``: the page writes numeric dates month first)."""
    g = m.groupdict()
    for mk, dk, yk in (("m1", "d1", "y1"), ("m2", "d2", "y2")):
        if g[mk]:
            day = make_day(int(g[yk]), _MONTHS[g[mk].lower()], int(g[dk]))
            return [day] if day else []
    for yk, mk, dk in (("y3", "m3", "d3"), ("y4", "m4", "d4")):
        if g[yk]:
            day = make_day(int(g[yk]), int(g[mk]), int(g[dk]))
            return [day] if day else []
    a, b, year = int(g["a5"]), int(g["b5"]), int(g["y5"])
    as_mdy, as_dmy = make_day(year, a, b), make_day(year, b, a)
    first, second = (as_mdy, as_dmy) if mdy and g["s5"] != "." else (as_dmy, as_mdy)
    return [d for d in dict.fromkeys((first, second)) if d is not None]


def month_first(tree: HtmlElement, url: str | None) -> bool:
    """Whether the page writes numeric dates month first (US English)."""
    lang = (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
            or "en").strip().lower().replace("_", "-")
    if not lang.startswith("en"):
        return False
    region = lang[3:5]
    if region:
        return region not in _DAY_FIRST_EN
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:  # an unreadable URL names no country
        host = ""
    return host.rsplit(".", 1)[-1] not in _DAY_FIRST_EN


def text_when(raw: str, mdy: bool) -> When | None:
    m = TEXT_DATE.search(raw)
    if m is None:
        return None
    days = readings(m, mdy)
    return When(days[0], days[0].isoformat()) if days else None


def parse_value(raw: object, mdy: bool) -> When | None:
    """A declared date (ISO 8601, RFC 2822, or a date written out) as the page gives it."""
    if isinstance(raw, list) and raw:  # a JSON-LD property given as a list
        raw = raw[0]
    if not isinstance(raw, str) or not raw.strip():
        return None
    raw = raw.strip()
    return _iso(raw) or _rfc2822(raw) or text_when(raw[:60], mdy)
