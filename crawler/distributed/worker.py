"""The worker side of a distributed crawl (an extension, on when the crawl is
on Redis): a heartbeat; acknowledging each request once the engine is done
with it (its redirect or retry queued, the links of its callback queued, its
items written or dropped, or, for an article the writer holds back until its
site's template is known, when that article is written: a worker killed before
that loses nothing); putting
back the requests of dead workers; waking up an idle engine as soon as the
shared queue has work (Scrapy itself looks only every 5 s); and ending the
crawl when the queue and every worker's in-flight set stay empty.

Stats (in Redis, for ``crawler status``): pages and articles done (added every
tick, 0.5 s, in one round trip), workers seen."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet import task

from crawler.compat import on_request_done, running_scheduler, wake_engine
from crawler.distributed.config import worker_id
from crawler.distributed.keys import JobKeys
from crawler.pipelines.finish import article_held, article_released

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

    from crawler.distributed.queue import ReliablePriorityQueue

logger = logging.getLogger(__name__)
HEARTBEAT_TTL = 5
#: Seconds between two ticks; a beat every 2 ticks, dead workers looked for every 4.
TICK = 0.5
#: The longest a dead worker's requests can wait to be put back: its heartbeat
#: expiring, then the next look for dead workers (:meth:`DistributedWorker.requeue_dead`).
REQUEUE_WITHIN = HEARTBEAT_TTL + 4 * TICK


def idle_wait(idle_close: float, others_hold_work: bool) -> float:
    """How long an idle worker waits before it ends. While another worker has
    requests taken or held back, that worker may have just died with articles
    held (not in progress, so they do not keep the crawl busy): the crawl lasts
    until its heartbeat has expired and they are back in the queue, else the
    run would end without them (and an AMP copy held here would be written in
    place of its canonical page)."""
    return max(idle_close, REQUEUE_WITHIN) if others_hold_work else idle_close


class DistributedWorker:
    def __init__(self, crawler: Crawler) -> None:
        from scrapy_redis.connection import get_redis_from_settings

        self.crawler = crawler
        self.server = get_redis_from_settings(crawler.settings)
        self.keys = JobKeys(crawler.settings.get("CRAWLER_JOB"))
        self.me = worker_id()
        self.idle_close = crawler.settings.getfloat("CRAWLER_REDIS_IDLE_CLOSE_SECONDS")
        self.idle_since: float | None = None
        self.loop: task.LoopingCall | None = None
        self.ticks = 0
        #: Counts not yet added to the shared ``stats:pages`` / ``stats:articles``.
        self.pending_pages = self.pending_articles = 0
        #: URLs of articles the writer holds back, and their requests not yet acknowledged.
        self.held: set[str] = set()
        self.unacked: dict[str, list[Request]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedWorker:
        if not crawler.settings.getbool("CRAWLER_REDIS_ENABLED"):
            raise NotConfigured  # off unless --redis: no warning
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.article_held, signal=article_held)
        crawler.signals.connect(ext.article_released, signal=article_released)
        return ext

    @property
    def queue(self) -> ReliablePriorityQueue | None:
        return getattr(running_scheduler(self.crawler), "queue", None)

    def spider_opened(self) -> None:
        self.ack_when_done()
        self.server.sadd(self.keys.workers_seen, self.me)
        self.beat()
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(TICK, now=False)

    def beat(self) -> None:
        self.server.set(self.keys.heartbeat(self.me), str(time.time()), ex=HEARTBEAT_TTL)

    def tick(self) -> None:
        try:
            self.ticks += 1
            self.flush_counts()
            if self.ticks % 2 == 0:
                self.beat()
            if self.ticks % 4 == 0:
                self.requeue_dead()
            wake_engine(self.crawler)  # look at the shared queue now, not at the 5 s heartbeat
        except Exception:  # Redis away for a moment: try again next tick
            logger.warning("distributed worker tick failed", exc_info=True)

    def requeue_dead(self) -> None:
        queue = self.queue
        if queue is None:
            return
        for worker in queue.workers_with_work():
            if worker != self.me and not self.server.exists(self.keys.heartbeat(worker)):
                n = queue.requeue(worker)
                if n:
                    logger.warning("Worker %s is gone: %d requests put back in the queue",
                                   worker, n)
                    self.crawler.stats.inc_value("distributed/requeued", n)

    def ack_when_done(self) -> None:
        """Acknowledge a request when the engine is done with it
        (:func:`crawler.compat.on_request_done`): by then whatever came of it is
        safe (redirects and retries in the shared queue; the callback's requests
        queued, its items through the pipelines). A request can end at many
        places (a middleware refusing it, a redirect, a retry, a download error,
        the callback), and all pass there. A request whose article the writer
        holds is moved to the held hash instead, until the article is written."""
        on_request_done(self.crawler, self.request_done)

    def request_done(self, request: Request) -> None:
        if request.url in self.held:  # its article is held back: not safe yet
            self.unacked.setdefault(request.url, []).append(request)
            queue = self.queue
            if queue is not None:
                queue.hold(request)
        else:
            self.ack(request)

    def ack(self, request: Request) -> None:
        queue = self.queue
        if queue is not None:
            queue.ack(request)

    def article_held(self, url: str) -> None:
        """The writer holds ``url``'s article until its site's template is known:
        its request stays in flight (a worker killed meanwhile loses nothing)."""
        self.held.add(url)

    def article_released(self, url: str) -> None:
        self.held.discard(url)
        for request in self.unacked.pop(url, []):
            self.ack(request)

    def response_received(self) -> None:
        self.pending_pages += 1  # sent with the next tick: no round trip per response

    def item_scraped(self) -> None:
        self.pending_articles += 1

    def flush_counts(self) -> None:
        """Add the pages and articles done since the last tick to the shared
        counters, in one round trip."""
        if not (self.pending_pages or self.pending_articles):
            return
        pages, articles = self.pending_pages, self.pending_articles
        self.pending_pages = self.pending_articles = 0
        pipe = self.server.pipeline(transaction=False)
        pipe.incrby(self.keys.pages, pages)
        pipe.incrby(self.keys.articles, articles)
        pipe.execute()

    def spider_idle(self) -> None:
        queue = self.queue
        if queue is None:
            return
        if len(queue) or queue.processing():
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        waited = now - self.idle_since
        if waited < self.idle_close:  # idle_wait is never shorter: no scan needed yet
            raise DontCloseSpider
        others = any(w != self.me for w in queue.workers_with_work())
        if waited < idle_wait(self.idle_close, others):
            raise DontCloseSpider

    def spider_closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.flush_counts()
        self.server.delete(self.keys.heartbeat(self.me))
