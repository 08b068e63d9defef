"""Every private Scrapy (and warcio) internal the crawler relies on, in one place.

Scrapy has no public way to (a) wake an idle engine at once (its heartbeat is
5 s away), (b) learn when the engine is done with a request (a distributed
worker acknowledges it then), (c) reach the running scheduler's queue, (d)
guard the scheduler's disk-queue reads and writes against a full disk, or (e)
undo an HTTP content coding outside a download. The names used for each are
here and nowhere else; :func:`check` verifies them all and is called when a
crawl starts (``crawler/settings.py``'s ``CompatCheck`` extension), so a Scrapy
upgrade that moves one stops the crawl at start-up with one line naming it,
instead of quietly losing the wake-up or the acknowledgement. Each use is
tested against the real engine (``tests/test_compat.py``).

From warcio, three: (f) its warnings, which three of its modules write to ``sys.stderr``
(not through ``logging``), (g) whether the record just read ended its gzip
member (a WARC gzipped as one stream), and (h) the header-line decoder
``StatusAndHeadersParser.decode_header``, which tries UTF-8 inside a bare
``except:`` and so swallows a Ctrl-C (``KeyboardInterrupt``) that arrives while
it runs: it runs for every header line of every record, and a loop reading
records lost 1 to 6 of 100 interrupts. :func:`install_warcio` replaces it
with the same decoder catching ``Exception`` only. :func:`check_warcio` verifies all three; the
archive reader and the indexer call :func:`install_warcio` when imported, so
replay, check and index stop with one line naming what a warcio upgrade
moved, and none of them ignores a Ctrl-C. (The bare ``except:`` should be
``except UnicodeDecodeError`` upstream; the replacement is harmless once it is.)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

#: (module, attribute path) of every internal used, for :func:`check`.
INTERNALS = (
    ("scrapy.core.engine", "ExecutionEngine"),
    ("scrapy.core.engine", "_Slot.nextcall"),
    ("scrapy.core.engine", "_Slot.closing"),
    ("scrapy.core.engine", "_Slot.scheduler"),
    ("scrapy.core.engine", "_Slot.remove_request"),
    ("scrapy.core.scheduler", "Scheduler._dqpush"),
    ("scrapy.core.scheduler", "Scheduler._dqpop"),
    ("scrapy.core.scheduler", "Scheduler._write_dqs_state"),
    ("scrapy.downloadermiddlewares.httpcompression", "HttpCompressionMiddleware._split_encodings"),
    ("scrapy.downloadermiddlewares.httpcompression", "HttpCompressionMiddleware._decode"),
)
#: warcio modules whose ``sys.stderr`` writes are routed to logging.
WARCIO_STDERR_MODULES = ("warcio.archiveiterator", "warcio.bufferedreaders",
                         "warcio.digestverifyingreader")


class CompatError(RuntimeError):
    """A Scrapy internal the crawler uses is gone (a Scrapy upgrade)."""


def _slot_attributes() -> set[str]:
    """The attributes an engine slot gets (its methods, and what its
    ``__init__`` assigns): a slot cannot be made without a running reactor."""
    import inspect
    import re

    from scrapy.core import engine

    names = {n for n in dir(engine._Slot) if not n.startswith("__")}
    names.update(re.findall(r"self\.(\w+)\s*[:=]", inspect.getsource(engine._Slot)))
    return names


def check() -> None:
    """Raise :class:`CompatError` naming the first internal that is missing."""
    import importlib

    slot_names: set[str] | None = None
    for module_name, path in INTERNALS:
        try:
            obj: Any = importlib.import_module(module_name)
        except ImportError as exc:
            raise CompatError(f"Scrapy internal {module_name} is gone: {exc}") from None
        head, _, rest = path.partition(".")
        if head == "_Slot" and rest:
            slot_names = slot_names if slot_names is not None else _slot_attributes()
            if rest not in slot_names:
                raise CompatError(f"Scrapy internal {module_name}._Slot.{rest} is gone; "
                                  "this Scrapy version is not supported (see pyproject.toml)")
            continue
        for part in path.split("."):
            if not hasattr(obj, part):
                raise CompatError(f"Scrapy internal {module_name}.{path} is gone; "
                                  "this Scrapy version is not supported (see pyproject.toml)")
            obj = getattr(obj, part)


class CompatCheck:
    """An extension that runs :func:`check` when the crawl is built."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CompatCheck:
        check()
        return cls()


# --- the engine ---------------------------------------------------------------

def _slot(crawler: Crawler) -> Any:
    try:
        engine = crawler.engine
    except RuntimeError:  # not crawling (yet)
        return None
    return getattr(engine, "_slot", None) if engine is not None else None


def wake_engine(crawler: Crawler) -> None:
    """Let the engine look for work now, not at its next 5 s heartbeat."""
    slot = _slot(crawler)
    if slot is not None and slot.closing is None:
        slot.nextcall.schedule()


def engine_closing(crawler: Crawler) -> bool:
    """True when the engine is not running a spider or is closing it."""
    slot = _slot(crawler)
    return slot is None or slot.closing is not None


def running_scheduler(crawler: Crawler) -> Any:
    """The scheduler of the running engine, or None."""
    slot = _slot(crawler)
    return getattr(slot, "scheduler", None)


def on_request_done(crawler: Crawler, callback: Callable[[Request], None]) -> None:
    """Call ``callback(request)`` whenever the engine is done with a request:
    when it leaves the slot's in-progress set (its redirect or retry queued,
    its callback's output through the pipelines). Scrapy sends no signal then."""
    slot = _slot(crawler)
    if slot is None:
        raise CompatError("the engine has no slot: call on_request_done from spider_opened")
    remove = slot.remove_request

    def remove_request(request: Request) -> None:
        try:
            remove(request)
        finally:
            callback(request)

    slot.remove_request = remove_request


# --- the scheduler's disk queue ------------------------------------------------

def disk_queue_scheduler() -> type:
    """Scrapy's scheduler with its private disk-queue push and pop routed
    through two public methods a subclass overrides: ``disk_push(request,
    push)`` and ``disk_pop(pop)``; ``save_disk_queue()`` writes the queue's
    state as Scrapy's ``close`` would."""
    from scrapy.core.scheduler import Scheduler

    class DiskQueueScheduler(Scheduler):
        def _dqpush(self, request: Request) -> bool:
            return self.disk_push(request, super()._dqpush)

        def _dqpop(self) -> Request | None:
            return self.disk_pop(super()._dqpop)

        def disk_push(self, request: Request, push: Callable[[Request], bool]) -> bool:
            return push(request)

        def disk_pop(self, pop: Callable[[], Request | None]) -> Request | None:
            return pop()

        def save_disk_queue(self) -> None:
            assert self.dqs is not None  # called only while there is a disk queue
            self._write_dqs_state(str(self.dqdir), self.dqs.close())

    return DiskQueueScheduler


# --- HTTP content codings -------------------------------------------------------

def split_encodings(content_encoding: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """Scrapy's split of a Content-Encoding list into (what it can decode, the rest)."""
    from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware

    return HttpCompressionMiddleware._split_encodings(content_encoding)


def decode_content(body: bytes, encoding: bytes, max_size: int) -> bytes:
    """Scrapy's decoder for one content coding (gzip, deflate, br, zstd)."""
    from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware

    return HttpCompressionMiddleware._decode(body, encoding, max_size)


# --- warcio ----------------------------------------------------------------------

def _assigned_attributes(cls: type) -> set[str]:
    import inspect
    import re

    names = {n for n in dir(cls) if not n.startswith("__")}
    for klass in cls.__mro__[:-1]:  # what its own and its bases' methods assign
        names.update(re.findall(r"self\.(\w+)\s*[:=]", inspect.getsource(klass)))
    return names


def check_warcio() -> None:
    """Raise :class:`CompatError` naming the first warcio internal that is gone."""
    import importlib

    from warcio.archiveiterator import ArchiveIterator
    from warcio.bufferedreaders import DecompressingBufferedReader

    for name in WARCIO_STDERR_MODULES:
        if not hasattr(importlib.import_module(name), "sys"):
            raise CompatError(f"warcio internal {name}.sys is gone; this warcio version "
                              "is not supported (see pyproject.toml)")
    for cls, attribute in ((ArchiveIterator, "reader"), (ArchiveIterator, "next_line"),
                           (DecompressingBufferedReader, "decompressor")):
        if attribute not in _assigned_attributes(cls):
            raise CompatError(f"warcio internal {cls.__name__}.{attribute} is gone; this "
                              "warcio version is not supported (see pyproject.toml)")
    import warcio.statusandheaders as sah

    if not isinstance(sah.StatusAndHeadersParser.__dict__.get("decode_header"), staticmethod) \
            or not callable(getattr(sah, "to_native_str", None)):
        raise CompatError("warcio internal StatusAndHeadersParser.decode_header is gone; this "
                          "warcio version is not supported (see pyproject.toml)")


def _header_decoder(sah: Any) -> Callable[[bytes | str], str]:
    """warcio's header-line decoder (UTF-8, else ISO-8859-1; ``sah`` is
    ``warcio.statusandheaders``), but for letting ``KeyboardInterrupt`` and
    ``SystemExit`` through. It runs for every header line: the module is bound
    here, not imported at each call (0.85 against 0.15 µs a line)."""

    def decode_header(line: bytes | str) -> str:
        try:
            return sah.to_native_str(line, "utf-8")
        except Exception:
            return sah.to_native_str(line, "iso-8859-1")

    return decode_header


#: Where the lines warcio writes to stderr go (:func:`route_warcio_warnings`).
_warcio_log: list[Callable[[str], None]] = []


class _StderrToLog:
    def write(self, text: str) -> int:
        if not _warcio_log:  # nobody routes them (yet): stderr, as warcio would
            import sys

            return sys.stderr.write(text)
        line = " ".join(text.split())
        if line:
            _warcio_log[-1](line.removeprefix("WARNING: "))
        return len(text)

    def flush(self) -> None:
        pass


class _SysWithStderr:
    """``sys`` for a warcio module: the real one, but for ``stderr``."""

    stderr = _StderrToLog()

    def __getattr__(self, name: str) -> Any:
        import sys

        return getattr(sys, name)


def route_warcio_warnings(log: Callable[[str], None]) -> None:
    """Give each line warcio writes to ``sys.stderr`` to ``log`` instead (it
    writes a record not followed by its blank lines, and a gzip member that
    breaks off, straight to stderr: ``-q`` could not silence them)."""
    install_warcio()
    _warcio_log[:] = [log]


@functools.cache
def install_warcio() -> None:
    """Check warcio's internals (:func:`check_warcio`), route its stderr writes
    (:func:`route_warcio_warnings`) and let Ctrl-C through its header decoder
    (:func:`_header_decoder`). Once per process: the check reads warcio's
    source (about 20 ms), and a reader enters :func:`warcio_warnings_to` at
    every record."""
    import importlib

    import warcio.statusandheaders as sah

    check_warcio()
    for name in WARCIO_STDERR_MODULES:
        module = importlib.import_module(name)
        if not isinstance(module.sys, _SysWithStderr):
            module.sys = _SysWithStderr()  # type: ignore[attr-defined]
    sah.StatusAndHeadersParser.decode_header = staticmethod(_header_decoder(sah))


@contextmanager
def warcio_warnings_to(log: Callable[[str], None]) -> Iterator[None]:
    """Within the block, warcio's stderr lines go to ``log`` (a reader that
    counts what warcio warns of itself passes one that drops them)."""
    install_warcio()
    _warcio_log.append(log)
    try:
        yield
    finally:
        _warcio_log.pop()


def gzip_member_goes_on(records: Any) -> bool:
    """After a record of warcio's ``ArchiveIterator`` has been read to its end:
    whether the next record starts inside the same gzip member. warcio reads no
    line past the end of a member, so a line already read after the record is
    one in the same member (warcio itself notices one record later, when the
    offsets it gave are already wrong)."""
    return getattr(records.reader, "decompressor", None) is not None \
        and bool(records.next_line)
