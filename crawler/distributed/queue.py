"""A scrapy-redis priority queue that loses no request when a worker dies.

``pop`` moves the request atomically from the shared sorted set into the
worker's own processing hash (``<job>:processing:<worker>``); the request is
acknowledged (removed from there) once the engine is done with it. A worker
whose heartbeat key has expired is dead: any worker moves its processing
entries back into the queue (``requeue_dead``)."""

from __future__ import annotations

from scrapy_redis.queue import PriorityQueue

from crawler.distributed.config import worker_id

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


class ReliablePriorityQueue(PriorityQueue):
    def __init__(self, server, spider, key, serializer=None) -> None:  # noqa: ANN001
        super().__init__(server, spider, key, serializer)
        self.worker = worker_id()
        self.processing_prefix = key.rsplit(":", 1)[0] + ":processing"
        self.processing_key = f"{self.processing_prefix}:{self.worker}"
        self._pop = server.register_script(POP)
        self._requeue = server.register_script(REQUEUE)
        self.inflight: dict[int, bytes] = {}

    def pop(self, timeout: int = 0):  # noqa: ANN201 - scrapy Request or None
        data = self._pop(keys=[self.key, self.processing_key])
        if data is None:
            return None
        request = self._decode_request(data)
        self.inflight[id(request)] = data
        return request

    def ack(self, request) -> None:  # noqa: ANN001
        data = self.inflight.pop(id(request), None)
        if data is not None:
            self.server.hdel(self.processing_key, data)

    def processing(self) -> int:
        """Requests taken by any worker and not yet acknowledged."""
        total = 0
        for key in self.server.scan_iter(match=f"{self.processing_prefix}:*"):
            total += self.server.hlen(key)
        return total

    def requeue(self, worker: str) -> int:
        return int(self._requeue(keys=[self.key, f"{self.processing_prefix}:{worker}"]))

    def workers_with_work(self) -> list[str]:
        prefix = self.processing_prefix + ":"
        return [k.decode().removeprefix(prefix) if isinstance(k, bytes) else k.removeprefix(prefix)
                for k in self.server.scan_iter(match=f"{prefix}*")]
