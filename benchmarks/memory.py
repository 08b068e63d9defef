"""Memory of a long crawl: peak RSS, and its growth from 10,000 to 100,000 pages.

    python -m benchmarks.memory [--pages 100000] [--early 10000] [--out DIR]

Serves ``--pages`` small generated article pages (~3 KB each: a title, a date,
four paragraphs, navigation, links to the next four articles and to four others
picked by a hash, so the crawl's frontier is wide and every page is linked from
many others) on 127.0.0.1, and runs ``crawler crawl`` as shipped (fetch,
extraction in its process pool, WARC, JSON lines, job state) with politeness
off. Every 0.5 s it samples, from /proc, the RSS of the crawl process alone and
of the crawl process with its extraction workers, and the number of pages the
site has served.

Printed: RSS of the crawl process and of the whole tree when the site had
served ``--early`` pages and at the end (the last sample before the site had
served every page, while the extraction workers still run); their peaks; growth between the two
(the target: peak < 400 MB, growth < 20 %); pages/s; and the checks (every page
fetched once, one JSON line per article).

The memory a crawl would otherwise grow by: requested-URL fingerprints (now on
disk, ``crawler/frontier/seen.py``), the frontier (Scrapy's JOBDIR disk queues in
``<job>/queue``), links already seen (``CRAWLER_RECENT_LINKS``, bounded), the
scope memo (bounded), site-template statistics (bounded per site).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import distributed  # noqa: E402
from benchmarks.throughput import (  # noqa: E402
    FAST,
    proc_memory_kb,
    process_tree,
    served_site,
)

WORDS = ("harbour council library river bridge market school museum festival winter "
         "station railway budget mayor summer village forest island theatre garden "
         "volunteers museum workers engineers residents committee plan repair opens "
         "weekend evening morning record visitors families students teachers doctors").split()


def article(i: int, pages: int) -> bytes:
    rnd = hashlib.sha1(str(i).encode()).digest()
    words = [WORDS[b % len(WORDS)] for b in rnd * 6]
    paras = "".join(
        f"<p>{' '.join(words[k * 25:(k + 1) * 25]).capitalize()} number {i}, said the "
        f"report published on day {i % 28 + 1}. {' '.join(reversed(words[k * 20:(k + 1) * 20]))}"
        f" and the work goes on.</p>" for k in range(4))
    others = [(i + k) % pages for k in range(1, 5)]
    others += [int.from_bytes(rnd[k * 4:(k + 1) * 4], "big") % pages for k in range(4)]
    links = "".join(f'<li><a href="/a/{j}.html">Story {j}</a></li>' for j in others)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>Story {i}: {words[0]} {words[1]}</title>"
            f"<meta property='og:type' content='article'>"
            f"<meta property='article:published_time' content='2026-0{i % 9 + 1}-1{i % 9}'>"
            f"</head><body><nav><a href='/'>Home</a> <a href='/a/0.html'>First</a></nav>"
            f"<article><h1>Story {i}: {words[0]} {words[1]}</h1>{paras}</article>"
            f"<aside><h2>More</h2><ul>{links}</ul></aside></body></html>").encode()


class Site:
    """The generated site, for :func:`benchmarks.distributed.serve`."""

    def __init__(self, pages: int, port: int) -> None:
        self.pages = pages
        step = max(pages // 50, 1)
        self.home = ("<html><body>" + "".join(f'<a href="/a/{j}.html">{j}</a> '
                                               for j in range(0, pages, step))
                     + "</body></html>").encode()

    def render(self, path: str) -> bytes | None:
        if path == "/":
            return self.home
        if path.startswith("/a/") and path.endswith(".html") and path[3:-5].isdigit():
            i = int(path[3:-5])
            if i < self.pages:
                return article(i, self.pages)
        return None


class Sampler(threading.Thread):
    def __init__(self, pid: int, site: str, early: int, total: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.site, self.early, self.total = pid, site, early, total
        self.done = threading.Event()
        self.at_early: tuple[float, float] | None = None
        self.last: tuple[float, float] = (0.0, 0.0)
        self.peak_main = self.peak_tree = 0.0
        self.served = 0
        self.series: list[tuple[int, float, float]] = []

    def sample(self) -> None:
        main = tree = 0.0
        for pid in process_tree(self.pid):
            try:
                rss = proc_memory_kb(pid)[0] / 1024
            except (OSError, IndexError, ValueError):
                continue
            tree += rss
            if pid == self.pid:
                main = rss
        try:  # requests since the last call
            self.served += json.loads(urlopen(self.site + "/__stats").read())["requests"]
        except OSError:
            return
        if main:
            if self.served < self.total:  # the end: the last sample before the last page
                self.last = (main, tree)
            self.peak_main, self.peak_tree = max(self.peak_main, main), max(self.peak_tree, tree)
            if self.at_early is None and self.served >= self.early:
                self.at_early = (main, tree)
            if not self.series or self.served - self.series[-1][0] >= 5000:
                self.series.append((self.served, main, tree))

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.sample()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--early", type=int, default=10_000)
    parser.add_argument("--out", metavar="DIR", help="keep the crawl's output in DIR")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.serve:
        distributed.serve(opts.pages, Site)
        return 0
    with served_site("benchmarks.memory", ["--pages", str(opts.pages)], opts.out,
                     "bench-memory-") as (site, _, out):
        cmd = [sys.executable, "-m", "crawler.cli", "crawl", site + "/", "-o", str(out),
               "--job", "memory", "--quiet", "--summary-json", str(out / "summary.json"), *FAST,
               "-s", f"CRAWLER_MAX_PAGES_PER_SITE={opts.pages * 2}"]
        started = time.time()
        with (out / "crawl.log").open("w") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                    env={**os.environ, "PYTHONWARNINGS": "ignore"})
            sampler = Sampler(proc.pid, site, opts.early, opts.pages)
            sampler.start()
            code = proc.wait()
            sampler.done.set()
            sampler.join()
        wall = time.time() - started
        summary = json.loads((out / "summary.json").read_text()) if code == 0 else {}
        lines = sum(1 for f in (out / "memory").glob("articles-*.jsonl")
                    for _ in f.open(encoding="utf-8"))
        early = sampler.at_early or (0.0, 0.0)
        end = sampler.last
        print(f"\n{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs; {opts.pages} pages "
              f"served on 127.0.0.1; exit code {code}; {wall:.0f} s wall, "
              f"{sampler.served / wall:.1f} pages/s\n")
        print(f"{'RSS MB':<34}{'at ' + str(opts.early):>12}{'at end':>12}{'peak':>10}"
              f"{'growth':>10}")
        for label, k, peak in (("crawl process", 0, sampler.peak_main),
                               ("crawl + extraction workers", 1, sampler.peak_tree)):
            growth = (end[k] / early[k] - 1) * 100 if early[k] else float("nan")
            print(f"{label:<34}{early[k]:>12.0f}{end[k]:>12.0f}{peak:>10.0f}{growth:>9.1f}%")
        print("\ntargets: peak < 400 MB, growth < 20 % (whole tree)")
        print("\nRSS along the crawl (pages served: crawl MB / tree MB): " + ", ".join(
            f"{n}: {m:.0f}/{t:.0f}" for n, m, t in sampler.series))
        print(f"\nchecks: site served {sampler.served} requests (pages + robots.txt + home); "
              f"crawl fetched {summary.get('pages_fetched')}, wrote {lines} JSON lines "
              f"(finish reason {summary.get('finish_reason')}); "
              f"{'OK' if lines == opts.pages else 'MISMATCH: ' + str(opts.pages) + ' articles'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
