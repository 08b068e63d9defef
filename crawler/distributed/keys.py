"""Every Redis key of a distributed crawl, named here and nowhere else.

All keys of job ``<job>`` start with ``crawler:<job>:``:

=====================================  =====================================================
``requests``                           the shared frontier (scrapy-redis sorted set)
``dupefilter``                         fingerprints of requested URLs (set)
``processing:<worker>``                requests a worker took and is working on (hash)
``held:<worker>``                      requests whose article the worker holds back (hash)
``worker:<worker>``                    a worker's heartbeat (expires)
``stats:pages`` / ``stats:articles``   counters for ``crawler status``
``stats:workers_seen``                 every worker that joined (set)
``stats:scope``                        the sites in scope, published by the seeding process
``stats:robots:<host>`` (``:lock``)    a site's robots.txt, fetched once for all workers
``article_owners``                     article key -> the URL that claimed it (hash)
``state`` (``:canonical``,             the job state (see ``shared.RedisStateStore``)
``:dropped``, ``:run``, ``:run_finished``)
``tpl:<site>:pages|blocks|first``      a site's template statistics
=====================================  =====================================================

``new_crawl_keys`` are the ones a new crawl of the job starts without (the job
state and the template statistics carry over from run to run).
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "crawler:"


def as_text(value: str | bytes) -> str:
    """A key or value as Redis gives it (bytes: our clients do not decode) as text."""
    return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True)
class JobKeys:
    job: str

    @property
    def base(self) -> str:
        return f"{PREFIX}{self.job}"

    @classmethod
    def of_queue(cls, queue_key: str) -> JobKeys:
        """The job's keys from its queue's key (scrapy-redis hands the queue
        only that)."""
        base, _, name = queue_key.rpartition(":")
        if not base.startswith(PREFIX) or name != "requests":
            raise ValueError(f"not a crawl queue key: {queue_key!r}")
        return cls(base[len(PREFIX):])

    # -- the frontier --------------------------------------------------------
    @property
    def queue(self) -> str:
        return f"{self.base}:requests"

    @property
    def dupefilter(self) -> str:
        return f"{self.base}:dupefilter"

    def processing(self, worker: str = "*") -> str:
        return f"{self.base}:processing:{worker}"

    def held(self, worker: str = "*") -> str:
        return f"{self.base}:held:{worker}"

    def heartbeat(self, worker: str = "*") -> str:
        return f"{self.base}:worker:{worker}"

    def worker_of(self, key: str | bytes) -> str:
        """The worker id at the end of a ``processing``, ``held`` or heartbeat key."""
        return as_text(key).rsplit(":", 1)[-1]

    # -- counters and shared knowledge ---------------------------------------
    @property
    def pages(self) -> str:
        return f"{self.base}:stats:pages"

    @property
    def articles(self) -> str:
        return f"{self.base}:stats:articles"

    @property
    def workers_seen(self) -> str:
        return f"{self.base}:stats:workers_seen"

    @property
    def scope(self) -> str:
        return f"{self.base}:stats:scope"

    def robots(self, host: str = "*") -> str:
        return f"{self.base}:stats:robots:{host}"

    @property
    def article_owners(self) -> str:
        return f"{self.base}:article_owners"

    # -- the job state and the site templates --------------------------------
    def state(self, part: str = "") -> str:
        """The state hash, or one of its companions (``canonical``, ``dropped``,
        ``run``, ``run_finished``)."""
        return f"{self.base}:state" + (f":{part}" if part else "")

    def template(self, site: str, part: str) -> str:
        """``pages``, ``blocks`` or ``first`` of a site's template statistics."""
        return f"{self.base}:tpl:{site}:{part}"

    def template_pattern(self) -> str:
        return f"{self.base}:tpl:*:pages"

    def site_of_template_key(self, key: str | bytes) -> str:
        return as_text(key)[len(f"{self.base}:tpl:"):].rsplit(":", 1)[0]

    def new_crawl_keys(self) -> list[str]:
        """Fixed keys a new crawl of the job deletes (plus ``robots(*)``)."""
        return [self.dupefilter, self.pages, self.articles, self.scope, self.article_owners]
