"""Scrapy's scheduler, with a disk queue (``JOBDIR``, ``<job>/queue``) that
fails safe when the disk is full or unwritable.

A request that cannot be queued on disk waits in memory instead; a queue that
cannot be read back (a write to it stopped halfway) is given up. Either way
the crawl stops with one error line (``crawler/writefailure.py``): requests
still queued are dropped, and the next start of the job begins with a fresh
queue and resumes the run from the job state, so no article is lost.
"""

from __future__ import annotations

import contextlib
import pickle
import struct
from collections.abc import Callable
from typing import TYPE_CHECKING

from crawler.compat import disk_queue_scheduler
from crawler.writefailure import report_write_error

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.pqueues import ScrapyPriorityQueue
    from twisted.internet.defer import Deferred

#: What reading back a damaged queue raises (queuelib, pickle).
UNREADABLE = (OSError, EOFError, ValueError, struct.error, pickle.UnpicklingError)


class SafeDiskScheduler(disk_queue_scheduler()):  # type: ignore[misc]
    dqs: ScrapyPriorityQueue | None  # Scrapy's Scheduler's (a dynamic base to mypy)

    def disk_push(self, request: Request, push: Callable[[Request], bool]) -> bool:
        try:
            return push(request)
        except OSError as exc:
            self._give_up_disk(exc)
            return False

    def disk_pop(self, pop: Callable[[], Request | None]) -> Request | None:
        try:
            return pop()
        except OSError as exc:  # queuelib writes as it reads, too
            self._give_up_disk(exc)
            return None
        except UNREADABLE as exc:
            self._give_up_disk(OSError(0, f"queued requests cannot be read back ({exc})"))
            return None

    def close(self, reason: str) -> Deferred[None] | None:
        if self.dqs is not None:
            try:
                self.save_disk_queue()
            except OSError as exc:
                self._give_up_disk(exc)
            self.dqs = None
        return super().close(reason)

    def _give_up_disk(self, exc: OSError) -> None:
        """Stop using the disk queue (its requests are dropped) and the crawl."""
        queue, self.dqs = self.dqs, None
        if queue is not None:
            with contextlib.suppress(Exception):
                queue.close()
        assert self.crawler is not None
        report_write_error(self.crawler, str(self.dqdir), exc)
