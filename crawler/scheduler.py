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
from typing import TYPE_CHECKING

from scrapy.core.scheduler import Scheduler

from crawler.writefailure import report_write_error

if TYPE_CHECKING:
    from scrapy import Request
    from twisted.internet.defer import Deferred

#: What reading back a damaged queue raises (queuelib, pickle).
UNREADABLE = (OSError, EOFError, ValueError, struct.error, pickle.UnpicklingError)


class SafeDiskScheduler(Scheduler):
    def _dqpush(self, request: Request) -> bool:
        try:
            return super()._dqpush(request)
        except OSError as exc:
            self._give_up_disk(exc)
            return False

    def _dqpop(self) -> Request | None:
        try:
            return super()._dqpop()
        except OSError as exc:  # queuelib writes as it reads, too
            self._give_up_disk(exc)
            return None
        except UNREADABLE as exc:
            self._give_up_disk(OSError(0, f"queued requests cannot be read back ({exc})"))
            return None

    def close(self, reason: str) -> Deferred[None] | None:
        if self.dqs is not None:
            try:
                self._write_dqs_state(str(self.dqdir), self.dqs.close())
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
