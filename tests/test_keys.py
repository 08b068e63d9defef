"""crawler.distributed.keys: every Redis key of a job, named in one place."""

from __future__ import annotations

import pytest

from crawler.distributed.config import redis_settings
from crawler.distributed.keys import JobKeys


def test_the_keys_of_a_job_and_their_parts_back() -> None:
    k = JobKeys("news")
    assert (k.queue, k.dupefilter) == ("crawler:news:requests", "crawler:news:dupefilter")
    assert JobKeys.of_queue(k.queue) == k
    assert k.worker_of(k.processing("vm-12")) == k.worker_of(k.held("vm-12").encode()) == "vm-12"
    assert k.heartbeat() == "crawler:news:worker:*"
    key = k.template("a.example:8080", "pages").encode()
    assert k.site_of_template_key(key) == "a.example:8080"
    assert k.state("run") == "crawler:news:state:run" and k.state() == "crawler:news:state"
    settings = redis_settings("redis://127.0.0.1:6379/0", "news")
    assert settings["SCHEDULER_QUEUE_KEY"] == k.queue
    assert settings["SCHEDULER_DUPEFILTER_KEY"] == k.dupefilter


def test_a_new_crawl_forgets_the_frontier_and_claims_not_the_state() -> None:
    k = JobKeys("news")
    fresh = set(k.new_crawl_keys())
    assert {k.dupefilter, k.article_owners, k.pages, k.articles, k.scope} == fresh
    assert not {k.state(), k.state("run"), k.template("s", "pages")} & fresh


def test_a_queue_key_of_something_else_is_refused() -> None:
    with pytest.raises(ValueError, match="not a crawl queue key"):
        JobKeys.of_queue("other:news:requests")
