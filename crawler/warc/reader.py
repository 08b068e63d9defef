"""Reading archives back: the records of a WARC or ARC file, and the fetched
pages in them, revisits resolved to their original payload (the files
themselves: ``archives.py``). Pure: warcio, no network.

Streaming: a record's type and Content-Type are read from its headers before
its body; a body that cannot be a page (an image, a video) is never read, warcio
skips it in bounded chunks, and a page's body is read up to ``DOWNLOAD_MAXSIZE``
(the bound the crawl had). Every line goes through ``logging`` (this module's
logger, warcio's own warnings included: see ``archives.py``): record-level
problems are warnings, a file that cannot be read on is an error.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from crawler.compat import gzip_member_goes_on
from crawler.items import Page
from crawler.settings import DOWNLOAD_MAXSIZE
from crawler.warc.archives import (
    Archive,
    ArchiveError,
    capture_order,
    find_archives,
    first_date,
    parse_date,
    record_date,
)
from crawler.warc.originals import (
    Originals,
    Waiting,
    _Original,
    original_keys,
    revisit_keys,
)
from crawler.warc.payload import Decoded, PayloadError, decode_payload

__all__ = ["Archive", "ArchiveError", "OneStreamGzipError", "Originals", "RawRecord",
           "WarcFormatError", "capture_order", "find_archives", "first_date", "iter_pages",
           "read_payload", "read_records"]

logger = logging.getLogger(__name__)
#: A WARC-Record-ID: a URI in angle brackets (as the article schema has it).
RECORD_ID = re.compile(r"<[^<>\s]+>")
#: The records that can hold a page.
PAGE_RECORDS = ("response", "revisit", "resource")


class WarcFormatError(ArchiveError):
    """Bytes in a WARC file that are not a readable record (truncated, corrupt)."""


class OneStreamGzipError(WarcFormatError):
    """A ``.warc.gz`` compressed as one gzip stream (``gzip crawl.warc``), not
    one gzip member per record. Its pages are not replayed: an article's
    pointer is an offset in the file where its record's gzip member starts, and
    in one stream no record but the first starts a member, so no pointer could
    be honest (nor could ``check``, pywb or a CDXJ index use one); and warcio
    reads such a file record by record only by decompressing it from its start.
    ``warcio recompress`` makes a proper file of it, losing nothing."""


ONE_STREAM = "gzipped as one stream, not one gzip member per record"


def one_stream_message(name: str, error: OneStreamGzipError | None = None) -> str:
    """The line for a file gzipped as one stream (or with a gzip member of
    several records: ``error`` says where)."""
    return f"{name}: {error or ONE_STREAM}; recompress it with: warcio recompress {name} <out>"


def warc_date(value: str | None) -> datetime:
    """A WARC-Date as an aware UTC datetime; missing or unreadable: now (logged)."""
    when = parse_date(value)
    if when is not None:
        return when
    if value:
        logger.warning("unreadable WARC-Date %r: using the current time", value)
    return datetime.now(UTC)


def http_status(headers: StatusAndHeaders) -> int:
    """The status code of an HTTP response record; 0 when it is not a number."""
    code = (headers.get_statuscode() or "").strip()
    return int(code) if code.isascii() and code.isdigit() and len(code) <= 3 else 0


# --- records -----------------------------------------------------------------------

@dataclass
class RawRecord:
    """A record as read by :func:`read_records`: ``body`` is the HTTP payload
    with chunked framing removed but still content-coded (see ``payload.py``),
    cut at ``max_body + 1`` bytes; empty when not read (``body_read``)."""

    record: ArcWarcRecord
    offset: int
    length: int
    body: bytes
    body_read: bool = True


def read_records(stream: BinaryIO, *, bodies: bool | Callable[[ArcWarcRecord], bool] = True,
                 check_digests: bool = False,
                 max_body: int | None = None) -> Iterator[RawRecord]:
    """warcio's records of ``stream`` with their offsets, and the bodies
    ``bodies`` asks for (all, none, or those a function of the record's
    headers picks), each read up to ``max_body + 1`` bytes: a longer one shows
    so by its length. A body not read is skipped by warcio in bounded chunks.

    warcio fails on broken bytes with many exception types (``ArchiveLoadFailed``,
    ``ValueError``, ``zlib.error``, ``AttributeError`` for a response without
    ``WARC-Target-URI``...): each becomes a :class:`WarcFormatError` naming the
    offset after the last good record; a file gzipped as one stream raises
    :class:`OneStreamGzipError` before its first record (a gzip member holding
    several records further on: before the first of them). ``OSError`` (the
    disk) passes through."""
    records = ArchiveIterator(stream, check_digests=check_digests)
    iterator = iter(records)
    end = 0
    while True:
        try:
            record = next(iterator)
            wanted = bodies(record) if callable(bodies) else bodies
            body = read_raw_body(record, max_body) if wanted else b""
            offset, length = records.get_record_offset(), records.get_record_length()
            if gzip_member_goes_on(records):
                raise OneStreamGzipError(
                    ONE_STREAM if offset == 0 else
                    f"the gzip member at offset {offset} holds several records, not one")
        except StopIteration:
            return
        except (OSError, ArchiveError):
            raise
        except ArchiveLoadFailed as exc:
            if "non-chunked gzip" in str(exc):  # not seen above: warcio's own finding
                raise OneStreamGzipError(f"the gzip member after offset {end} holds several "
                                         "records, not one") from exc
            raise WarcFormatError(f"no readable WARC record after offset {end}: "
                                  f"{' '.join(str(exc).split())}".rstrip(": ")) from exc
        except Exception as exc:  # warcio's parser on hostile bytes
            raise WarcFormatError(f"no readable WARC record after offset {end}: "
                                  f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
        end = offset + length
        yield RawRecord(record, offset, length, body, wanted)


def read_raw_body(record: ArcWarcRecord, max_body: int | None = None) -> bytes:
    stream = record.raw_stream
    http = record.http_headers
    if http is not None and (http.get_header("Transfer-Encoding") or "").lower() == "chunked":
        stream = ChunkedDataReader(stream)  # falls back to the raw bytes when not chunked
    return stream.read() if max_body is None else stream.read(max_body + 1)


def arc_record_id(record: ArcWarcRecord, offset: int) -> str:
    """The record ID an ARC record (which has none) is given in pointers: its
    archive date and offset, as a URN."""
    stamp = record.rec_headers.get_header("archive-date") or ""
    return f"<urn:x-arc-record:{stamp if stamp.isdigit() else 0}:{offset}>"


# --- pages -------------------------------------------------------------------------

@dataclass
class _Capture:
    """What a page needs of a record's headers."""

    kind: str  # response (an ARC record too), revisit or resource
    url: str
    http: StatusAndHeaders | None
    content_type: str | None
    #: its URL is not wanted (``iter_pages``' ``keep``): its body is not read
    filtered: bool = False


def _capture(record: ArcWarcRecord) -> _Capture | None:
    """The page ``record`` holds, as far as its headers tell, or None."""
    if record.format == "arc":
        url = record.rec_headers.get_header("uri")
        if record.rec_type != "response" or record.http_headers is None or not url:
            return None
        return _Capture("response", url, record.http_headers,
                        record.http_headers.get_header("Content-Type"))
    kind = record.rec_type
    url = record.rec_headers.get_header("WARC-Target-URI")
    if kind not in PAGE_RECORDS or not url:
        return None
    if kind == "resource":  # a page stored as such (warcit): no HTTP headers
        content_type = record.rec_headers.get_header("Content-Type")
        if not url.startswith(("http:", "https:")) or not _html_type(content_type):
            return None
        return _Capture(kind, url, None, content_type)
    http = record.http_headers
    if kind == "response" and http is None:
        return None  # dns:, whois: and other non-HTTP responses
    return _Capture(kind, url, http, http.get_header("Content-Type") if http else None)


def _html_type(content_type: str | None) -> bool:
    from crawler.extraction.core import HTML_TYPES  # only a replay needs the extraction

    return (content_type or "").split(";")[0].strip().lower() in HTML_TYPES


def _may_be_page(content_type: str | None) -> bool:
    """Whether a body of this type may be extracted: HTML, or untyped (sniffed)."""
    return not (content_type or "").strip() or _html_type(content_type)


def _wants_body(record: ArcWarcRecord) -> bool:
    capture = _capture(record)
    return capture is not None and capture.kind != "revisit" \
        and _may_be_page(capture.content_type)


def iter_pages(archive: Archive, display_name: str,
               originals: Originals | MutableMapping[str, _Original] | None = None,
               keep: Callable[[str], bool] | None = None) -> Iterator[Page]:
    """Pages of one archive: its ``response`` records (an ARC's records), its
    ``resource`` records of HTML (status 200), and its ``revisit`` records
    resolved to the original they refer to (by ``WARC-Refers-To``, or by
    target URI and payload digest). Pass one :class:`Originals` to the calls
    of a replay, then close it: a revisit may then refer to any file of the
    replay, before or after it. Without one (or with a plain dict, as before)
    a revisit resolves within the file and earlier files of the dict.

    ``page.meta``: ``record_type``; ``body_skipped`` (``"not_html"``) when the
    body was not read because its Content-Type says it is no page;
    ``stored_decoded`` naming the Content-Encoding a body declared but was
    stored without (CC-NEWS before May 2019). A truncated or broken file
    yields what it has, then logs the problem (an error); a record whose body
    cannot be decoded or is over ``DOWNLOAD_MAXSIZE`` is skipped (a warning).
    Never raises for what the file holds.

    ``keep(url)`` False: the page's body is not read (a filter that decides by
    URL, before the expensive work); it is still yielded, with ``body_skipped``
    ``"filtered"``, so it can be counted, and still indexed as an original."""
    if isinstance(originals, Originals):
        yield from _pages(archive, display_name, originals, keep)
        return
    index = Originals(originals if originals is not None else {})
    yield from _pages(archive, display_name, index, keep)
    index.close()


def _pages(archive: Archive, display_name: str, index: Originals,
           keep: Callable[[str], bool] | None) -> Iterator[Page]:
    def wanted(record: ArcWarcRecord) -> bool:
        if not _wants_body(record):
            return False
        capture = _capture(record)
        return keep is None or capture is None or keep(capture.url)

    try:
        with archive.open() as stream:
            for raw in read_records(stream, bodies=wanted, max_body=DOWNLOAD_MAXSIZE):
                capture = _capture(raw.record)
                if capture is None:
                    continue
                if keep is not None and not keep(capture.url):
                    capture.filtered = True
                yield from _record_pages(archive, display_name, raw, capture, index)
    except OneStreamGzipError as exc:
        logger.error("%s", one_stream_message(archive.name, exc))
    except (ArchiveError, OSError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        logger.error("%s: unreadable after the records above (%s)", archive.name, exc)


def _record_pages(archive: Archive, display_name: str, raw: RawRecord, capture: _Capture,
                  index: Originals) -> Iterator[Page]:
    record, headers = raw.record, raw.record.rec_headers
    if record.format == "arc":
        record_id = arc_record_id(record, raw.offset)
    else:
        record_id = headers.get_header("WARC-Record-ID") or ""
        if not RECORD_ID.fullmatch(record_id):  # mandatory; the pointer needs it
            logger.warning("%s: skipping the record of %s at offset %d: bad WARC-Record-ID %r",
                           archive.name, capture.url, raw.offset, record_id)
            return
    page = Page(url=capture.url, status=http_status(capture.http) if capture.http else 200,
                body=b"", content_type=capture.content_type,
                fetched_at=warc_date(record_date(record)),
                warc={"filename": display_name, "offset": raw.offset, "length": raw.length,
                      "record_id": record_id},
                meta={"record_type": capture.kind})
    digest = headers.get_header("WARC-Payload-Digest")
    if capture.kind == "revisit":
        if capture.filtered:  # no page wanted: nor its original's body
            page.meta["body_skipped"] = "filtered"
            yield page
            return
        if capture.http is not None and not _may_be_page(capture.content_type):
            _fill(page, None)  # no page: its original's body is not needed
            yield page
            return
        keys = revisit_keys(headers, capture.url)
        waiting = Waiting(page, keys, has_http=capture.http is not None, archive=archive.name)
        original = index.find(keys)
        if original is None:
            index.wait(waiting)
            return
        resolved = _resolve(waiting, original, None)
        if resolved is not None:
            yield resolved
        return
    decoded: Decoded | None = None
    if raw.body_read:
        try:
            if len(raw.body) > DOWNLOAD_MAXSIZE:
                raise PayloadError(f"body over DOWNLOAD_MAXSIZE ({DOWNLOAD_MAXSIZE} bytes)")
            decoded = decode_payload(raw.body, capture.http) if capture.http else Decoded(raw.body)
        except PayloadError as exc:
            logger.warning("%s: skipping the record of %s at offset %d: %s",
                           archive.name, capture.url, raw.offset, exc)
    original = _Original(archive, raw.offset, raw.length, record_id, page.status,
                         capture.content_type)
    waiting_list = index.add(original, original_keys(record_id, capture.url, digest))
    if raw.body_read and decoded is None:  # skipped above, and the revisits of it with it
        for waiting in waiting_list:
            logger.warning("%s: skipping the revisit of %s at offset %d: its original cannot "
                           "be read", waiting.archive, waiting.page.url,
                           (waiting.page.warc or {}).get("offset", 0))
        return
    if capture.filtered:
        page.meta["body_skipped"] = "filtered"
    else:
        _fill(page, decoded)
    yield page
    for waiting in waiting_list:
        resolved = _resolve(waiting, original, decoded if raw.body_read else None)
        if resolved is not None:
            yield resolved


def _fill(page: Page, decoded: Decoded | None) -> None:
    if decoded is None:
        page.meta["body_skipped"] = "not_html"
        return
    page.body = decoded.body
    if decoded.stored_decoded:
        page.meta["stored_decoded"] = decoded.stored_decoded
        logger.debug("%s: body stored decoded though its header says Content-Encoding: %s",
                     page.url, decoded.stored_decoded)


def _resolve(waiting: Waiting, original: _Original, in_hand: Decoded | None) -> Page | None:
    """The page of a revisit whose original is known; ``in_hand``: the
    original's body when it was just read."""
    page = waiting.page
    if not waiting.has_http:  # a revisit of WARC headers only: the original's tell
        page.status, page.content_type = original.status, original.content_type
    if not _may_be_page(page.content_type):
        _fill(page, None)
        return page
    try:
        decoded = in_hand if in_hand is not None else \
            _payload(original.archive, original.offset)
    except (PayloadError, ArchiveError, OSError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        logger.warning("%s: skipping the revisit of %s at offset %d: its original: %s",
                       waiting.archive, page.url, (page.warc or {}).get("offset", 0), exc)
        return None
    _fill(page, decoded)
    return page


def _payload(archive: Archive, offset: int) -> Decoded:
    with archive.open() as stream:
        stream.seek(offset)  # a deflated WACZ member: read forward in bounded chunks
        for raw in read_records(stream, max_body=DOWNLOAD_MAXSIZE):
            if len(raw.body) > DOWNLOAD_MAXSIZE:
                raise PayloadError(f"body over DOWNLOAD_MAXSIZE ({DOWNLOAD_MAXSIZE} bytes)")
            return decode_payload(raw.body, raw.record.http_headers)
    raise WarcFormatError(f"{archive.name}: no WARC record at offset {offset}")


def read_payload(archive: Archive, offset: int) -> bytes:
    """The decoded HTTP body of the response record at ``offset``. Raises
    :class:`WarcFormatError` when there is no readable record there and
    :class:`~crawler.warc.payload.PayloadError` when its body cannot be decoded
    or is over ``DOWNLOAD_MAXSIZE``."""
    return _payload(archive, offset).body
