"""Block and payload digests of a WARC record, checked while its block streams
by (bounded memory: a record of any size is hashed in chunks).

The payload of an HTTP record is the entity body after the HTTP headers. When
the response came with ``Transfer-Encoding: chunked`` two conventions exist:

- the WARC spec (1.1, section 6.3.1: the payload is the entity body with any
  transfer encoding removed), warcprox and Heritrix 3.x digest the
  **de-chunked** payload;
- warcio, and every tool built on it, digests the **chunked bytes** as stored
  (warcio#74, #75); warcio's own ``check_digests`` knows only this one.

Both are accepted, and :attr:`Digests.convention` says which one matched, so a
check can report what a file used. Only a digest matching neither fails.

Where the payload starts is found as warcio finds it: HTTP headers are parsed
for ``response``, ``request`` and ``revisit`` records of ``http(s):`` URIs,
and end at the first line that is blank once trailing white space is stripped.
Field values are taken without the surrounding white space that header
continuation lines (``LWS``) leave, which warcio keeps and then cannot parse.
Pure: the standard library.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

DECHUNKED = "de-chunked payload"
CHUNKED = "chunked bytes (warcio)"
HTTP_RECORDS = ("response", "request", "revisit")
_MAX_HEAD = 1 << 20  # HTTP headers longer than this: payload digest not checked
_MAX_SIZE_LINE = 1 << 10
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


class DigestSyntaxError(ValueError):
    """A digest field that is not ``algorithm:value`` with a known algorithm."""


def parse_digest(field: str, value: str) -> tuple[str, str]:
    """(hashlib name, encoded value) of a ``WARC-*-Digest`` field value."""
    algorithm, colon, encoded = value.strip().partition(":")
    algorithm, encoded = algorithm.strip(), encoded.strip()
    if not colon or not _TOKEN.fullmatch(algorithm) or not encoded:
        raise DigestSyntaxError(f"{field} {value.strip()!r} is not algorithm:value")
    name = algorithm.lower().replace("-", "")
    if name not in hashlib.algorithms_available:
        raise DigestSyntaxError(f"{field} {value.strip()!r}: unknown algorithm {algorithm!r}")
    return name, encoded


def matches(digest: bytes, encoded: str) -> bool:
    """Whether ``encoded`` (base32 as most writers use, hex or base64) is ``digest``."""
    forms = {base64.b32encode(digest).decode(), digest.hex(), base64.b64encode(digest).decode(),
             base64.urlsafe_b64encode(digest).decode()}
    return encoded in forms or encoded.upper() in forms or encoded.lower() in forms


def label(name: str, digest: bytes) -> str:
    return f"{name}:{base64.b32encode(digest).decode()}"


class _Dechunker:
    """HTTP/1.1 chunked framing removed from bytes fed in any pieces. ``failed``
    when the bytes are not chunked as they claim (the de-chunked digest is then
    not comparable)."""

    def __init__(self) -> None:
        self.line = b""
        self.left = 0  # bytes of the current chunk still to come
        self.state = "size"  # size, data, data-end, trailer, done
        self.failed = False

    def feed(self, data: bytes) -> list[bytes]:
        out: list[bytes] = []
        while data and not self.failed and self.state != "done":
            if self.state == "data":
                piece, data = data[: self.left], data[self.left:]
                out.append(piece)
                self.left -= len(piece)
                if not self.left:
                    self.state = "data-end"
                continue
            newline = data.find(b"\n")
            if newline == -1:
                self.line += data
                self.failed = len(self.line) > _MAX_SIZE_LINE
                break
            line, data = (self.line + data[:newline]).rstrip(b"\r"), data[newline + 1:]
            self.line = b""
            self._line(line)
        return out

    def _line(self, line: bytes) -> None:
        if self.state == "data-end":
            self.failed = bool(line)
            self.state = "size"
        elif self.state == "trailer":
            if not line.strip():
                self.state = "done"
        else:
            size = line.split(b";", 1)[0].strip()
            try:
                self.left = int(size, 16)
            except ValueError:
                self.failed = True
                return
            self.state = "data" if self.left else "trailer"


def _is_chunked(head: bytes) -> bool:
    for line in head.split(b"\n")[1:]:
        name, colon, value = line.partition(b":")
        if colon and name.strip().lower() == b"transfer-encoding":
            codings = [c.strip().lower() for c in value.split(b",")]
            return codings[-1] == b"chunked"
    return False


class Digests:
    """The digests a record declares, checked over its block fed in pieces.

    ``record_type``, ``uri`` and ``length`` say whether the block starts with
    HTTP headers (as warcio decides). A segment's payload digest is the whole
    payload's: not checked here; nor are a revisit's digests (see below).
    :meth:`finish` gives the problems; :attr:`convention` then names the
    convention a chunked payload's digest followed, if one did."""

    def __init__(self, headers: Any, record_type: str | None, uri: str | None,
                 length: int) -> None:
        self.problems: list[str] = []
        self.convention: str | None = None
        # a revisit's digests are not checked, as warcio does not: its payload
        # digest is the original's, and wget writes the digest of an empty
        # block as its block digest
        revisit = record_type == "revisit"
        self.block = None if revisit else self._expect(headers, "WARC-Block-Digest")
        payload = None
        if not revisit and headers.get_header("WARC-Segment-Number") is None:
            payload = self._expect(headers, "WARC-Payload-Digest")
        self.payload = payload
        self.http = (record_type in HTTP_RECORDS and length > 0
                     and (uri or "").startswith(("http:", "https:")))
        self._block = hashlib.new(self.block[0]) if self.block else None
        self._raw = hashlib.new(payload[0]) if payload else None
        self._dechunked: Any = None
        self._dechunker: _Dechunker | None = None
        self._head = b"" if self.http and self._raw else None  # HTTP headers still to come
        self._scan = 0

    def _expect(self, headers: Any, field: str) -> tuple[str, str] | None:
        value = headers.get_header(field)
        if value is None:
            return None
        try:
            return parse_digest(field, value)
        except DigestSyntaxError as exc:
            self.problems.append(str(exc))
            return None

    def feed(self, data: bytes) -> None:
        if self._block is not None:
            self._block.update(data)
        if self._raw is None:
            return
        if self._head is not None:
            data = self._find_payload(data)
            if not data:
                return
        self._raw.update(data)
        if self._dechunker is not None:
            for piece in self._dechunker.feed(data):
                self._dechunked.update(piece)

    def _find_payload(self, data: bytes) -> bytes:
        """The payload part of ``data``, once the HTTP headers have ended (at
        the first blank line, the status line included, as warcio reads them)."""
        assert self._head is not None and self.payload is not None
        self._head += data
        while (newline := self._head.find(b"\n", self._scan)) != -1:
            line = self._head[self._scan:newline]
            self._scan = newline + 1
            if not line.strip():
                head, rest = self._head[:self._scan], self._head[self._scan:]
                self._head = None
                if _is_chunked(head):
                    self._dechunker = _Dechunker()
                    self._dechunked = hashlib.new(self.payload[0])
                return rest
        if len(self._head) > _MAX_HEAD:  # no end of headers in sight: payload not checked
            self._raw = None
            self._head = None
        return b""

    def finish(self) -> list[str]:
        if self._block is not None and self.block is not None:
            got = self._block.digest()
            if not matches(got, self.block[1]):
                self.problems.append(f"block digest {self.block[0]}:{self.block[1]} does not "
                                     f"match the block ({label(self.block[0], got)})")
        if self._raw is None or self.payload is None:
            return self.problems
        name, claimed = self.payload
        if self._head is not None:  # the block ended inside the HTTP headers
            self._raw = hashlib.new(name)
        raw = self._raw.digest()
        if self._dechunker is None:
            if not matches(raw, claimed):
                self.problems.append(f"payload digest {name}:{claimed} does not match the "
                                     f"payload ({label(name, raw)})")
            return self.problems
        dechunked = None if self._dechunker.failed else self._dechunked.digest()
        if dechunked is not None and matches(dechunked, claimed):
            self.convention = DECHUNKED
        elif matches(raw, claimed):
            self.convention = CHUNKED
        else:
            found = label(name, dechunked) if dechunked else "not validly chunked"
            self.problems.append(f"payload digest {name}:{claimed} matches neither the "
                                 f"de-chunked payload ({found}) nor the chunked bytes "
                                 f"({label(name, raw)})")
        return self.problems

