"""Extraction in worker processes, off the crawler's event loop.

trafilatura costs ~20 ms of CPU per page; run inline it blocks Scrapy's
reactor for that long on every page. :class:`ExtractionPool` runs
:func:`crawler.articles.page_to_article` in ``spawn`` worker processes
(started when the spider opens, or on first use) and gives back asyncio
futures.

The pool is driven by the event loop itself: a page is pickled into its
worker's pipe with non-blocking writes, and results are read when the loop
sees them arrive. ``concurrent.futures.ProcessPoolExecutor`` needs two threads
in the crawler process for that (a feeder and a manager), each woken for every
page and each taking the GIL from the reactor; here there are none. Each worker
holds at most ``PER_WORKER`` pages (one being extracted, the next ones waiting
in its pipe, so it never idles between pages); more callers wait their turn,
so the pages waiting for extraction stay bounded.

A worker that dies (a hostile page exhausting memory) fails its pages with
:class:`WorkerDied`: it is replaced, and the caller extracts them inline
(``ExtractionPool.extract`` does). A worker exits when the crawler process
dies, even by SIGKILL (it watches its parent), or when its pipe is closed.
Pure: no Scrapy.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import gc
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import struct
import threading
from collections import deque
from typing import TYPE_CHECKING

from crawler.articles import PageResult, page_to_article
from crawler.extraction.core import ExtractionOptions, extract
from crawler.items import Page

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.connection import Connection
    from multiprocessing.context import SpawnContext

logger = logging.getLogger(__name__)

# One page being extracted and three waiting: ~135 ms of work on 190 kB pages,
# so a pause of the event loop (a SQLite checkpoint, a garbage collection, the
# OS giving the cores to the workers) does not leave a worker idle. With two,
# the workers of a 2,000-page crawl waited 2.5 s in all; with four, 0.14 s.
PER_WORKER = 4
PIPE_BYTES = 1 << 20  # the pages waiting for a worker fit: the writes rarely wait for it
READ_BYTES = 1 << 16
_LENGTH = struct.Struct("!Q")


class WorkerDied(Exception):
    """The extraction process working on a page is gone."""


# --------------------------------------------------------------------------- worker side

def _read_exact(fd: int, n: int) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, PIPE_BYTES))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _exit_with_parent() -> None:
    """End this worker when the crawler process is gone (even killed with
    SIGKILL), whatever it is doing."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


_WARM_UP = ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
            + "".join(f"<p>Paragraph {word} of a page that only readies the extractor: its "
                      f"{n} words are plain, and {word} is the word that sets it apart.</p>"
                      for n, word in enumerate("alpha bravo charlie delta echo foxtrot golf "
                                               "hotel india juliet kilo lima".split()))
            + "</article></body></html>").encode()


def settle(options: ExtractionOptions | None = None) -> None:
    """Ready this process for a long run of extractions: extract one small page
    (trafilatura and htmldate build some of their tables on first use), then
    ``gc.freeze()`` what now exists, which lives as long as the process. Full
    collections then skip those ~48,000 objects: 0.4 s of full collections per
    1,000 pages went down to 0.13 s."""
    extract(_WARM_UP, "http://warm-up.invalid/article", options=options)
    gc.collect()
    gc.freeze()


def _serve(task_conn: Connection, result_conn: Connection, options: ExtractionOptions) -> None:
    """A worker: pages in from ``task_conn``, results out to ``result_conn``
    (pipe ends, read and written with this module's framing), until the
    crawler closes its end."""
    _exit_with_parent()
    settle(options)
    tasks, results = task_conn.fileno(), result_conn.fileno()
    while (header := _read_exact(tasks, _LENGTH.size)) is not None:
        data = _read_exact(tasks, _LENGTH.unpack(header)[0])
        if data is None:
            break
        result = page_to_article(pickle.loads(data), options)
        out = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(results, _LENGTH.pack(len(out)) + out)


# --------------------------------------------------------------------------- crawler side

class _Worker:
    """One extraction process, its two pipes and its pages in flight, driven
    by ``loop``'s readers and writers."""

    def __init__(self, ctx: SpawnContext, options: ExtractionOptions,
                 loop: asyncio.AbstractEventLoop,
                 on_event: Callable[[_Worker | None], None]) -> None:
        # multiprocessing passes Connections (not bare fds) on to a spawned child
        task_r, self.task_conn = ctx.Pipe(duplex=False)
        self.result_conn, result_w = ctx.Pipe(duplex=False)
        self.task_w, self.result_r = self.task_conn.fileno(), self.result_conn.fileno()
        with contextlib.suppress(OSError):  # the default 64 KB when the system says no
            fcntl.fcntl(self.task_w, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self.process = ctx.Process(target=_serve, args=(task_r, result_w, options),
                                   name="crawler-extract", daemon=True)
        self.process.start()
        task_r.close()
        result_w.close()
        os.set_blocking(self.task_w, False)
        os.set_blocking(self.result_r, False)
        self.loop, self.on_event = loop, on_event
        self.pending: deque[asyncio.Future] = deque()
        self.out = bytearray()
        self.inbuf = bytearray()
        self.readbuf = memoryview(bytearray(READ_BYTES))
        self.closed = False
        loop.add_reader(self.result_r, self._readable)
        loop.add_reader(self.process.sentinel, self._died)

    def submit(self, page: Page) -> asyncio.Future:
        future = self.loop.create_future()
        data = pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)
        self.pending.append(future)
        queued = bool(self.out)
        self.out += _LENGTH.pack(len(data))
        self.out += data
        if not queued:
            self._writable()
        return future

    def _writable(self) -> None:
        try:
            sent = os.write(self.task_w, self.out)
        except BlockingIOError:
            sent = 0
        except OSError:  # the worker is gone: its sentinel says so next
            return
        del self.out[:sent]
        if self.out:
            self.loop.add_writer(self.task_w, self._writable)
        else:
            self.loop.remove_writer(self.task_w)

    def _readable(self) -> bool:
        """Read what the worker wrote; False when there was nothing to read."""
        # into a buffer kept for the purpose (os.read allocates its whole size
        # for every read, then shrinks it to what came)
        try:
            n = os.readv(self.result_r, [self.readbuf])
        except BlockingIOError:
            return False
        except OSError:
            n = 0
        if not n:  # the worker closed its end: it is exiting
            with contextlib.suppress(Exception):
                self.loop.remove_reader(self.result_r)
            return False
        self.inbuf += self.readbuf[:n]
        done = 0
        while len(self.inbuf) >= _LENGTH.size:
            size = _LENGTH.unpack_from(self.inbuf)[0]
            end = _LENGTH.size + size
            if len(self.inbuf) < end:
                break
            result = pickle.loads(self.inbuf[_LENGTH.size:end])
            del self.inbuf[:end]
            future = self.pending.popleft()
            if not future.done():
                future.set_result(result)
            done += 1
        for _ in range(done):
            self.on_event(None)  # a slot is free: wake a waiting caller
        return True

    def _died(self) -> None:
        while self._readable():  # results it wrote before it died still count
            pass
        if self.closed:
            return
        self.close(kill=True)
        self.on_event(self)

    def fail_pending(self, exc: Exception) -> None:
        while self.pending:
            future = self.pending.popleft()
            if not future.done():
                future.set_exception(exc)

    def close(self, kill: bool = False, timeout: float = 10.0) -> None:
        if self.closed:
            return
        self.closed = True
        for remove, fd in ((self.loop.remove_reader, self.result_r),
                           (self.loop.remove_reader, self.process.sentinel),
                           (self.loop.remove_writer, self.task_w)):
            with contextlib.suppress(Exception):  # the loop may be closed already
                remove(fd)
        self.task_conn.close()  # the worker's end of input: it exits after its page
        if kill:
            self.process.kill()
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.result_conn.close()


class ExtractionPool:
    def __init__(self, processes: int, options: ExtractionOptions) -> None:
        self.processes = processes
        self.options = options
        self.workers: list[_Worker] = []
        self.waiters: deque[asyncio.Future] = deque()
        self.restarts = 0

    def start(self) -> None:
        """Start the missing workers, in the running event loop (the crawler
        does so when the spider opens: their imports overlap its first
        fetches; a dead worker's replacement and a first use also come here)."""
        loop = asyncio.get_running_loop()
        ctx = multiprocessing.get_context("spawn")
        while len(self.workers) < self.processes:
            self.workers.append(_Worker(ctx, self.options, loop, self._worker_event))

    def _worker_event(self, dead: _Worker | None) -> None:
        """A worker finished a page (``dead`` is None) or died."""
        if dead is not None:
            logger.error("An extraction process died (exit code %s); starting another",
                         dead.process.exitcode)
            self.restarts += 1
            self.workers.remove(dead)
            dead.fail_pending(WorkerDied(f"extraction process exit code {dead.process.exitcode}"))
            self.start()
        free = 1 if dead is None else PER_WORKER  # a page done, or a new worker
        while self.waiters and free:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                free -= 1

    async def _worker(self) -> _Worker:
        """The worker with the fewest pages, once one has room for another."""
        loop = asyncio.get_running_loop()
        if self.workers and self.workers[0].loop is not loop:
            self.close()  # workers wired to an earlier event loop (tests run one per call)
        while True:
            if len(self.workers) < self.processes:
                self.start()
            worker = min(self.workers, key=lambda w: len(w.pending))
            if len(worker.pending) < PER_WORKER:
                return worker
            waiter = asyncio.get_running_loop().create_future()
            self.waiters.append(waiter)
            await waiter

    async def extract(self, page: Page) -> PageResult:
        worker = await self._worker()
        try:
            return await worker.submit(page)
        except WorkerDied:
            logger.error("Extracting %s inline: its extraction process died", page.url)
            return page_to_article(page, self.options)

    def close(self, wait: bool = True) -> None:
        for worker in self.workers:
            worker.fail_pending(WorkerDied("the pool is closed"))
            worker.close(kill=not wait)
        self.workers = []
