"""``crawler status --redis URL --job NAME``: a distributed crawl at a glance."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.distributed.keys import JobKeys, as_text

if TYPE_CHECKING:
    from redis import Redis


class JobStatus(TypedDict):
    queue: int
    in_flight: int
    seen_urls: int
    pages_done: int
    articles: int
    workers_live: list[str]
    workers_seen: list[str]


def status(server: Redis, job: str) -> JobStatus:
    k = JobKeys(job)
    live = sorted(k.worker_of(x) for x in server.scan_iter(k.heartbeat()))
    in_flight = sum(server.hlen(x) for x in server.scan_iter(k.processing()))
    seen = sorted(as_text(x) for x in server.smembers(k.workers_seen))
    return {
        "queue": server.zcard(k.queue),
        "in_flight": in_flight,
        "seen_urls": server.scard(k.dupefilter),
        "pages_done": int(server.get(k.pages) or 0),
        "articles": int(server.get(k.articles) or 0),
        "workers_live": live,
        "workers_seen": seen,
    }


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "--redis URL --job NAME"

    def short_desc(self) -> str:
        return "Show a distributed crawl: queue length, pages done, workers"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--redis", metavar="URL")
        parser.add_argument("--job", metavar="NAME")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from redis import Redis
        from redis.exceptions import RedisError

        if not opts.redis or not opts.job:
            raise UsageError("give --redis URL and --job NAME", print_help=False)
        try:
            data = status(Redis.from_url(opts.redis), opts.job)
        except (RedisError, ValueError) as exc:
            raise UsageError(f"cannot read Redis at {opts.redis}: {exc}", print_help=False) \
                from None
        print(f"job {opts.job}: {data['queue']} queued, {data['in_flight']} in flight, "
              f"{data['seen_urls']} URLs seen, {data['pages_done']} pages done, "
              f"{data['articles']} articles")
        print(f"workers live ({len(data['workers_live'])}): "
              f"{', '.join(data['workers_live']) or '-'}")
        print(f"workers seen ({len(data['workers_seen'])}): "
              f"{', '.join(data['workers_seen']) or '-'}")
