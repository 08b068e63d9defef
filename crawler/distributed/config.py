"""Settings that put a crawl on Redis (scrapy-redis scheduler and our queue,
dupefilter and worker extension), keyed by job."""

from __future__ import annotations

import os
import socket

from crawler.distributed.keys import JobKeys


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def redis_settings(url: str, job: str) -> dict[str, object]:
    k = JobKeys(job)
    return {
        "REDIS_URL": url,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.queue.ReliablePriorityQueue",
        "SCHEDULER_QUEUE_KEY": k.queue,
        "SCHEDULER_DUPEFILTER_KEY": k.dupefilter,
        "DUPEFILTER_CLASS": "crawler.distributed.dupefilter.CanonicalRedisDupeFilter",
        "CRAWLER_REDIS_ENABLED": True,
    }
