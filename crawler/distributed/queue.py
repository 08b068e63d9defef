"""A scrapy-redis priority queue that loses no request when a worker dies.

``pop`` moves the request atomically from the shared sorted set into the
worker's own processing hash (``<job>:processing:<worker>``); the request is
acknowledged (removed from there) once the engine is done with it. A request
whose article the writer holds back (until its site's template is known) moves
to the worker's held hash (``<job>:held:<worker>``) until the article is
written: it is not work in progress (an idle crawl may end, and the end writes
it), but it is not safe yet either. A worker whose heartbeat key has expired is
dead: any worker moves its processing and held entries back into the queue
(``requeue_dead``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy_redis.queue import PriorityQueue

from crawler.distributed.config import worker_id
from crawler.distributed.keys import JobKeys

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Request, Spider

POP = """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return nil end
redis.call('ZREM', KEYS[1], item[1])
redis.call('HSET', KEYS[2], item[1], item[2])
return item[1]
"""
REQUEUE = """
local entries = redis.call('HGETALL', KEYS[2])
for i = 1, #entries, 2 do
  redis.call('ZADD', KEYS[1], entries[i + 1], entries[i])
end
redis.call('DEL', KEYS[2])
return #entries / 2
"""
HOLD = """
local score = redis.call('HGET', KEYS[1], ARGV[1])
if not score then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], score)
return 1
"""


class ReliablePriorityQueue(PriorityQueue):
    def __init__(self, server: Redis, spider: Spider, key: str,
                 serializer: Any = None) -> None:  # scrapy-redis's: loads() and dumps()
        super().__init__(server, spider, key, serializer)
        self.worker = worker_id()
        self.keys = JobKeys.of_queue(key)
        self.processing_key = self.keys.processing(self.worker)
        self.held_key = self.keys.held(self.worker)
        self._hold = server.register_script(HOLD)
        self._pop = server.register_script(POP)
        self._requeue = server.register_script(REQUEUE)
        self.inflight: dict[int, bytes] = {}

    def pop(self, timeout: int = 0) -> Request | None:
        data = self._pop(keys=[self.key, self.processing_key])
        if data is None:
            return None
        request = self._decode_request(data)
        self.inflight[id(request)] = data
        return request

    def ack(self, request: Request) -> None:
        data = self.inflight.pop(id(request), None)
        if data is not None:
            pipe = self.server.pipeline(transaction=False)
            pipe.hdel(self.processing_key, data)
            pipe.hdel(self.held_key, data)
            pipe.execute()

    def hold(self, request: Request) -> None:
        """The engine is done with ``request`` but its article is held back:
        kept (in the held hash) until :meth:`ack`, no longer in progress."""
        data = self.inflight.get(id(request))
        if data is not None:
            self._hold(keys=[self.processing_key, self.held_key], args=[data])

    def processing(self) -> int:
        """Requests taken by any worker and not yet acknowledged."""
        total = 0
        for key in self.server.scan_iter(match=self.keys.processing()):
            total += self.server.hlen(key)
        return total

    def requeue(self, worker: str) -> int:
        return sum(int(self._requeue(keys=[self.key, hash_key]))
                   for hash_key in (self.keys.processing(worker), self.keys.held(worker)))

    def workers_with_work(self) -> list[str]:
        found: set[str] = set()
        for pattern in (self.keys.processing(), self.keys.held()):
            found.update(self.keys.worker_of(k) for k in self.server.scan_iter(match=pattern))
        return sorted(found)
