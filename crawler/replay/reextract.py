"""Re-extraction of articles from archives, offline: the same page-type rule,
extraction and finishing (:class:`crawler.finishing.ArticleFinisher`: which URL
of an article wins, the site template with its hold) as a live crawl, so a
crawl's WARCs replay to the crawl's own articles.

Reading and decoding run in this process, archive after archive in the order
given. Extraction runs here too (``processes`` 0), or in the crawl's
extraction pool (:class:`crawler.extraction.pool.ExtractionPool`) of
``processes`` workers, driven by an event loop in a thread of its own: pages go
out as they are read, at most ``IN_FLIGHT`` per worker at once (so memory stays
flat: a few pages per worker, whatever the archives' size), and their results
are taken back in the order the pages were read. Finishing happens here, in
capture order, so the output is the same whatever the number of processes.

Filters (:mod:`crawler.replay.filters`) drop a page before extraction when they
can, else its article after extraction, before finishing: a page filtered out
is not seen by the site templates or the de-duplication either way.

:meth:`Replay.run` yields :class:`ArchiveDone` after the last article of each
archive: the moment to checkpoint (:mod:`crawler.replay.checkpoint`), with the
finisher holding exactly what that archive and the ones before it left."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.articles import PageResult, page_to_article
from crawler.extraction import ExtractionOptions, extractor_version
from crawler.extraction.pool import PER_WORKER, ExtractionPool
from crawler.extraction.template import SiteTemplates, TemplateOptions
from crawler.finishing import ArticleFinisher, Claims, LocalClaims, Outcome
from crawler.frontier.urls import UrlCleaner
from crawler.items import Page
from crawler.replay.checkpoint import Saved
from crawler.replay.filters import PageFilter
from crawler.schema import Article
from crawler.warc.reader import Archive, Originals, iter_pages

#: Pages sent to the pool and not yet finished, per worker: enough that one
#: slow page does not leave the other workers idle waiting for it.
IN_FLIGHT = 4 * PER_WORKER
#: Pages between two calls of the progress callback.
PROGRESS_PAGES = 200


@dataclass
class ReplayOptions:
    extraction: ExtractionOptions = field(default_factory=ExtractionOptions)
    template: TemplateOptions | None = field(default_factory=TemplateOptions)
    cleaner: UrlCleaner = field(default_factory=UrlCleaner)
    #: ``warc.filename`` in the records is made relative to this folder.
    relative_to: Path | None = None
    #: Extraction processes; 0 extracts in this process.
    processes: int = 0
    filters: PageFilter = field(default_factory=PageFilter)


@dataclass
class ReplayStats:
    counts: Counter[str] = field(default_factory=Counter)

    def inc(self, key: str, n: int = 1) -> None:
        self.counts[key] += n


@dataclass(frozen=True)
class ArchiveDone:
    """Every article of the first ``done`` archives has been yielded, and none
    of the archives after them; ``counts`` are the replay's counts then."""

    done: int
    counts: Counter[str]


@dataclass(frozen=True)
class _Boundary:
    """The end of an archive among the pages in flight, with the counts of the
    reading side then (reading runs ahead of finishing)."""

    done: int
    read: Counter[str]


def _display_name(archive: Archive, relative_to: Path | None) -> str:
    path = archive.path
    if relative_to is not None:
        path = Path(os.path.relpath(path.resolve(), relative_to.resolve()))
    return f"{path}#{archive.member}" if archive.member else str(path)


def arguments(archives: list[Archive], options: ReplayOptions) -> dict[str, Any]:
    """What makes a replay's output what it is (a checkpoint resumes only with
    the same): the archives (with their sizes), the options but the number of
    processes, and the extractor's version."""
    return {
        "archives": [[str(a.path.resolve()), a.member, a.path.stat().st_size]
                     for a in archives],
        "extraction": repr(options.extraction),
        "template": repr(options.template),
        "cleaner": [sorted(options.cleaner.params), list(options.cleaner.prefixes)],
        "output folder": str(options.relative_to.resolve()) if options.relative_to else None,
        "filters": repr(options.filters),
        "extractor": extractor_version(),
    }


class _PoolThread:
    """The extraction pool, on an event loop in a thread of its own: pages are
    handed over from this thread and their results come back as futures."""

    def __init__(self, processes: int, options: ExtractionOptions) -> None:
        self.pool = ExtractionPool(processes, options)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="replay-pool",
                                       daemon=True)
        self.thread.start()
        # the workers' imports overlap the first reading; they start with Ctrl-C
        # ignored (an ignored signal stays so across exec): the replay stops them
        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
        try:
            self._call(self._start()).result()
        finally:
            if main:
                signal.signal(signal.SIGINT, previous)

    async def _start(self) -> None:
        self.pool.start()

    async def _close(self, wait: bool) -> None:
        self.pool.close(wait=wait)
        # pages still waiting for a worker (the replay stopped early)
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def _call(self, coro: Any) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def submit(self, page: Page) -> Future[PageResult]:
        """The page's extraction, begun on the pool's thread. The coroutine is
        made there too: made here, a Ctrl-C between making and handing it
        over would drop it unawaited (Python warns on stderr at exit)."""
        result: Future[PageResult] = Future()
        self.loop.call_soon_threadsafe(self._begin, page, result)
        return result

    def _begin(self, page: Page, result: Future[PageResult]) -> None:
        def settle(task: asyncio.Task[PageResult]) -> None:
            if task.cancelled():
                result.cancel()
            elif (error := task.exception()) is not None:
                result.set_exception(error)
            else:
                result.set_result(task.result())
        self.loop.create_task(self.pool.extract(page)).add_done_callback(settle)

    def close(self, wait: bool = True) -> None:
        if self.loop.is_closed():
            return
        self._call(self._close(wait)).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


class Replay:
    """One replay of ``archives`` (see the module docstring). ``claims`` keep
    the article keys taken (default: :class:`LocalClaims`, closed with the
    replay); ``saved`` is a checkpoint's state to go on from. ``interrupted``
    is set by the caller's Ctrl-C handler: the replay raises
    ``KeyboardInterrupt`` at its next page once it is, whether or not the
    handler's own ``KeyboardInterrupt`` came through (a library's bare
    ``except:`` swallows one raised inside it; warcio's header decoder did
    until :func:`crawler.compat.install_warcio` replaced it)."""

    def __init__(self, archives: list[Archive], options: ReplayOptions | None = None,
                 stats: ReplayStats | None = None,
                 progress: Callable[[ReplayStats], None] | None = None,
                 claims: Claims | None = None, saved: Saved | None = None,
                 interrupted: threading.Event | None = None) -> None:
        self.archives = archives
        self.interrupted = interrupted
        self.opts = options or ReplayOptions()
        self.stats = stats or ReplayStats()
        self.progress = progress
        self.own_claims = LocalClaims() if claims is None else None
        templates: SiteTemplates | None
        if saved is not None:
            templates = saved.templates_for(self.opts.template)
            self.stats.counts.update(saved.counts)
        else:
            templates = SiteTemplates(self.opts.template) if self.opts.template else None
        self.finisher = ArticleFinisher(
            cleaner=self.opts.cleaner, min_chars=self.opts.extraction.min_chars,
            templates=templates, claims=claims if claims is not None else self.own_claims)
        if saved is not None:
            saved.restore(self.finisher)
        self.start = saved.archives_done if saved is not None else 0
        #: What the reading side counted in this run (it runs ahead of finishing).
        self.reading: Counter[str] = Counter()
        self.pool = _PoolThread(self.opts.processes, self.opts.extraction) \
            if self.opts.processes > 0 else None

    def run(self) -> Iterator[Article | ArchiveDone]:
        """The articles, in capture order (held ones when released), and an
        :class:`ArchiveDone` after each archive's last."""
        filters = self.opts.filters
        limit = IN_FLIGHT * self.opts.processes
        waiting: deque[tuple[Page, Future[PageResult] | None] | _Boundary] = deque()
        # the reader's revisit index, across archives: a revisit may come before
        # its original, or in a later file
        originals = Originals()
        for index in range(self.start):  # resumed: the originals the archives done hold
            archive = self.archives[index]
            for _ in iter_pages(archive, _display_name(archive, self.opts.relative_to),
                                originals):
                self._go_on()
        for index in range(self.start, len(self.archives)):
            archive = self.archives[index]
            name = _display_name(archive, self.opts.relative_to)
            keep = filters.host_ok if filters.hosts else None  # decided before the body
            for page in iter_pages(archive, name, originals, keep):
                self._go_on()
                self._read("pages")
                if self.progress is not None and \
                        self.stats.counts["pages"] % PROGRESS_PAGES == 0:
                    self.progress(self.stats)
                if 300 <= page.status < 400:  # a redirect hop: its target is captured too
                    self._read("dropped/redirect")
                    continue
                reason = filters.before_extraction(page)
                if reason is not None:
                    self._read(f"filtered/{reason}")
                    continue
                waiting.append((page, self.pool.submit(page) if self.pool else None))
                while len(waiting) > limit:
                    yield from self._next(waiting.popleft())
            waiting.append(_Boundary(index + 1, Counter(self.reading)))
        for revisit in originals.close():  # each revisit whose original never came (warned)
            self._read("dropped/revisit_without_original" if revisit.has_http
                       else "dropped/not_html")  # a dns: revisit, say: no HTTP response
        while waiting:
            yield from self._next(waiting.popleft())
        yield from self._report(self.finisher.flush())
        if self.progress is not None:
            self.progress(self.stats)

    def _go_on(self) -> None:
        """Raise ``KeyboardInterrupt`` once Ctrl-C was pressed (``interrupted``)."""
        if self.interrupted is not None and self.interrupted.is_set():
            raise KeyboardInterrupt

    def _read(self, key: str) -> None:
        self.stats.inc(key)
        self.reading[key] += 1

    def _next(self, item: tuple[Page, Future[PageResult] | None] | _Boundary,
              ) -> Iterator[Article | ArchiveDone]:
        if isinstance(item, _Boundary):  # the reading side's counts as they were then
            yield ArchiveDone(item.done, self.stats.counts - self.reading + item.read)
            return
        page, future = item
        self._go_on()
        result = future.result() if future is not None \
            else page_to_article(page, self.opts.extraction)
        article = result.article
        if article.reason is not None:
            self.stats.inc(f"dropped/{article.reason}")
            return
        reason = self.opts.filters.after_extraction(article)
        if reason is not None:
            self.stats.inc(f"filtered/{reason}")
            return
        yield from self._report(self.finisher.add(article))

    def _report(self, outcomes: list[Outcome]) -> Iterator[Article]:
        for outcome in outcomes:
            if outcome.removed:
                self.stats.inc("removed/template", outcome.removed)
            if outcome.dropped is not None:
                self.stats.inc(f"dropped/{outcome.dropped}")
                continue
            self.stats.inc("articles")
            yield outcome.article

    def close(self, wait: bool = True) -> None:
        """Stop the extraction workers (``wait``: after their page) and close
        the claims the replay made itself."""
        if self.pool is not None:
            self.pool.close(wait)
        if self.own_claims is not None:
            self.own_claims.close()
            self.own_claims = None


def replay(archives: list[Archive], options: ReplayOptions | None = None,
           stats: ReplayStats | None = None,
           progress: Callable[[ReplayStats], None] | None = None) -> Iterator[Article]:
    """Articles of ``archives``, in capture order (held ones when released)."""
    run = Replay(archives, options, stats, progress)
    finished = False
    try:
        for item in run.run():
            if isinstance(item, Article):
                yield item
        finished = True
    finally:
        run.close(wait=finished)
