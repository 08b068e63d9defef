"""HTTP exchanges as plain data, and their WARC request/response records.

The response record stores the payload exactly as received on the wire after
transfer decoding (Content-Encoding kept, as the server sent it). Because the
chunked framing is gone, ``Transfer-Encoding`` is moved to
``X-Crawler-Orig-Transfer-Encoding`` and ``Content-Length`` states the stored
length, so that standard readers and replay tools see headers consistent with
the bytes (the original value is kept as ``X-Crawler-Orig-Content-Length``
when it differed).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from io import BytesIO
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord

Headers = Sequence[tuple[str, str]]
REDACTED = "[redacted]"


@dataclass(frozen=True, kw_only=True)
class HttpRequestData:
    method: str
    url: str
    headers: Headers = ()
    body: bytes = b""
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True, kw_only=True)
class HttpResponseData:
    status: int
    headers: Headers = ()
    body: bytes = b""
    protocol: str = "HTTP/1.1"
    reason: str | None = None
    ip_address: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def status_line(self) -> str:
        reason = self.reason
        if reason is None:
            try:
                reason = HTTPStatus(self.status).phrase
            except ValueError:
                reason = ""
        return f"{self.status} {reason}".rstrip()


def payload_digest(body: bytes) -> str:
    """The WARC payload digest of stored bytes (``sha1:<base32>``), as warcio writes it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _header_value(value: str) -> str:
    # Header values must stay on one line in the record.
    return value.replace("\r", " ").replace("\n", " ")


def is_secret(name: str, redact: Iterable[str]) -> bool:
    """True when header ``name`` contains one of ``redact`` (case-insensitive):
    ``Auth`` covers ``Authorization``, ``Proxy-Authorization``, ``X-Auth-Token``."""
    lname = name.lower()
    return any(part.lower() in lname for part in redact)


def request_headers(request: HttpRequestData, redact: Iterable[str] = ()) -> StatusAndHeaders:
    """The request record's HTTP headers; a header whose name contains one of
    ``redact`` (case-insensitive) has its value replaced by ``[redacted]``."""
    parts = urlsplit(request.url)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    redact = tuple(r for r in redact if r)
    headers: list[tuple[str, str]] = []
    if not any(k.lower() == "host" for k, _ in request.headers):
        # as sent: user:password@ of a URL never goes into the Host header
        headers.append(("Host", parts.netloc.rpartition("@")[2]))
    for name, value in request.headers:
        headers.append((name, REDACTED if is_secret(name, redact) else _header_value(value)))
    return StatusAndHeaders(f"{request.method} {path} {request.protocol}", headers,
                            is_http_request=True)


def response_headers(response: HttpResponseData) -> StatusAndHeaders:
    headers: list[tuple[str, str]] = []
    declared_length: str | None = None
    chunked = False
    for name, value in response.headers:
        lname = name.lower()
        if lname == "transfer-encoding":
            chunked = True
            headers.append(("X-Crawler-Orig-Transfer-Encoding", _header_value(value)))
        elif lname == "content-length":
            declared_length = value.strip()
        else:
            headers.append((name, _header_value(value)))
    actual = str(len(response.body))
    if declared_length is not None and declared_length != actual:
        headers.append(("X-Crawler-Orig-Content-Length", declared_length))
    if declared_length is not None or chunked or response.body:
        headers.append(("Content-Length", actual))
    return StatusAndHeaders(response.status_line, headers, protocol=response.protocol)


def build_exchange(
    writer: WARCWriter,
    request: HttpRequestData,
    response: HttpResponseData,
    *,
    warc_date: str,
    redact: Iterable[str] = (),
) -> tuple[ArcWarcRecord, ArcWarcRecord]:
    """Build the (response, request) records of one exchange, linked by
    ``WARC-Concurrent-To``; the response record goes first, as is customary."""
    url = response.extra.get("url", request.url)
    warc_headers = {"WARC-Date": warc_date}
    if response.ip_address:
        warc_headers["WARC-IP-Address"] = response.ip_address
    for key, value in response.extra.items():
        if key != "url":
            warc_headers[key] = value
    resp = writer.create_warc_record(
        url, "response",
        payload=BytesIO(response.body),
        length=len(response.body),
        http_headers=response_headers(response),
        warc_headers_dict=warc_headers,
    )
    req_headers = request_headers(request, redact)
    req = writer.create_warc_record(
        url, "request",
        payload=BytesIO(request.body),
        length=len(request.body),
        http_headers=req_headers,
        warc_headers_dict={
            "WARC-Date": warc_date,
            "WARC-Concurrent-To": resp.rec_headers.get_header("WARC-Record-ID"),
        },
    )
    return resp, req


PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"


@dataclass(frozen=True, kw_only=True)
class RefersTo:
    """The earlier full capture a revisit record stands for."""

    record_id: str
    uri: str
    date: str
    payload_digest: str


def build_revisit(
    writer: WARCWriter,
    request: HttpRequestData,
    response: HttpResponseData,
    refers: RefersTo,
    *,
    profile: str,
    warc_date: str,
    redact: Iterable[str] = (),
) -> tuple[ArcWarcRecord, ArcWarcRecord]:
    """The (revisit, request) records of a fetch whose payload is already
    archived: a 304 (``server-not-modified``) or a 200 with the same payload
    digest (``identical-payload-digest``). The revisit keeps the response's
    status line and headers, no payload."""
    url = response.extra.get("url", request.url)
    warc_headers = {"WARC-Date": warc_date, "WARC-Refers-To": refers.record_id}
    if response.ip_address:
        warc_headers["WARC-IP-Address"] = response.ip_address
    http = response_headers(HttpResponseData(
        status=response.status, headers=response.headers, body=b"",
        protocol=response.protocol, reason=response.reason))
    revisit = writer.create_revisit_record(url, refers.payload_digest, refers.uri, refers.date,
                                           http_headers=http, warc_headers_dict=warc_headers)
    revisit.rec_headers.replace_header("WARC-Profile", profile)
    req = writer.create_warc_record(
        url, "request", payload=BytesIO(request.body), length=len(request.body),
        http_headers=request_headers(request, redact),
        warc_headers_dict={"WARC-Date": warc_date,
                           "WARC-Concurrent-To": revisit.rec_headers.get_header("WARC-Record-ID")},
    )
    return revisit, req
