"""Records of a WARC or ARC stream as they are stored, for the checks: warcio's
``ArchiveIterator`` without its record parse, so a record's block (HTTP
headers included) can be streamed by the caller, in bounded chunks, before the
iterator moves on. ``reader.read_records`` reads each body before it yields.

warcio warns (on stderr, routed by ``crawler.compat``) when a record is not
followed by a blank line (its Content-Length is likely wrong); here it is
counted instead
(``ArchiveIterator.err_count``) and given as :attr:`Stored.unterminated`.
warcio's exceptions on broken bytes (many types) pass through to the caller,
which knows what the file is. Pure: warcio.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from warcio.archiveiterator import ArchiveIterator

from crawler.compat import warcio_warnings_to


class Readable(Protocol):
    """What warcio reads records from."""

    def read(self, size: int = -1, /) -> bytes: ...

    def tell(self) -> int: ...


def one_line(exc: BaseException) -> str:
    """An exception as one line: its type and its text, white space collapsed."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass
class Stored:
    record: Any  # warcio's ArcWarcRecord, its block read
    offset: int
    length: int
    #: What ``read_block`` returned for it.
    block: Any
    #: The record is not followed by a blank line (CRLF CRLF in a WARC).
    unterminated: bool


def stored_records(stream: Readable,
                   read_block: Callable[[Any], Any] | None = None) -> Iterator[Stored]:
    """Each record of ``stream`` with its offset and length; ``read_block`` is
    called on each record before the next is read (warcio skips what it leaves)."""
    records = ArchiveIterator(stream, no_record_parse=True)
    iterator = iter(records)
    while True:
        seen = records.err_count
        # warcio's warnings dropped: the iterator counts them (``unterminated``)
        with warcio_warnings_to(lambda line: None):
            try:
                record = next(iterator)
            except StopIteration:
                return
            block = read_block(record) if read_block is not None else None
            offset, length = records.get_record_offset(), records.get_record_length()
        yield Stored(record, offset, length, block, records.err_count > seen)
