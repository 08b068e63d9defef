"""Distributed crawls on a real redis-server: workers in separate processes
share one frontier; every URL is fetched once overall, every article written
once; a worker killed mid-crawl loses nothing."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from crawler.distributed.keys import JobKeys
from tests.conftest import FAST, ROOT, run_crawler
from tests.mockserver import MANIFEST, MockServer


def worker(redis_url: str, job: str, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "worker", "--redis", redis_url, "--job", job,
         "-o", str(out), "-s", "AUTOTHROTTLE_ENABLED=0", *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def canonical(record: dict) -> str:
    """The article's path: the canonical page's record is written, never its
    AMP copy's, whichever worker fetched what first."""
    return urlsplit(record["url"]).path


def articles(job: Path) -> list[dict]:
    return [json.loads(line) for f in sorted(job.glob("articles-*.jsonl"))
            for line in f.read_text("utf-8").splitlines()]


def responses_by_file(job: Path) -> dict[str, Counter]:
    found = {}
    for path in sorted((job / "warc").glob("*.warc.gz")):
        with open(path, "rb") as f:
            found[path.name] = Counter(
                urlsplit(r.rec_headers.get_header("WARC-Target-URI")).path
                for r in ArchiveIterator(f) if r.rec_type == "response")
    return found


def test_two_workers_fetch_everything_once(redis_url: str, tmp_path: Path) -> None:
    slow = ["-s", "DOWNLOAD_DELAY=0.05", "--max-depth", "3"]
    with MockServer() as server:
        a = worker(redis_url, "two", tmp_path, *slow)
        b = worker(redis_url, "two", tmp_path, *slow)
        time.sleep(1.0)
        seed = run_crawler("crawl", server.url("/"), "--redis", redis_url, "--job", "two",
                           "-o", str(tmp_path), "-s", "AUTOTHROTTLE_ENABLED=0", *slow)
        assert seed.returncode == 0, seed.stderr[-2000:]
        for proc in (a, b):
            _out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err[-2000:]
        requests = Counter(r["path"] for r in server.requests())
    assert requests.pop("/broken.html") == 3  # retried twice, by whichever worker
    assert {p: n for p, n in requests.items() if n > 1} == {}  # robots.txt included
    assert "/private/secret.html" not in requests  # the shared robots.txt is obeyed
    job = tmp_path / "two"
    recs = articles(job)
    assert Counter(canonical(r) for r in recs) == Counter(list(MANIFEST["articles"]))
    per_file = responses_by_file(job)
    assert len(per_file) >= 2  # each worker its own WARC (names carry host and pid)
    total = sum(per_file.values(), Counter())
    assert total.pop("/broken.html") == 3
    assert set(total.values()) == {1}  # every fetched URL in exactly one worker's WARC
    for f in job.glob("articles-*.jsonl"):  # each worker writes the articles it fetched
        tag = f.name.split("-", 2)[2].removesuffix(".jsonl")  # host-pid
        assert all(f"-{tag}-" in json.loads(line)["warc"]["filename"]
                   for line in f.read_text("utf-8").splitlines())
    status = run_crawler("status", "--redis", redis_url, "--job", "two")
    assert "0 queued, 0 in flight" in status.stdout and "workers seen (3)" in status.stdout
    check = run_crawler("check", str(job))
    assert check.returncode == 0, check.stdout[-2000:]
    replay = run_crawler("replay", "-q", str(job / "warc"))  # every worker's WARC at once
    assert replay.returncode == 0, replay.stderr[-2000:]
    replayed = [json.loads(line) for line in replay.stdout.splitlines()]
    assert Counter(canonical(r) for r in replayed) == Counter(list(MANIFEST["articles"]))


def test_killed_worker_loses_no_request(redis_url: str, tmp_path: Path) -> None:
    # two requests at a time per worker, so the work spreads over all of them
    slow = ["-s", "DOWNLOAD_DELAY=0.3", "-s", "CONCURRENT_REQUESTS=2",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "--max-depth", "3"]
    with MockServer() as server:
        victim = worker(redis_url, "kill", tmp_path, *slow)
        survivor = worker(redis_url, "kill", tmp_path, *slow)
        time.sleep(1.0)
        seeder = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", server.url("/"), "--redis", redis_url,
             "--job", "kill", "-o", str(tmp_path), "-s", "AUTOTHROTTLE_ENABLED=0", *slow],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        job = tmp_path / "kill"
        from redis import Redis

        in_flight = f"crawler:kill:processing:{socket.gethostname()}-{victim.pid}"
        server_ = Redis.from_url(redis_url)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
                server_.hlen(in_flight) and server_.zcard("crawler:kill:requests")):
            time.sleep(0.01)
        assert server_.hlen(in_flight) > 0  # killed with requests in flight
        victim.send_signal(signal.SIGKILL)
        victim.communicate()
        logs = ""
        for proc in (seeder, survivor):
            _out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err[-2000:]
            logs += err
    assert f"Worker {socket.gethostname()}-{victim.pid} is gone" in logs  # its requests put back
    recs = Counter(canonical(r) for r in articles(job))
    assert set(recs) == set(MANIFEST["articles"])  # the crawl completed
    # at most the one article the victim wrote in the instant before it was killed twice
    assert sum(n - 1 for n in recs.values()) <= 1


def test_request_stays_in_flight_until_its_article_is_written(redis_url: str,
                                                                tmp_path: Path) -> None:
    """A page fetched but not yet written (its item still in the pipelines)
    stays in the worker's in-flight hash: killed then, the worker loses it to
    no one. The page is reached only through the feed."""
    from redis import Redis

    from crawler import settings as defaults

    held = "/feed-only/night-market.html"
    assert held in MANIFEST["articles"]
    marker = tmp_path / "holding"
    pipelines = {**defaults.ITEM_PIPELINES, "tests.holdpipeline.HoldPipeline": 60}
    with MockServer() as server:
        holder = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", server.url("/"), "--redis", redis_url,
             "--job", "hold", "-o", str(tmp_path), "-s", "AUTOTHROTTLE_ENABLED=0",
             "-s", "DOWNLOAD_DELAY=0",
             "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}", "-s", f"TEST_HOLD_PATH={held}",
             "-s", f"TEST_HOLD_MARKER={marker}"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not marker.exists() and holder.poll() is None:
                time.sleep(0.02)
            assert marker.exists(), holder.communicate()[1][-2000:]
            time.sleep(0.5)  # the other pages' items written, as far as they go
            in_flight = Redis.from_url(redis_url).hgetall(
                f"crawler:hold:processing:{socket.gethostname()}-{holder.pid}")
            assert any(held.encode() in data for data in in_flight)  # fetched, not acknowledged
        finally:
            holder.send_signal(signal.SIGKILL)  # its extraction workers follow it
            holder.communicate()
        survivor = worker(redis_url, "hold", tmp_path, "-s", "DOWNLOAD_DELAY=0")
        _out, err = survivor.communicate(timeout=120)
        assert survivor.returncode == 0, err[-2000:]
    assert f"Worker {socket.gethostname()}-{holder.pid} is gone" in err
    recs = Counter(canonical(r) for r in articles(tmp_path / "hold"))
    assert recs[held] == 1 and set(recs) == set(MANIFEST["articles"])


def test_state_and_templates_are_shared_in_redis(redis_url: str) -> None:
    from datetime import datetime

    from redis import Redis

    from crawler.distributed.shared import RedisSiteTemplates, RedisStateStore
    from crawler.extraction.blocks import Block
    from crawler.extraction.template import TemplateOptions
    from crawler.state.store import Capture

    server = Redis.from_url(redis_url)
    a, b = RedisStateStore(server, JobKeys("unit")), RedisStateStore(server, JobKeys("unit"))
    assert a.run == b.run
    record = {"url": "https://g.example/a", "text": "Body.", "version": 1,
              "warc": {"filename": "w", "offset": 1, "length": 2, "record_id": "<x>"}}
    a.record_article("k", record, datetime.now(UTC), Capture(etag='"e"'))
    seen = b.get("k")  # written by one worker, known to the other
    assert seen.capture.etag == '"e"' and seen.version == 1 and seen.written_run == a.run
    a.new_run()
    assert b.run == a.run and b.get("k").written_run == a.run - 1

    opts = TemplateOptions(min_pages=2, min_count=2, min_share=0.5)
    w1 = RedisSiteTemplates(server, JobKeys("unit"), opts)
    w2 = RedisSiteTemplates(server, JobKeys("unit"), opts)
    promo = "Zorblax Rewards: earn points"
    w1.observe("s", [Block(text=promo, kind="p", words=4)])
    w2.observe("s", [Block(text=promo, kind="p", words=4)])
    blocks = [Block(text=promo, kind="p", words=4), Block(text="Body", kind="p", words=1)]
    assert w1.apply("s", blocks) == 1 and blocks[0].removed_by == "template"
    assert w2.to_json()["sites"]["s"]["pages"] == 2


def test_redis_templates_forget_rare_blocks_as_memory_ones_do(redis_url: str) -> None:
    from redis import Redis

    from crawler.distributed.shared import RedisSiteTemplates
    from crawler.extraction.blocks import Block
    from crawler.extraction.template import SiteTemplates, TemplateOptions

    server = Redis.from_url(redis_url)
    opts = TemplateOptions(prune_every=10, prune_share=0.25)
    workers = [RedisSiteTemplates(server, JobKeys("prune"), opts) for _ in range(2)]
    local = SiteTemplates(opts)
    # a word per page (digits would not do: block hashes ignore numbers)
    words = ("ash birch cedar dogwood elm fir ginkgo hazel iris juniper kale larch maple "
             "nettle oak pine quince rowan sage teak ulmus vine willow yew zelkova").split()
    for page in range(25):  # a promo on every page, a sidebar on every third, a body each
        blocks = [Block(text="Zorblax Rewards: earn points", kind="p", words=4),
                  Block(text=f"Body of the story about {words[page]}", kind="p", words=6)]
        if page % 3 == 0:
            blocks.append(Block(text="Most read this week", kind="h2", words=4))
        workers[page % 2].observe("s", blocks)  # the two workers take turns
        local.observe("s", blocks)
    shared = workers[0].to_json()["sites"]["s"]
    assert shared == local.to_json()["sites"]["s"]
    # pruned at 20 pages: only blocks on >= a quarter of the pages since they
    # appeared were kept (the bodies of pages 17-20), and 5 bodies since
    assert shared["pages"] == 25 and len(shared["blocks"]) == 2 + 4 + 5
    assert server.hlen("crawler:prune:tpl:s:blocks") == 11
    assert server.hlen("crawler:prune:tpl:s:first") == 11


def test_idle_worker_picks_up_new_work_within_two_seconds(redis_url: str, tmp_path: Path) -> None:
    from redis import Redis
    from scrapy import Request

    from crawler.distributed.queue import ReliablePriorityQueue
    from crawler.spiders.article import ArticleSpider

    server = Redis.from_url(redis_url)
    with MockServer() as site:
        idle = worker(redis_url, "idle", tmp_path, "-s", "CRAWLER_REDIS_IDLE_CLOSE_SECONDS=30")
        try:
            deadline = time.monotonic() + 30
            while (time.monotonic() < deadline
                   and not any(server.scan_iter("crawler:idle:worker:*"))):
                time.sleep(0.05)
            time.sleep(6)  # idle past Scrapy's own 5 s heartbeat
            spider = ArticleSpider(start=site.url("/"))
            queue = ReliablePriorityQueue(server, spider, "crawler:idle:requests")
            site.reset_log()
            pushed = time.monotonic()
            queue.push(Request(site.url("/articles/bridge.html"), callback=spider.parse))
            while time.monotonic() - pushed < 10 and "/articles/bridge.html" not in site.paths():
                time.sleep(0.02)
            waited = time.monotonic() - pushed
            paths = site.paths()
        finally:
            idle.terminate()
            idle.communicate(timeout=30)
    assert "/articles/bridge.html" in paths
    assert waited < 2.0, f"picked up after {waited:.2f} s"


def test_redis_state_settles_an_article_on_its_canonical_page(redis_url: str) -> None:
    """The SQLite store's bookkeeping of an AMP copy and its canonical page
    (``tests/test_state.py``), in Redis."""
    from datetime import datetime

    from redis import Redis

    from crawler.distributed.shared import RedisStateStore
    from crawler.state.store import Capture

    store = RedisStateStore(Redis.from_url(redis_url), JobKeys("settle"))
    now = datetime.now(UTC)
    warc = {"filename": "w", "offset": 1, "length": 2, "record_id": "<x>"}
    store.record_article("amp", {"url": "https://g.example/amp/a", "text": "Body.",
                                 "version": 1, "warc": warc}, now, Capture(etag='"c"'), "a")
    assert store.copy_of("a").key == "amp" and store.count() == 1
    store.record_dropped("a", {"url": "https://g.example/a", "text": "Body."}, now,
                         Capture(etag='"p"'))
    assert store.get("a").version == 0 and store.count() == 1
    assert store.settle("amp", "a")
    page = store.get("a")
    assert (page.version, page.capture.etag, page.article_warc) == (1, '"p"', warc)
    assert store.get("amp") is None and store.copy_of("a") is None and store.count() == 1
    store.record_dropped("a", {"url": "https://g.example/a", "text": "Other."}, now, None)
    assert store.get("a").version == 1  # a page with an article of its own is left alone


class ObfuscatedSite:
    """The ad corpus's obfuscated-template site (12 articles whose junk only
    its recurrence gives away) on 127.0.0.1: ``/`` links every article."""

    def __init__(self) -> None:
        import http.server
        import threading

        corpus = ROOT / "tests" / "data" / "adcorpus"
        manifest = json.loads((corpus / "manifest.json").read_text("utf-8"))
        self.pages = {urlsplit(p["url"]).path: p for p in manifest["site"]["pages"]}
        bodies = {path: (corpus / p["file"]).read_bytes() for path, p in self.pages.items()}
        index = "".join(f'<li><a href="{path}">{path}</a></li>' for path in self.pages)
        bodies["/"] = f"<html><body><ul>{index}</ul></body></html>".encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = bodies.get(urlsplit(self.path).path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body or b"not found")

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ObfuscatedSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


def texts(job: Path) -> dict[str, str]:
    return {urlsplit(r["url"]).path: r["text"] for r in articles(job)}


def test_two_workers_write_the_single_process_texts_without_junk(redis_url: str,
                                                                   tmp_path: Path) -> None:
    """The site statistics and the hold are shared: with a seeding crawl and two
    workers, the same articles and texts as one process, and no junk."""
    fast = [*FAST, "-s", "ROBOTSTXT_OBEY=0"]
    with ObfuscatedSite() as site:
        single = run_crawler("crawl", site.url(), "-o", str(tmp_path), "--job", "one", *fast)
        assert single.returncode == 0, single.stderr[-2000:]
        workers = [worker(redis_url, "two", tmp_path, *fast) for _ in range(2)]
        time.sleep(1.0)
        seeder = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", site.url(), "--redis", redis_url,
             "--job", "two", "-o", str(tmp_path), *fast],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for proc in (seeder, *workers):
            _, err = proc.communicate(timeout=180)
            assert proc.returncode == 0, err[-2000:]
    one, two = texts(tmp_path / "one"), texts(tmp_path / "two")
    assert set(one) == set(site.pages) and len(articles(tmp_path / "two")) == len(site.pages)
    assert two == one
    for path, page in site.pages.items():
        flat = " ".join(two[path].split())
        assert not [junk for junk in page["must_not_have"] if junk in flat], path
        assert all(" ".join(s.split()) in flat for s in page["must_have"]), path


def test_an_idle_worker_outwaits_a_worker_that_may_have_died_holding_articles() -> None:
    from crawler import settings as defaults
    from crawler.distributed.worker import HEARTBEAT_TTL, REQUEUE_WITHIN, idle_wait

    idle_close = defaults.CRAWLER_REDIS_IDLE_CLOSE_SECONDS
    assert idle_wait(idle_close, others_hold_work=False) == idle_close
    # a worker killed with articles held back: its heartbeat expires, then its
    # requests go back in the queue, before the others may end the run
    waited = idle_wait(idle_close, others_hold_work=True)
    assert waited >= REQUEUE_WITHIN > HEARTBEAT_TTL > idle_close
    assert idle_wait(60.0, others_hold_work=True) == 60.0
