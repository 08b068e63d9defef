"""The header fields a WARC record must have, and the forms they must take:
the MUSTs ("shall") of the WARC spec (ISO 28500, 1.0 and 1.1, sections 5 and
6), which a check for archivists flags. What the spec only recommends (a
``Content-Type`` on a record with a block) and record types it does not know
(to be skipped, it says) are no problem. Values are read without the white
space around them (continuation lines leave some). ARC records have a header
line instead: its length must be a byte count. Pure: the standard library.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Sequence

MANDATORY = ("WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length")
#: Record types that must name their WARC-Target-URI.
TARGETED = frozenset(("response", "resource", "request", "revisit", "conversion", "continuation"))
#: Fields of the spec (lower case) that one record may not repeat (WARC 1.1
#: allows WARC-Concurrent-To and WARC-Protocol more than once).
SINGLE = frozenset(name.lower() for name in (
    *MANDATORY, "Content-Type", "WARC-Target-URI", "WARC-Block-Digest", "WARC-Payload-Digest",
    "WARC-IP-Address", "WARC-Refers-To", "WARC-Refers-To-Target-URI", "WARC-Refers-To-Date",
    "WARC-Truncated", "WARC-Warcinfo-ID", "WARC-Filename", "WARC-Profile",
    "WARC-Identified-Payload-Type", "WARC-Segment-Number", "WARC-Segment-Origin-ID",
    "WARC-Segment-Total-Length"))
#: Fields whose value is a URI in angle brackets (a record id).
RECORD_IDS = ("WARC-Record-ID", "WARC-Refers-To", "WARC-Warcinfo-ID", "WARC-Segment-Origin-ID",
              "WARC-Concurrent-To")
_BRACKETED_URI = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*>")
#: W3C-ISO8601 (W3CDTF) in UTC, as far as the record's precision goes; ``T``
#: and ``Z`` in either case, as ISO 8601 allows (RFC 3339, section 5.6).
_DATE = re.compile(r"\d{4}(-\d\d(-\d\d([Tt]\d\d:\d\d(:\d\d(\.\d+)?)?[Zz])?)?)?")
_DIGITS = re.compile(r"\d+")


def field_problems(fields: Sequence[tuple[str, str]]) -> list[str]:
    """What is wrong with a WARC record's header ``fields`` (name, value), one
    line each; nothing when the record follows the spec's MUSTs."""
    values: dict[str, str] = {}
    for name, value in fields:
        values.setdefault(name.lower(), value.strip())

    def get(name: str) -> str:
        return values.get(name.lower(), "")

    record_type = get("WARC-Type").lower()
    required = list(MANDATORY)
    if record_type in TARGETED:
        required.append("WARC-Target-URI")
    if record_type == "revisit":
        required.append("WARC-Profile")
    if record_type == "continuation":
        required += ["WARC-Segment-Number", "WARC-Segment-Origin-ID"]
    problems = []
    missing = [name for name in required if not get(name)]
    if missing:
        problems.append(f"missing or empty mandatory field(s): {', '.join(missing)}")
    repeated = sorted(name for name, n in Counter(n.lower() for n, _ in fields).items()
                      if n > 1 and name in SINGLE)
    if repeated:
        problems.append(f"field(s) given more than once: {', '.join(repeated)}")
    for name in RECORD_IDS:
        for field, value in fields:
            if field.lower() == name.lower() and value.strip() \
                    and not _BRACKETED_URI.fullmatch(value.strip()):
                problems.append(f"{name} {value.strip()!r} is not a URI in angle brackets")
    if get("WARC-Date") and not _DATE.fullmatch(get("WARC-Date")):
        problems.append(f"WARC-Date {get('WARC-Date')!r} is not a UTC W3C-ISO8601 date")
    if get("Content-Length") and not _DIGITS.fullmatch(get("Content-Length")):
        problems.append(f"Content-Length {get('Content-Length')!r} is not a number of bytes")
    if get("WARC-IP-Address") and not _is_ip(get("WARC-IP-Address")):
        problems.append(f"WARC-IP-Address {get('WARC-IP-Address')!r} is not an IP address")
    problems += _segment_problems(record_type, get("WARC-Segment-Number"))
    return problems


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value.removeprefix("[").removesuffix("]"))
    except ValueError:
        return False
    return True


def _segment_problems(record_type: str, number: str) -> list[str]:
    if not number:
        return []
    if not _DIGITS.fullmatch(number) or int(number) < 1:
        return [f"WARC-Segment-Number {number!r} is not a positive number"]
    if record_type == "continuation" and int(number) < 2:
        return [f"WARC-Segment-Number {number} in a continuation record (2 or more)"]
    if record_type != "continuation" and int(number) != 1:
        return [f"WARC-Segment-Number {number} in a {record_type} record (the first segment "
                "is 1; later ones are continuation records)"]
    return []


def arc_problems(fields: Sequence[tuple[str, str]]) -> list[str]:
    """What is wrong with an ARC record's header line (warcio's names for its parts)."""
    values = {name.lower(): value.strip() for name, value in fields}
    problems = []
    if not values.get("uri"):
        problems.append("ARC header line without a URL")
    length = values.get("length", "")
    if not _DIGITS.fullmatch(length):
        problems.append(f"ARC record length {length!r} is not a number of bytes")
    return problems
