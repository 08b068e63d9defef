"""Distributed crawl throughput: 1 and 2 processes on one Redis frontier, and the
plain (non-distributed) crawl, on a local site of real news pages.

    python -m benchmarks.distributed [--pages 1000] [--max-depth 10]

The site (a threaded stdlib HTTP server in a subprocess on 127.0.0.1, sharing
the cores with the crawlers and redis-server: see the CPU column) repeats the
pages of ``../shared/eval/html`` (located as in ``benchmarks/metric.py``) under
distinct URLs: a home page, a page per section linking to all its articles,
articles linking to 20 others. A page's own links keep pointing at its original
site (``<base href>``); its ``rel=canonical`` names its new URL. A private
redis-server (no persistence, free port) holds the frontier; each run has its
own job and output folder; politeness is off.

"wall s": first process start to last exit (start-up, CDXJ index and the 1 s
CRAWLER_REDIS_IDLE_CLOSE_SECONDS included); "last art s": newest mtime of the run's JSON
lines files, when the last article reached the disk (one O_APPEND write per
line). pages/s, art/s: per wall second. Redis commands: ``INFO commandstats``
differences without INFO; commands inside Lua scripts (EVALSHA) and pipelines
count one each, so round trips are fewer.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from benchmarks.metric import eval_dir

ROOT = Path(__file__).resolve().parents[1]

SECTIONS = ("world", "politics", "business", "tech", "science", "health", "sport", "culture",
            "travel", "opinion")
LINKS = 20
DROP = re.compile(rb"<base\b[^>]*>|<link\b[^>]*\brel=[\"']?canonical[^>]*>", re.IGNORECASE)


def article_path(i: int) -> str:
    return f"/{SECTIONS[i % len(SECTIONS)]}/{i:05d}.html"


class Site:
    """Pages rendered per request from the evaluation pages, each split once into
    (up to ``<head>``, the rest up to ``</body>``, the end)."""

    def __init__(self, pages: int, port: int) -> None:
        self.pages, self.base = pages, f"http://127.0.0.1:{port}"
        truth = json.loads((eval_dir() / "ground-truth.json").read_text("utf-8"))
        self.sources: list[tuple[bytes, bytes, bytes, str, str]] = []
        for path in sorted((eval_dir() / "html").glob("*.html.gz")):
            html = DROP.sub(b"", gzip.decompress(path.read_bytes()))
            head = re.search(rb"<head\b[^>]*>", html, re.IGNORECASE)
            cut = head.end() if head else 0
            end = html.lower().rfind(b"</body")
            end = end if end > cut else len(html)
            url = truth[path.name.removesuffix(".html.gz")]["url"]
            slug = " ".join(re.findall(r"[A-Za-z]{2,}", urlsplit(url).path)[-10:]) or "story"
            self.sources.append((html[:cut], html[cut:end], html[end:], url, slug))

    def links(self, ids: list[int]) -> str:
        return "".join(f'<li><a href="{self.base}{article_path(i)}">'
                       f"{self.sources[i % len(self.sources)][4]}</a></li>" for i in ids)

    def render(self, path: str) -> bytes | None:
        name = path.strip("/")
        if path == "/" or name in SECTIONS:
            ids = range(SECTIONS.index(name), self.pages, len(SECTIONS)) if name else range(30)
            nav = "".join(f'<a href="{self.base}/{s}/">{s}</a> ' for s in SECTIONS)
            return (f"<!doctype html><html><head><title>{name or 'Bench News'}</title></head>"
                    f"<body><nav>{nav}</nav><ul>{self.links([i for i in ids if i < self.pages])}"
                    "</ul></body></html>").encode()
        m = re.fullmatch(r"/([a-z]+)/(\d{5})\.html", path)
        if not m or int(m[2]) >= self.pages or article_path(int(m[2])) != path:
            return None
        i = int(m[2])
        start, middle, end, url, _ = self.sources[i % len(self.sources)]
        others = [j for j in random.Random(i).sample(range(self.pages), min(LINKS + 1, self.pages))
                  if j != i][:LINKS]
        head = f'<base href="{url}"><link rel="canonical" href="{self.base}{path}">'
        nav = (f'<nav><a href="{self.base}/">Home</a> <a href="{self.base}/{m[1]}/">{m[1]}</a>'
               f"<ul>{self.links(others)}</ul></nav>")
        return start + head.encode() + middle + nav.encode() + end


def serve(pages: int, site_class: type = Site) -> None:
    """The site (``site_class(pages, port).render(path)``: the page, or None for
    a 404), until killed; prints its port first. GET /__stats answers the
    requests since the last call (how many; paths requested more than once)."""
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # TCP_NODELAY: headers and body go out in two writes; with Nagle the body of a
        # small response waited for the client's delayed ACK (~45 ms a request on a
        # kept-alive connection), which stalled any client that fetches one at a time
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            with lock:
                if path == "/__stats":
                    body = json.dumps({"requests": counts.total(),
                                       "repeated": {p: n for p, n in counts.items() if n > 1}})
                    counts.clear()
                    return self.send(200, body.encode(), "application/json")
                counts[path] += 1
            if path == "/robots.txt":
                return self.send(200, b"User-agent: *\nDisallow:\n", "text/plain")
            body = site.render(path)
            return self.send(200 if body else 404, body or b"not found", "text/html")

        def send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site = site_class(pages, server.server_address[1])
    print(server.server_address[1], flush=True)
    server.serve_forever()


def commandstats(client) -> Counter[str]:
    return Counter({k.removeprefix("cmdstat_"): v["calls"]
                    for k, v in client.info("commandstats").items() if k != "cmdstat_info"})


def cpu_seconds(client, server_pid: int) -> list[float]:
    """CPU seconds so far of: the crawler processes waited for, the site, redis-server."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    site = Path(f"/proc/{server_pid}/stat").read_text().rsplit(")", 1)[1].split()[11:13]
    info = client.info("cpu")
    return [kids.ru_utime + kids.ru_stime, sum(map(int, site)) / os.sysconf("SC_CLK_TCK"),
            info["used_cpu_user"] + info["used_cpu_sys"]]


def run(name: str, cmds: list[list[str]], out: Path, client, site_url: str,
        server_pid: int, pages: int) -> dict:
    """Start the processes of one crawl together; measure and check the crawl."""
    urlopen(site_url + "/__stats").read()
    before, cpu = commandstats(client), cpu_seconds(client, server_pid)
    logs = [out / f"{name}-{n}.log" for n in range(len(cmds))]
    handles, env = [log.open("w") for log in logs], {**os.environ, "PYTHONWARNINGS": "ignore"}
    t0 = time.time()
    procs = [subprocess.Popen(c, cwd=ROOT, stdout=h, stderr=subprocess.STDOUT, env=env)
             for c, h in zip(cmds, handles, strict=True)]
    codes = [p.wait() for p in procs]
    wall = time.time() - t0
    for h in handles:
        h.close()
    server = json.loads(urlopen(site_url + "/__stats").read())
    cpu = [now - then for now, then in zip(cpu_seconds(client, server_pid), cpu, strict=True)]
    found = [re.search(r"pages fetched:\s+(\d+).*?articles written:\s+(\d+)", log.read_text(),
                       re.DOTALL) for log in logs]
    split = [(int(m[1]), int(m[2])) if m else (0, 0) for m in found]
    if any(codes) or not all(p for p, _ in split):
        print(f"warning: {name}: exit codes {codes}, (pages, articles) {split}; see {out}")
    files = [f for f in out.rglob("articles-*.jsonl") if f.stat().st_size]
    urls = Counter(json.loads(line)["url"] for f in files for line in f.open(encoding="utf-8"))
    expected = {site_url + article_path(i) for i in range(pages)}
    twice = [u for u, n in urls.items() if n > 1]
    missing, extra = sorted(expected - set(urls)), sorted(set(urls) - expected)
    verdict = (f"all {pages} article pages written exactly once" if not (twice or missing or extra)
               else f"{len(expected & set(urls))}/{pages} article pages written; twice: "
                    f"{len(twice)} {twice[:3]}; missing: {len(missing)} {missing[:3]}; "
                    f"not article pages: {len(extra)} {extra[:3]}")
    repeated = server["repeated"]
    verdict += (f"; {len(repeated)} URLs requested more than once: {list(repeated)[:3]}"
                if repeated else "; no URL requested twice")
    return {"name": name, "procs": len(cmds), "wall": wall, "pages": sum(p for p, _ in split),
            "articles": sum(a for _, a in split), "split": "+".join(str(p) for p, _ in split),
            "last": max((f.stat().st_mtime for f in files), default=t0) - t0, "cpu": cpu,
            "cmds": commandstats(client) - before, "requests": server["requests"],
            "verdict": verdict}


def report(results: list[dict], pages: int) -> None:
    print(f"site: {pages} article pages + home + {len(SECTIONS)} sections; {os.cpu_count()} CPUs"
          " shared by the crawlers, the site server and redis-server")
    print(f"{'run':<8}{'procs':>6}{'wall s':>8}{'last art s':>11}{'pages':>7}{'split':>10}"
          f"{'articles':>9}{'pages/s':>8}{'art/s':>7}{'CPU s crawl/site/redis':>24}"
          f"{'cmds/page':>10}")
    for r in results:
        cpu = "/".join(f"{x:.1f}" for x in r["cpu"])
        print(f"{r['name']:<8}{r['procs']:>6}{r['wall']:>8.1f}{r['last']:>11.1f}{r['pages']:>7}"
              f"{r['split']:>10}{r['articles']:>9}{r['pages'] / r['wall']:>8.1f}"
              f"{r['articles'] / r['wall']:>7.1f}{cpu:>24}"
              f"{r['cmds'].total() / max(r['pages'], 1):>10.1f}")
    print()
    plain, one, two = results
    for label, a, b in (("2 processes / 1 process (redis)", two, one),
                        ("1 redis process / plain crawl", one, plain)):
        print(f"{label:<32} pages/s x{a['pages'] / a['wall'] / (b['pages'] / b['wall']):.2f}, "
              f"articles/s x{a['articles'] / a['wall'] / (b['articles'] / b['wall']):.2f}; "
              f"by time to last article x{b['last'] / a['last'] * a['pages'] / b['pages']:.2f}")
    for r in results[1:]:
        top = ", ".join(f"{c} {n / r['pages']:.2f}" for c, n in r["cmds"].most_common(8))
        print(f"{r['name']} redis commands per page: {top}")
    print()
    for r in results:
        print(f"{r['name']}: {r['requests']} requests served; {r['verdict']}")


def start_redis(binary: str = "redis-server") -> tuple[subprocess.Popen, int]:
    """A private redis-server on a free port of 127.0.0.1, listening when this
    returns (the tests' fixture starts theirs here too)."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    with socket.socket() as sock:  # a free port
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    client = Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except RedisDown:  # not listening yet
            time.sleep(0.05)
    return proc, port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="article pages (default 1000)")
    parser.add_argument("--max-depth", type=int, default=10)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.serve:
        serve(opts.pages)
        return 0
    from redis import Redis

    redis_proc, port = start_redis()
    client = Redis(port=port)
    site_proc = subprocess.Popen([sys.executable, "-m", "benchmarks.distributed", "--serve",
                                  "--pages", str(opts.pages)], cwd=ROOT, stdout=subprocess.PIPE,
                                 text=True)
    try:
        site = f"http://127.0.0.1:{site_proc.stdout.readline().strip()}"
        redis = ["--redis", f"redis://127.0.0.1:{port}/0"]
        common = ["--max-depth", str(opts.max_depth)] + [x for kv in (
            "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=0", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
            "CRAWLER_REDIS_IDLE_CLOSE_SECONDS=1", f"CRAWLER_MAX_PAGES_PER_SITE={opts.pages + 100}",
        ) for x in ("-s", kv)]
        cli = [sys.executable, "-m", "crawler.cli"]
        results = []
        with tempfile.TemporaryDirectory(prefix="bench-distributed-") as tmp:
            for name, n in (("plain", 0), ("redis-1", 1), ("redis-2", 2)):
                out = Path(tmp) / name
                out.mkdir()
                args = ["-o", str(out), "--job", name, *common, *(redis if n else [])]
                cmds = [[*cli, "crawl", site + "/", *args]]  # the seeder, started first
                cmds += [[*cli, "worker", *args]] * max(0, n - 1)
                results.append(run(name, cmds, out, client, site, site_proc.pid, opts.pages))
        report(results, opts.pages)
    finally:
        site_proc.kill()
        redis_proc.terminate()
        site_proc.wait()
        redis_proc.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
