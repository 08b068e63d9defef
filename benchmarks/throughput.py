"""Single-machine crawl throughput: fetch + WARC, the full pipeline, extraction
alone on all cores, and wget, all against the same local site of real news pages.

    python -m benchmarks.throughput [--pages 2000] [--links 50] [--rounds 2]
                                    [--profile [FILE]] [--peers]

The site is the one of ``benchmarks/distributed.py`` (its ``serve``, in a
subprocess on 127.0.0.1, sharing the cores with what is measured: see "site CPU
s"): the pages of ``../shared/eval/html`` repeated under distinct URLs, each
article linking to ``--links`` others, plus a home page and ten section pages
listing all articles. Each page keeps its own links to its original site
(``<base href>``), which every crawler sees and drops as off-site.

Runs, in this order in odd rounds and in the reverse order (c, b, d, a) in
even ones, ``--rounds`` times (default 2). The ratios are printed per round
and as their mean: on a shared VM the machine's speed drifts 10-20 % within
minutes, so each ratio compares runs made one right after the other, a drift
during a pair of rounds weighs on both sides of each ratio alike, and the
rounds show the spread. (c) extracts the pages of the first round's (a):

(a) ``crawler crawl`` with the item pipelines off (``-s ITEM_PIPELINES={}``, a
    JSON string Scrapy merges over the empty base: no extraction, no JSON lines);
    WARC capture, job state and the CDXJ index stay on;
(d) ``wget --recursive --level=inf --no-parent --warc-file`` (one connection);
(b) ``crawler crawl`` as shipped: fetch, extract, WARC, JSON lines;
    both with politeness off (no delay, no AutoThrottle, 32 requests at once,
    no depth or per-site limit that matters);
(c) ``crawler.extraction.extract(body, url)`` over the HTML pages of (a)'s WARC
    in a ``ProcessPoolExecutor(os.cpu_count())`` (spawn), its workers readied as
    the crawler's are (``settle``), timed after every worker has started and
    extracted one page: the ceiling of (b) on this machine;
(e), (f) with ``--peers``: trafilatura's own crawler then its extraction, and
    news-please's recursive crawler (``benchmarks/peers.py``).

Columns. "wall s": process start to exit (interpreter start-up and, for (a)/(b),
the CDXJ index included; Scrapy's own elapsed time is printed below the table).
"pages": WARC response records (robots.txt included); for (c) pages extracted.
"CPU s": user + system of the process and all its children (``os.wait4``); for
(c) of the pool workers during the timed part. "procs": most processes alive at
once. "peak RSS MB": the largest sum of the RSS of the process and its
descendants, sampled every 0.25 s from /proc; for (c) the sum of the workers'
VmHWM. "other CPU s": the machine's busy CPU seconds during the run (/proc/stat)
less the run's and the site's: this benchmark's own bookkeeping (for (c), feeding
the pages to the pool) and anything else running on the machine; more than a few
seconds means the figures are disturbed. Below the table: the checks (every page in
each WARC once, one JSON line per article page, no URL requested twice) and the CPU
of the crawl process
itself against its children.

``--profile`` then runs (b) once more under cProfile (``crawler crawl --profile
FILE``, Scrapy's own option) and prints where the crawl process's time goes; the
extraction workers are separate processes the profile does not see.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from shutil import which
from typing import Any
from urllib.request import urlopen

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from benchmarks import distributed
from benchmarks.distributed import SECTIONS, article_path

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_PAGES = 2000  # a round takes ~2.5 minutes on 2 cores
DEFAULT_LINKS = 50
TARGETS = {"b/c": 0.75, "a/d": 1.0}
FAST = ["--max-depth", "100000", *(x for kv in (
    "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=0", "CONCURRENT_REQUESTS=32",
    "CONCURRENT_REQUESTS_PER_DOMAIN=32", "CRAWLER_MAX_PAGES_PER_SITE=100000",
) for x in ("-s", kv))]
NO_PIPELINES = ["-s", "ITEM_PIPELINES={}"]  # a JSON string; Scrapy merges it over the base {}


def serve(pages: int, links: int) -> None:
    """The distributed benchmark's site with ``links`` links per article."""
    distributed.LINKS = links  # Site.render reads the module global
    distributed.serve(pages)


@contextmanager
def served_site(module: str, args: list[str], out: str | None,
                prefix: str) -> Iterator[tuple[str, int, Path]]:
    """Serve a benchmark site (``python -m MODULE --serve ARGS``, which prints its
    port first; its stderr goes to ``site.log``) and give its URL, its pid and
    the output folder: ``out``, or a temporary one removed afterwards."""
    tmp = None if out else tempfile.TemporaryDirectory(prefix=prefix)
    folder = Path(out or tmp.name).resolve()  # type: ignore[union-attr]
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "site.log").open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", module, "--serve", *args], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        yield f"http://127.0.0.1:{proc.stdout.readline().strip()}", proc.pid, folder  # type: ignore[union-attr]
    finally:
        proc.kill()
        proc.wait()
        if tmp is not None:
            tmp.cleanup()


# --------------------------------------------------------------------------- measuring

def proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def site_stats(site: str) -> dict:
    """Requests the site served since the last call, and paths served more than once."""
    return json.loads(urlopen(site + "/__stats").read())


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):  # gone meanwhile
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _, _, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def proc_memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process: now, and its peak since it exec'd."""
    found = dict.fromkeys(("VmRSS:", "VmHWM:"), 0)
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(tuple(found)):
            found[line.split()[0]] = int(line.split()[1])
    return found["VmRSS:"], found["VmHWM:"]


class TreeSampler(threading.Thread):
    """Every 0.25 s, of a process and its descendants: the summed RSS (peak kept),
    the largest VmHWM, how many processes (max kept); and the CPU seconds of the
    process itself. (The ru_maxrss of a child is no use here: it starts from the
    RSS of the benchmark process it was forked from.)"""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.done = pid, threading.Event()
        self.peak_kb = self.hwm_kb = self.procs = 0
        self.own_cpu = 0.0

    def run(self) -> None:
        wait = 0.0  # a first sample straight away
        while not self.done.wait(wait):
            wait, total, pids = 0.25, 0, process_tree(self.pid)
            for pid in pids:
                try:
                    rss, hwm = proc_memory_kb(pid)
                except (OSError, IndexError, ValueError):  # gone meanwhile
                    continue
                total, self.hwm_kb = total + rss, max(self.hwm_kb, hwm)
            self.peak_kb, self.procs = max(self.peak_kb, total), max(self.procs, len(pids))
            with suppress(OSError, IndexError, ValueError):
                self.own_cpu = proc_cpu(self.pid)


def sampled_run(cmd: list[str], stdout: Any, stderr: Any) -> tuple[int, float, float,
                                                                    TreeSampler]:
    """Run ``cmd`` (in the project root) to its end: its exit code, wall time,
    CPU of it and its children (``os.wait4``), and the sampler of its process
    tree (peak summed RSS, the largest process, its own CPU)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=stdout, stderr=stderr, env=env)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    sampler.done.set()
    sampler.join()
    return os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime, sampler


def run_process(cmd: list[str], log: Path, site: str, server_pid: int) -> dict:
    """Run one command to its end: wall time, CPU of it and its children
    (``os.wait4``), peak summed RSS of its process tree (sampled)."""
    site_stats(site)
    site_cpu, busy = proc_cpu(server_pid), machine_busy()
    with log.open("w") as out:
        code, wall, cpu, sampler = sampled_run(cmd, out, subprocess.STDOUT)
    site_cpu = proc_cpu(server_pid) - site_cpu
    other = machine_busy() - busy - cpu - site_cpu
    served = site_stats(site)
    return {"code": code, "wall": wall, "cpu": cpu, "main_cpu": sampler.own_cpu,
            "rss_mb": sampler.peak_kb / 1024, "max_proc_mb": sampler.hwm_kb / 1024,
            "procs": max(sampler.procs, 1),
            "site_cpu": site_cpu, "other_cpu": other, "requests": served["requests"],
            "repeated": served["repeated"], "log": log}


def warc_responses(paths: list[Path], bodies: bool = False) -> tuple[Counter, list]:
    """URLs of the response records of ``paths`` (with their HTML payloads if asked)."""
    from warcio.archiveiterator import ArchiveIterator

    urls: Counter[str] = Counter()
    pages = []
    for path in paths:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                urls[url] += 1
                ctype = record.http_headers.get_header("Content-Type") if record.http_headers \
                    else None
                if bodies and ctype and "html" in ctype:
                    pages.append((record.content_stream().read(), url))
    return urls, pages


def check(label: str, got: Counter, expected: set[str]) -> str:
    """One line: does ``got`` hold each of ``expected`` exactly once, and what else?"""
    twice = sorted(u for u, n in got.items() if n > 1)
    missing, extra = sorted(expected - set(got)), sorted(set(got) - expected)
    if not (twice or missing):
        verdict = f"all {len(expected)} present once"
    else:
        verdict = (f"{len(expected & set(got))}/{len(expected)} present; "
                   f"MISSING {len(missing)} {missing[:3]}; TWICE {len(twice)} {twice[:3]}")
    return (f"{label}: {got.total()} records, {verdict}"
            + (f"; also {len(extra)}: {extra[:3]}" if extra else ""))


# --------------------------------------------------------------------------- (c)

def _warm(body: bytes, url: str) -> None:
    from crawler.extraction import extract
    from crawler.extraction.pool import settle

    settle()  # as the crawler's own workers do: a first extraction, then gc.freeze()
    extract(body, url)


def _extract(body: bytes, url: str) -> bool:
    from crawler.extraction import extract

    return extract(body, url).reason is None


def _noop(_: int) -> int:
    return os.getpid()


def extraction_pool(pages: list[tuple[bytes, str]]) -> dict:
    """Extract ``pages`` on all cores; time, articles found, workers' CPU and peak RSS."""
    workers = os.cpu_count() or 1
    spawn = multiprocessing.get_context("spawn")  # as the crawler's pool; no ``pages`` in RSS
    with ProcessPoolExecutor(workers, mp_context=spawn, initializer=_warm,
                             initargs=pages[0]) as pool:
        list(pool.map(_noop, range(workers * 4)))  # every worker started and warmed up
        pids = list(pool._processes)
        cpu0, busy = sum(proc_cpu(p) for p in pids), machine_busy()
        t0 = time.perf_counter()
        found = sum(pool.map(_extract, *zip(*pages, strict=True), chunksize=4))
        wall = time.perf_counter() - t0
        cpu = sum(proc_cpu(p) for p in pids) - cpu0
        other = machine_busy() - busy - cpu
        rss = sum(proc_memory_kb(p)[1] for p in pids) / 1024
    return {"wall": wall, "cpu": cpu, "rss_mb": rss, "pages": len(pages), "articles": found,
            "workers": workers, "procs": len(pids), "other_cpu": other}


# --------------------------------------------------------------------------- profile

def _where(func: tuple[str, int, str]) -> str:
    path, line, name = func
    if path == "~":
        return name
    for prefix in ("site-packages/", "python3.11/", str(ROOT) + "/"):
        if prefix in path:
            path = path.split(prefix, 1)[1]
            break
    return f"{path}:{line}({name})"


#: (label, file suffix, function) of the parts of a crawl, for the profile summary;
#: parts not found (renamed, or not called) are left out.
PARTS = [
    ("extraction pipeline, in this process", "pipelines/extraction.py", "process_item"),
    ("  of which crawler.extraction.extract inline", "extraction/core.py", "extract"),
    ("  of which handing pages to the extraction pool", "extraction/pool.py", "extract"),
    ("link following (parse_links: links, clean, scope)", "spiders/article.py", "parse_links"),
    ("  of which follow() per link (canonical URL, scope)", "spiders/article.py", "follow"),
    ("HTML parse for links (parsel root)", "parsel/selector.py", "create_root_node"),
    ("WARC capture (response_downloaded)", "extensions/warccapture.py", "response_downloaded"),
    ("  of which zlib compress", "~", "<method 'compress' of 'zlib.Compress' objects>"),
    ("JSON lines writer (template finisher, state)", "pipelines/jsonlines.py", "process_item"),
    ("job state middleware", "downloadermiddlewares/state.py", "process_response"),
    ("scheduler enqueue (dupefilter, fingerprints)", "scrapy/core/scheduler.py", "enqueue_request"),
]


def print_profile(path: Path, run: dict, top: int = 25) -> None:
    stats = pstats.Stats(str(path))
    total = stats.total_tt
    rows = stats.stats  # type: ignore[attr-defined]
    print(f"\nProfile of (b), crawl process only (cProfile sees neither the extraction "
          f"workers nor other threads):\n  {total:.1f} s profiled; {run['wall']:.1f} s wall "
          f"with profiling overhead; CPU: crawl process {run['main_cpu']:.1f} s, its children "
          f"{run['cpu'] - run['main_cpu']:.1f} s; stats in {path}")
    print("\nWhere the crawl process's time goes (cumulative, share of profiled time):")
    for label, suffix, name in PARTS:
        found = [v for (f, _, n), v in rows.items() if n == name and f.endswith(suffix)]
        if found:
            ct = max(v[3] for v in found)  # same-named nested functions: the outer
            print(f"  {label:<54}{ct:>8.1f} s{100 * ct / total:>6.1f}%")

    def table(title: str, key: int, n: int) -> None:
        print(f"\n{title}\n{'ncalls':>10}{'tottime':>9}{'cumtime':>9}{'cum%':>6}  function")
        for func, (_, nc, tt, ct, _) in sorted(rows.items(), key=lambda kv: -kv[1][key])[:n]:
            print(f"{nc:>10}{tt:>9.2f}{ct:>9.2f}{100 * ct / total:>6.1f}  {_where(func)}")

    table(f"Top {top} by cumulative time:", 3, top)
    table("Top 15 by own time (tottime):", 2, 15)


# --------------------------------------------------------------------------- main

def commit() -> str:
    try:
        head = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head or "unknown"


def ratios(runs: dict[str, dict | None]) -> dict[str, float]:
    """One round's ratios: pages/s over wall time, and (b) over its crawl time."""
    rate = {k: r["pages"] / r["wall"] for k, r in runs.items() if r is not None}
    out = {}
    for key, (num, den) in (("b/c", ("b", "c")), ("a/d", ("a", "d"))):
        if num in rate and den in rate:
            out[key] = rate[num] / rate[den]
    if "b/c" in out and runs["b"].get("elapsed"):
        # (c) is timed after its pool started; over Scrapy's own crawl time (b)
        # leaves out its start-up and exit likewise (its pool's start stays in)
        out["b/c crawl time"] = runs["b"]["pages"] / runs["b"]["elapsed"] / rate["c"]
    return out


def report(rows: list[tuple[str, dict | None]], rounds: list[dict[str, dict | None]],
           pages: int, links: int, extra: list[str]) -> None:
    print(f"site: {pages} article pages (~{links} links each to other articles, plus their "
          f"own off-site links) + home + {len(SECTIONS)} section pages on 127.0.0.1; "
          f"{os.cpu_count()} CPUs shared with the site server")
    print(f"{'run':<50}{'wall s':>8}{'pages':>7}{'pages/s':>9}{'CPU s':>8}{'CPU ms/page':>12}"
          f"{'procs':>6}{'peak RSS MB':>12}{'site CPU s':>11}{'other CPU s':>12}")
    for name, r in rows:
        if r is None:
            print(f"{name:<50}{'skipped':>8}")
            continue
        site_cpu = f"{r['site_cpu']:.1f}" if "site_cpu" in r else "-"
        print(f"{name:<50}{r['wall']:>8.1f}{r['pages']:>7}{r['pages'] / r['wall']:>9.1f}"
              f"{r['cpu']:>8.1f}{1000 * r['cpu'] / r['pages']:>12.1f}{r['procs']:>6}"
              f"{r['rss_mb']:>12.0f}{site_cpu:>11}{r['other_cpu']:>12.1f}")
    print()
    found = [ratios(runs) for runs in rounds]
    labels = {"b/c": "(b)/(c) pages/s", "a/d": "(a)/(d) pages/s",
              "b/c crawl time": "(b)/(c) pages/s over (b)'s crawl time (start-up and exit "
                                "excluded, as for (c))"}
    for key, label in labels.items():
        target = TARGETS[key.split()[0]]
        values = [r[key] for r in found if key in r]
        if not values:
            print(f"{label}: -      target >= {target:.2f}  (not run)")
            continue
        mean = sum(values) / len(values)
        each = f" (rounds: {', '.join(f'{v:.2f}' for v in values)})" if len(values) > 1 else ""
        verdict = "met" if mean >= target else "NOT met"
        print(f"{label}: {mean:.2f}{each}   target >= {target:.2f}  {verdict}")
    print()
    for line in extra:
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES,
                        help=f"article pages (default {DEFAULT_PAGES})")
    parser.add_argument("--links", type=int, default=DEFAULT_LINKS,
                        help=f"links from each article to others (default {DEFAULT_LINKS})")
    parser.add_argument("--rounds", type=int, default=2,
                        help="run (a), (d), (b), (c) this many times, in that order in odd "
                             "rounds and reversed in even ones, and report each round's "
                             "ratios and their mean: on a shared VM the machine's speed "
                             "drifts 10-20 %% within minutes (default 2)")
    parser.add_argument("--profile", nargs="?", const=str(ROOT / "archive" / "throughput-b.prof"),
                        metavar="FILE", help="also run (b) under cProfile, keep the stats in "
                                             "FILE (default archive/throughput-b.prof) and print "
                                             "the top entries")
    parser.add_argument("--out", metavar="DIR",
                        help="keep WARCs, JSON lines and logs in DIR (default: a temporary "
                             "folder, removed)")
    parser.add_argument("--peers", action="store_true",
                        help="also run the peers of benchmarks/peers.py on the same site: "
                             "(e) trafilatura's crawler, (f) news-please (each in its own venv, "
                             "installed on first use; ~15 min more)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.serve:
        serve(opts.pages, opts.links)
        return 0

    started, load = datetime.now(), os.getloadavg()[0]
    with served_site("benchmarks.throughput",
                     ["--pages", str(opts.pages), "--links", str(opts.links)],
                     opts.out, "bench-throughput-") as (site, site_pid, out):
        articles = {site + article_path(i) for i in range(opts.pages)}
        listings = {site + "/"} | {f"{site}/{s}/" for s in SECTIONS}
        expected = articles | listings | {site + "/robots.txt"}
        cli = [sys.executable, "-m", "crawler.cli", "crawl", site + "/"]
        rows: list[tuple[str, dict | None]] = []
        notes: list[str] = []

        def crawl(key: str, job: str, extra: list[str]) -> dict:
            summary = out / f"{job}.json"
            cmd = [*cli, "-o", str(out), "--job", job, "--summary-json", str(summary),
                   *FAST, *extra]
            r = run_process(cmd, out / f"{job}.log", site, site_pid)
            data = json.loads(summary.read_text()) if summary.exists() else {}
            warcs = sorted((out / job / "warc").glob("*.warc.gz"))
            # (c) extracts the first (a)'s pages: later rounds' bodies are not read
            r["urls"], r["bodies"] = warc_responses(
                warcs, bodies=key.startswith("a") and not bodies)
            r["pages"] = r["urls"].total()
            r["elapsed"] = data.get("elapsed_seconds")
            if r["code"] or data.get("finish_reason") != "finished":
                notes.append(f"WARNING ({key}): exit code {r['code']}, finish reason "
                             f"{data.get('finish_reason')}; see {r['log']}")
            notes.append(check(f"({key}) WARC response records", r["urls"], expected))
            notes.append(f"({key}) site served {r['requests']} requests"
                         + (f", {len(r['repeated'])} URLs more than once"
                            if r["repeated"] else ", none twice")
                         + f"; Scrapy's elapsed time {r['elapsed']} s of {r['wall']:.1f} s wall")
            notes.append(f"({key}) CPU: crawl process {r['main_cpu']:.1f} s, its children "
                         f"(extraction workers, ...) {r['cpu'] - r['main_cpu']:.1f} s; largest "
                         f"single process {r['max_proc_mb']:.0f} MB")
            return r

        def wget_run(key: str, rnd: int) -> dict | None:
            wget = which("wget")
            if not wget:
                return None
            folder = out / f"wget-{rnd}"
            folder.mkdir(exist_ok=True)
            d = run_process([wget, "--recursive", "--level=inf", "--no-parent", "--no-verbose",
                             "--delete-after", f"--warc-file={folder / 'wget'}",
                             "--directory-prefix", str(folder / "files"), site + "/"],
                            out / f"wget-{rnd}.log", site, site_pid)
            d["urls"], _ = warc_responses([folder / "wget.warc.gz"])
            d["pages"] = d["urls"].total()
            if d["code"]:
                notes.append(f"WARNING ({key}): wget exit code {d['code']}; see {d['log']}")
            notes.append(check(f"({key}) wget WARC response records", d["urls"], expected))
            notes.append(f"({key}) site served {d['requests']} requests"
                         + (f", {len(d['repeated'])} URLs more than once"
                            if d["repeated"] else ", none twice"))
            return d

        def full_run(key: str, rnd: int) -> dict:
            b = crawl(key, f"full-{rnd}", [])
            lines = [json.loads(line)["url"]
                     for f in sorted((out / f"full-{rnd}").glob("articles-*.jsonl"))
                     for line in f.open(encoding="utf-8")]
            notes.append(check(f"({key}) JSON lines", Counter(lines), articles))
            return b

        def pool_run(key: str) -> dict:
            c = extraction_pool(bodies)
            notes.append(f"({key}) {c['articles']} of {c['pages']} HTML pages of (a)'s WARC "
                         "gave an article")
            return c

        rounds: list[dict[str, dict | None]] = []
        bodies: list[tuple[bytes, str]] = []
        for rnd in range(1, opts.rounds + 1):
            tag = f" #{rnd}" if opts.rounds > 1 else ""
            # odd rounds a, d, b, c; even rounds c, b, d, a: a drift of the machine's
            # speed during a pair of rounds weighs on both sides of each ratio alike
            order = "adbc" if rnd % 2 else "cbda"
            print(f"round {rnd}: runs {', '.join(order)} ...", file=sys.stderr, flush=True)
            runs: dict[str, dict | None] = {}
            for key in order:
                if key == "a":
                    runs["a"] = crawl(f"a{tag}", f"fetch-warc-{rnd}", NO_PIPELINES)
                    found = runs["a"].pop("bodies")
                    bodies = bodies or found
                elif key == "d":
                    runs["d"] = wget_run(f"d{tag}", rnd)
                elif key == "b":
                    runs["b"] = full_run(f"b{tag}", rnd)
                else:
                    runs["c"] = pool_run(f"c{tag}")
            d = runs["d"]
            rows.extend([
                (f"(a{tag}) fetch + WARC (crawler crawl, pipelines off)", runs["a"]),
                (f"(b{tag}) full pipeline (fetch, extract, WARC, JSON)", runs["b"]),
                (f"(c{tag}) extract() alone, process pool x{runs['c']['workers']}", runs["c"]),
                (f"(d{tag}) wget --recursive --warc-file" + ("" if d else " (no wget)"), d),
            ])
            rounds.append(runs)

        if opts.peers:
            from benchmarks.peers import run_peers

            print("peers ...", file=sys.stderr, flush=True)
            peer_rows, peer_notes = run_peers(site, out, site_pid, expected)
            rows += peer_rows
            notes += peer_notes

        print(f"\n{started:%Y-%m-%d %H:%M}, commit {commit()}, {os.cpu_count()} CPUs, Python "
              f"{sys.version.split()[0]}; load average at start {load:.2f}; whole run "
              f"{(datetime.now() - started).seconds} s\n")
        report(rows, rounds, opts.pages, opts.links, notes)

        if opts.profile:
            print("\nprofiling (b) ...", file=sys.stderr, flush=True)
            prof = Path(opts.profile).resolve()
            prof.parent.mkdir(parents=True, exist_ok=True)
            p = run_process([*cli, "-o", str(out), "--job", "profiled", "--profile", str(prof),
                             *FAST], out / "profiled.log", site, site_pid)
            print_profile(prof, p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
