"""Job state and site-template statistics in Redis, for distributed crawls:
the same interfaces as the SQLite store (``state/store.py``) and the in-memory
templates (``extraction/template.py``), so re-runs and template learning work
across workers on any machine."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.distributed.keys import JobKeys, as_text
from crawler.extraction.blocks import Block
from crawler.extraction.template import FORMAT_VERSION, SiteTemplates, TemplateOptions, block_hash
from crawler.state.store import Capture, PageState, digest, field_digests

if TYPE_CHECKING:
    from redis import Redis


class RedisStateStore:
    """``crawler:<job>:state`` (hash: URL key → JSON of the page's state; the key
    names: :mod:`crawler.distributed.keys`),
    ``crawler:<job>:state:canonical`` (hash: canonical page key → key of the copy
    written under another URL), ``crawler:<job>:state:dropped`` (set: keys of
    pages kept only as a duplicate's capture) and ``crawler:<job>:state:run`` /
    ``:run_finished``: the run number, advanced by the seeding process of a new
    crawl (``new_run``)."""

    def __init__(self, server: Redis, keys: JobKeys) -> None:
        self.server = server
        self.key = keys.state()
        self.keys = keys
        if not self.run:
            self.new_run()
        self.resumed = not server.get(keys.state("run_finished"))

    @property
    def run(self) -> int:
        """The current run, as the seeding process set it (workers may join later)."""
        return int(self.server.get(self.keys.state("run")) or 0)

    def new_run(self) -> int:
        run = int(self.server.incr(self.keys.state("run")))
        self.server.delete(self.keys.state("run_finished"))
        return run

    def finish_run(self, reason: str) -> None:
        self.server.set(self.keys.state("run_finished"), reason)

    def close(self) -> None:
        """Nothing to close: the connection pool belongs to the crawl."""

    def get(self, key: str) -> PageState | None:
        raw = self.server.hget(self.key, key)
        if raw is None:
            return None
        d = json.loads(raw)
        return PageState(key=key, url=d["url"], capture=Capture(**d["capture"]),
                         fetched_at=datetime.fromisoformat(d["fetched_at"]),
                         version=d["version"], written_run=d.get("written_run"),
                         article_warc=d.get("article_warc"), text_digest=d.get("text_digest"),
                         fields=d.get("fields") or {}, fetched_run=d.get("fetched_run"),
                         canonical=d.get("canonical"))

    def _put(self, key: str, value: dict[str, Any]) -> None:
        self.server.hset(self.key, key, json.dumps(value))

    def touch(self, key: str, url: str, fetched_at: datetime, capture: Capture | None) -> None:
        raw = self.server.hget(self.key, key)
        if raw is None:
            return
        d = json.loads(raw)
        d["fetched_at"] = fetched_at.isoformat()
        d["fetched_run"] = self.run  # as the SQLite store does
        if capture is not None:
            d["capture"] = asdict(capture)
        self._put(key, d)

    def _page(self, record: dict[str, Any], fetched_at: datetime, capture: Capture | None,
              version: int, canonical: str | None) -> dict[str, Any]:
        run = self.run
        return {
            "url": record["url"], "capture": asdict(capture or Capture()),
            "fetched_at": fetched_at.astimezone(UTC).isoformat(), "fetched_run": run,
            "version": version, "written_run": run if version else None,
            "article_warc": record.get("warc") if version else None,
            "text_digest": digest(record.get("text")), "fields": field_digests(record),
            "canonical": canonical,
        }

    def record_article(self, key: str, record: dict[str, Any], fetched_at: datetime,
                       capture: Capture | None, canonical: str | None = None) -> None:
        self._put(key, self._page(record, fetched_at, capture, record.get("version") or 1,
                                  canonical))
        self.server.srem(self.keys.state("dropped"), key)
        if canonical is not None:
            self.server.hset(self.keys.state("canonical"), canonical, key)

    def record_dropped(self, key: str, record: dict[str, Any], fetched_at: datetime,
                       capture: Capture | None) -> None:
        previous = self.get(key)
        if previous is not None and previous.version >= 1:
            return
        self._put(key, self._page(record, fetched_at, capture, 0, None))
        self.server.sadd(self.keys.state("dropped"), key)

    def copy_of(self, key: str) -> PageState | None:
        raw = self.server.hget(self.keys.state("canonical"), key)
        copy = self.get(as_text(raw)) if raw is not None else None
        if copy is None or copy.key == key or copy.canonical != key or copy.version < 1:
            return None
        return copy

    def settle(self, copy_key: str, key: str) -> bool:
        run = self.run
        copy, raw = self.get(copy_key), self.server.hget(self.key, key)
        if copy is None or raw is None or copy.canonical != key or copy.version < 1 \
                or copy.written_run != run:
            return False
        d = json.loads(raw)
        if d["version"] >= 1 or d.get("fetched_run") != run:
            return False
        d.update(version=copy.version, written_run=copy.written_run,
                 article_warc=copy.article_warc)
        self._put(key, d)
        self.server.srem(self.keys.state("dropped"), key)
        self.server.hdel(self.key, copy_key)
        self.server.hdel(self.keys.state("canonical"), key)
        return True

    def count(self) -> int:
        return int(self.server.hlen(self.key)) - int(self.server.scard(self.keys.state("dropped")))


#: count one page of a site: KEYS pages counter, block counts, first sightings;
#: ARGV the page's block hashes. Returns the site's page count.
OBSERVE = """
local pages = redis.call('INCR', KEYS[1])
for i, h in ipairs(ARGV) do
  redis.call('HINCRBY', KEYS[2], h, 1)
  redis.call('HSETNX', KEYS[3], h, pages)
end
return pages
"""

#: forget the blocks whose count is under ARGV[2] of their exposure at page
#: ARGV[1] (atomic: no worker counts into a block while it is being forgotten)
PRUNE = """
local entries = redis.call('HGETALL', KEYS[1])
local pages = tonumber(ARGV[1])
local share = tonumber(ARGV[2])
local gone = 0
for i = 1, #entries, 2 do
  local first = tonumber(redis.call('HGET', KEYS[2], entries[i]) or '1')
  if tonumber(entries[i + 1]) < share * (pages - first + 1) then
    redis.call('HDEL', KEYS[1], entries[i])
    redis.call('HDEL', KEYS[2], entries[i])
    gone = gone + 1
  end
end
return gone
"""


class RedisSiteTemplates(SiteTemplates):
    """Per site: ``crawler:<job>:tpl:<site>:pages`` (counter), ``:blocks`` (hash of
    block hash -> pages) and ``:first`` (hash of block hash -> the site's page
    number when first seen), shared by all workers, so every worker's verdicts
    are those of one process. Every ``prune_every`` pages of a site, the worker
    whose page reached that count forgets the site's rare blocks, as the
    in-memory statistics do, so Redis holds a bounded hash per site however
    long the crawl."""

    def __init__(self, server: Redis, keys: JobKeys,
                 options: TemplateOptions | None = None) -> None:
        super().__init__(options)
        self.server = server
        self.keys = keys
        self._observe_script = server.register_script(OBSERVE)
        self._prune_script = server.register_script(PRUNE)

    def _keys(self, site: str) -> list[str]:
        return [self.keys.template(site, part) for part in ("pages", "blocks", "first")]

    def observe(self, site: str, blocks: Iterable[Block]) -> None:
        keys = self._keys(site)
        pages = int(self._observe_script(keys=keys, args=sorted({block_hash(b) for b in blocks})))
        if self.is_prune_time(pages):
            self._prune_script(keys=keys[1:], args=[pages, self.options.prune_share])

    def pages(self, site: str) -> int:
        return int(self.server.get(self._keys(site)[0]) or 0)

    def block_states(self, site: str, hashes: list[str]) -> list[tuple[int, int]]:
        if not hashes:
            return []
        _, blocks, first = self._keys(site)
        pipe = self.server.pipeline(transaction=False)
        pipe.hmget(blocks, hashes)
        pipe.hmget(first, hashes)
        counts, firsts = pipe.execute()
        return [(int(c or 0), int(f or 0)) for c, f in zip(counts, firsts, strict=True)]

    def to_json(self) -> dict:
        sites = {}
        for key in self.server.scan_iter(self.keys.template_pattern()):
            site = self.keys.site_of_template_key(key)
            _, blocks, first = self._keys(site)
            counts = self.server.hgetall(blocks)
            firsts = self.server.hgetall(first)
            sites[site] = {"pages": self.pages(site), "blocks": {
                as_text(k): [int(v), int(firsts.get(k, 1))] for k, v in counts.items()}}
        return {"version": FORMAT_VERSION, "sites": sites}


#: KEYS[1] the hash of article key -> the URL that claimed it; ARGV[1] the URL,
#: ARGV[2..] its keys. 1 when taken (none held by another URL), else 0.
CLAIM = """
for i = 2, #ARGV do
  local owner = redis.call('HGET', KEYS[1], ARGV[i])
  if owner and owner ~= ARGV[1] then return 0 end
end
for i = 2, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]) end
return 1
"""


class RedisClaims:
    """The article keys of all workers (``crawler:<job>:article_owners``, key ->
    the URL that claimed it), for :class:`crawler.finishing.ArticleFinisher`.
    The URL that claimed a key may claim it again: a page whose worker died
    before writing it is fetched again by another worker."""

    def __init__(self, server: Redis, keys: JobKeys) -> None:
        self.server = server
        self.key = keys.article_owners
        self._claim = server.register_script(CLAIM)

    def claim(self, keys: set[str], owner: str) -> bool:
        return bool(self._claim(keys=[self.key], args=[owner, *sorted(keys)]))

    def taken(self, keys: set[str], owner: str) -> bool:
        if not keys:
            return False
        owners = self.server.hmget(self.key, sorted(keys))
        return any(o is not None and as_text(o) != owner for o in owners)
