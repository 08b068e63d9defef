"""Replay at CC-NEWS scale on one machine: ``crawler replay`` on a generated
CC-NEWS-style WARC, against extraction alone in the same pool and against
news-please's Common Crawl mode on the same file.

    python -m benchmarks.replay_scale [--size-mb 1024] [--warc FILE] [--rounds 2]
        [--processes N] [--newsplease-python PY] [--newsplease-seconds 180]
        [--newsplease-pages 600] [--out DIR]

**The file** (``--size-mb``, default 1024, gzipped; kept in ``--out`` and reused
when it is there with the same size, or given with ``--warc``): written as
Common Crawl writes CC-NEWS, with warcio: a ``warcinfo`` record first, then
``response`` records only, each record a gzip member of its own, each with
its HTTP header (``HTTP/1.1 200 OK``, ``Content-Type: text/html``, the body's
length) and block and payload digests. The bodies are real article pages: the
91 of ``shared/eval`` and the 793 WCXB pages of type article
(``shared/eval-wcxb``; :mod:`benchmarks.datasets` reads both), ~270 kB each
decompressed, ~43 kB each in the file, in a shuffled order, pass after pass
until the file has its size. URLs are unique: ``https://newsNN.example/<n>/
<host><path of the page's own URL>``, one of ``SITES`` sites by record number,
so each site publishes many different pages, as a news site does (the same page
many times on one site would be that site's template), and every site's
template learning and hold run as in a real replay.

**Runs**, ``--rounds`` times (default 2), in the order (r), (a), (b) in odd
rounds and (b), (a), (r) in even ones: on a shared VM the machine's speed
drifts 10-20 % within minutes, so the ratios are taken within each round, a
steady drift weighs on both sides alike, and the rounds show the spread (as
``throughput.py``).

(r) ``crawler replay FILE -o OUT.jsonl --processes N`` (N: ``--processes``,
    default one per core, the command's own default): reading, decoding,
    extraction in the pool, finishing, JSON lines, checkpoints. Timed from
    process start to exit.
(a) extraction alone: the same pages, read and decoded beforehand and held in
    memory (each distinct body once), through the same
    :class:`crawler.extraction.pool.ExtractionPool` of N workers in this
    process's event loop, every page in flight as the pool allows; timed from
    the moment every worker has extracted a first page. The ceiling of (r).
(b) news-please 1.6 (``--newsplease-python``: the python of a venv holding
    ``news-please==1.6.*``; default: ``benchmarks.peers``' own venv, installed on
    first use): its
    ``CommonCrawlExtractor.__process_warc_gz_file``, the step of its Common Crawl
    mode that processes a downloaded WARC file (the download step, and the S3
    client that ``extract_from_commoncrawl`` sets up, are not run), with its
    defaults otherwise: every ``response`` record through
    ``NewsPlease.from_warc`` (newspaper4k, readability, date and language
    extraction), no images fetched, no filters. Its Common Crawl mode runs one
    process per WARC file, so it gets one file per core: the first
    ``--newsplease-pages`` records of the file split into N files, the N
    processes run at once, each stopped after ``--newsplease-seconds``. Every
    socket connection is refused inside them (counted and printed): it never
    touches the network.

Printed per run: wall s, pages, pages/s, CPU s (process and children), CPU ms
per page, peak RSS of the process tree, and "other CPU s" (the machine's busy
time during the run less the run's own: more than a few seconds means something
else ran and the figures are disturbed); then (r)/(a) per round and their mean
(target >= 0.85), and (r)/(b) (target >= 3).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.throughput import (  # noqa: E402
    TreeSampler,
    commit,
    machine_busy,
    proc_cpu,
    proc_memory_kb,
    sampled_run,
)

SITES = 40
TARGETS = {"r/a": 0.85, "r/b": 3.0}
CAPTURE_START = datetime(2026, 12, 1, tzinfo=UTC)


# --------------------------------------------------------------------------- the file

def article_pages() -> list[tuple[str, bytes]]:
    """(URL, HTML) of the development sets' article pages."""
    from benchmarks.datasets import load

    pages = load("scrapinghub") + [p for p in load("wcxb") if p.page_type == "article"]
    return [(p.url or f"https://{p.dataset}.example/{p.id}", p.html) for p in pages]


def record_url(n: int, url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"https://news{n % SITES:02d}.example/{n}/{parts.hostname}{path}" + \
        (f"?{parts.query}" if parts.query else "")


def generate(path: Path, size: int, seed: int = 19,
             pages: list[tuple[str, bytes]] | None = None) -> int:
    """Write the CC-NEWS-style file of ``pages`` (default: :func:`article_pages`;
    see the module docstring); the number of response records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = pages or article_pages()
    rnd = random.Random(seed)
    tmp = path.with_name(path.name + ".part")
    n = 0
    with open(tmp, "wb") as f:
        writer = WARCWriter(f, gzip=True, warc_version="1.0")
        info = writer.create_warcinfo_record(path.name, {
            "software": "benchmarks/replay_scale.py (CC-NEWS layout: StormCrawler news-crawl)",
            "format": "WARC File Format 1.0",
            "isPartOf": "CC-NEWS-BENCHMARK",
            "description": "real article pages at unique URLs, response records only",
        })
        writer.write_record(info)
        while f.tell() < size:
            order = list(range(len(pages)))
            rnd.shuffle(order)
            for i in order:
                if f.tell() >= size:
                    break
                url, body = pages[i]
                when = CAPTURE_START + timedelta(seconds=3 * n)
                http = StatusAndHeaders("200 OK", [
                    ("Date", when.strftime("%a, %d %b %Y %H:%M:%S GMT")),
                    ("Server", "nginx"),
                    ("Content-Type", "text/html"),
                    ("Content-Length", str(len(body))),
                ], protocol="HTTP/1.1")
                record = writer.create_warc_record(
                    record_url(n, url), "response", payload=io.BytesIO(body),
                    length=len(body), http_headers=http, warc_headers_dict={
                        "WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "WARC-Warcinfo-ID": info.rec_headers.get_header("WARC-Record-ID"),
                        "WARC-IP-Address": f"192.0.2.{n % SITES + 1}",
                    })
                writer.write_record(record)
                n += 1
    tmp.replace(path)
    path.with_name(path.name + ".json").write_text(json.dumps(
        {"size": size, "seed": seed, "records": n, "bytes": path.stat().st_size}))
    return n


def the_file(out: Path, size_mb: int, given: str | None) -> tuple[Path, int]:
    """The WARC to replay and its number of response records."""
    if given:
        path = Path(given)
        meta = path.with_name(path.name + ".json")
        if meta.exists():
            return path, json.loads(meta.read_text())["records"]
        return path, sum(1 for _ in read_pages(path))
    path = out / f"CC-NEWS-BENCH-{size_mb}MB.warc.gz"
    meta = path.with_name(path.name + ".json")
    if path.exists() and meta.exists() and json.loads(meta.read_text())["size"] == size_mb << 20:
        return path, json.loads(meta.read_text())["records"]
    print(f"writing {path} ({size_mb} MB) ...", file=sys.stderr, flush=True)
    return path, generate(path, size_mb << 20)


def read_pages(path: Path) -> list:
    """The file's pages as the replay reads them (the reader's own
    ``iter_pages``), each distinct body held once."""
    from crawler.warc.reader import Archive, iter_pages

    bodies: dict[bytes, bytes] = {}
    pages = []
    for page in iter_pages(Archive(path), path.name):
        key = hashlib.blake2b(page.body, digest_size=16).digest()
        page.body = bodies.setdefault(key, page.body)
        pages.append(page)
    return pages


# --------------------------------------------------------------------------- (r)

def replay_run(warc: Path, out: Path, processes: int, tag: str) -> dict:
    """``crawler replay`` to its end: wall time, CPU of it and its workers,
    peak RSS of its process tree, and its summary line."""
    jsonl, log = out / f"replay{tag}.jsonl", out / f"replay{tag}.log"
    cmd = [sys.executable, "-m", "crawler.cli", "replay", str(warc), "-o", str(jsonl),
           "--processes", str(processes), "--restart"]
    busy = machine_busy()
    with log.open("w") as err:
        code, wall, cpu, sampler = sampled_run(cmd, subprocess.DEVNULL, err)
    lines = log.read_text().strip().splitlines()
    with jsonl.open("rb") as f:
        articles = sum(1 for _ in f)
    return {"code": code, "wall": wall, "cpu": cpu,
            "main_cpu": sampler.own_cpu, "rss_mb": sampler.peak_kb / 1024,
            "max_proc_mb": sampler.hwm_kb / 1024, "procs": sampler.procs,
            "other_cpu": machine_busy() - busy - cpu, "articles": articles,
            "summary": lines[-1] if lines else "", "log": log}


# --------------------------------------------------------------------------- (a)

async def _extract_all(pages: list, processes: int) -> dict:
    from crawler.extraction import ExtractionOptions
    from crawler.extraction.pool import ExtractionPool

    pool = ExtractionPool(processes, ExtractionOptions())
    pool.start()
    try:
        # one page each: every worker started, settled and extracting
        await asyncio.gather(*(pool.extract(pages[i % len(pages)]) for i in range(processes)))
        pids = [w.process.pid for w in pool.workers]
        cpu0, busy, own0 = sum(proc_cpu(p) for p in pids), machine_busy(), proc_cpu(os.getpid())
        t0 = time.perf_counter()
        results = await asyncio.gather(*(pool.extract(p) for p in pages))
        wall = time.perf_counter() - t0
        workers_cpu = sum(proc_cpu(p) for p in pids) - cpu0
        own = proc_cpu(os.getpid()) - own0
        rss = sum(proc_memory_kb(p)[1] for p in pids) / 1024
    finally:
        pool.close()
    return {"wall": wall, "cpu": workers_cpu + own, "main_cpu": own, "rss_mb": rss,
            "procs": len(pids) + 1, "other_cpu": machine_busy() - busy - workers_cpu - own,
            "articles": sum(1 for r in results if r.article.reason is None)}


def pool_run(pages: list, processes: int) -> dict:
    return asyncio.run(_extract_all(pages, processes))


# --------------------------------------------------------------------------- (b)

NEWSPLEASE_DRIVER = r'''
"""news-please's Common Crawl mode on one local WARC file, no network: the step
that processes a downloaded file (CommonCrawlExtractor.__process_warc_gz_file)."""
import json, logging, os, socket, sys, time

refused = []
def refuse(*args, **kwargs):
    refused.append(repr(args[:2])[:80])
    raise OSError("network access refused by the benchmark")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

path, seconds = sys.argv[1], float(sys.argv[2])
from newsplease.crawler import commoncrawl_crawler  # noqa: F401 (first: a circular import)
from newsplease.crawler.commoncrawl_extractor import CommonCrawlExtractor

counts = {"pages": 0, "articles": 0}
started = None

def done(complete):
    print(json.dumps({**counts, "seconds": time.perf_counter() - started,
                      "complete": complete, "refused": len(refused),
                      "refused_examples": refused[:3]}), flush=True)
    os._exit(0)

extract = CommonCrawlExtractor._from_warc
def counted(self, record):
    article = extract(self, record)
    counts["pages"] += 1
    if time.perf_counter() - started > seconds:
        done(False)
    return article
CommonCrawlExtractor._from_warc = counted

def on_article(article):
    counts["articles"] += 1

x = CommonCrawlExtractor()
p = "_CommonCrawlExtractor__"
for name, value in {"warc_path": path, "filter_valid_hosts": [], "filter_start_date": None,
                    "filter_end_date": None, "filter_strict_date": True,
                    "continue_after_error": True, "ignore_unicode_errors": False,
                    "fetch_images": False, "log_level": logging.ERROR,
                    "delete_warc_after_extraction": False,
                    "log_pathname_fully_extracted_warcs": None,
                    "callback_on_article_extracted": on_article,
                    "callback_on_warc_completed": lambda *a: done(True),
                    "local_download_dir_warc": os.path.dirname(path)}.items():
    setattr(x, p + name, value)
getattr(x, p + "setup")()
started = time.perf_counter()
getattr(x, p + "process_warc_gz_file")(path)
done(True)
'''


def split_prefix(warc: Path, out: Path, pages: int, parts: int) -> list[Path]:
    """The first ``pages`` response records of ``warc`` in ``parts`` files
    (each with the warcinfo record first), their gzip members copied as they are."""
    from crawler.warc.reader import read_records

    with warc.open("rb") as f:
        spans = [(r.offset, r.length, r.record.rec_type)
                 for r in read_records(f, bodies=False)]
    info = [s for s in spans if s[2] == "warcinfo"][:1]
    responses = [s for s in spans if s[2] == "response"][:pages]
    files = []
    with warc.open("rb") as f:
        def copy(span: tuple[int, int, str], dst) -> None:
            f.seek(span[0])
            dst.write(f.read(span[1]))

        for part in range(parts):
            path = out / f"newsplease-{part}.warc.gz"
            with path.open("wb") as dst:
                for span in info + responses[part::parts]:
                    copy(span, dst)
            files.append(path)
    return files


def newsplease_run(python: Path, warc: Path, out: Path, pages: int, seconds: float,
                   processes: int) -> dict:
    """news-please on ``processes`` parts of the file's first ``pages`` records
    at once (one process per file, as its Common Crawl mode runs)."""
    files = split_prefix(warc, out, pages, processes)
    driver = out / "newsplease_driver.py"
    driver.write_text(NEWSPLEASE_DRIVER)
    busy, t0 = machine_busy(), time.perf_counter()
    procs = [subprocess.Popen([str(python), str(driver), str(f), str(seconds)], cwd=out,
                              stdout=subprocess.PIPE, stderr=(out / f"{f.stem}.log").open("w"),
                              text=True) for f in files]
    samplers = [TreeSampler(p.pid) for p in procs]
    for s in samplers:
        s.start()
    results, cpu = [], 0.0
    for proc, sampler in zip(procs, samplers, strict=True):
        _, status, usage = os.wait4(proc.pid, 0)
        sampler.done.set()
        sampler.join()
        cpu += usage.ru_utime + usage.ru_stime
        line = proc.stdout.read().strip().splitlines()  # type: ignore[union-attr]
        results.append(json.loads(line[-1]) if line else {"error": status})
    wall = time.perf_counter() - t0
    bad = [r for r in results if "pages" not in r]
    if bad:
        raise RuntimeError(f"news-please failed: {bad}; see {out}/newsplease-*.warc.log")
    done = sum(r["pages"] for r in results)
    return {"wall": max(r["seconds"] for r in results), "process_wall": wall, "pages": done,
            "cpu": cpu, "rss_mb": sum(s.peak_kb for s in samplers) / 1024,
            "procs": len(procs), "other_cpu": machine_busy() - busy - cpu,
            "articles": sum(r["articles"] for r in results),
            "complete": all(r["complete"] for r in results),
            "refused": sum(r["refused"] for r in results),
            "refused_examples": [e for r in results for e in r["refused_examples"]][:3]}


# --------------------------------------------------------------------------- report

def row(name: str, r: dict) -> str:
    return (f"{name:<58}{r['wall']:>8.1f}{r['pages']:>7}{r['pages'] / r['wall']:>9.2f}"
            f"{r['cpu']:>8.1f}{1000 * r['cpu'] / r['pages']:>12.1f}{r['procs']:>6}"
            f"{r['rss_mb']:>12.0f}{r['other_cpu']:>12.1f}")


def rate(run: dict) -> float:
    return run["pages"] / run["wall"]


def verdict(label: str, values: list[float], target: float) -> str:
    mean = sum(values) / len(values)
    each = f" (rounds: {', '.join(f'{v:.2f}' for v in values)})" if len(values) > 1 else ""
    return (f"{label}: {mean:.2f}{each}   target >= {target:.2f}  "
            f"{'met' if mean >= target else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024,
                        help="size of the generated WARC file, gzipped (default 1024)")
    parser.add_argument("--warc", help="replay this file instead of generating one")
    parser.add_argument("--rounds", type=int, default=2,
                        help="run (r) and (a) this many times, alternating their order "
                             "(default 2)")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="extraction processes of (r) and (a), and news-please's "
                             "processes (default: one per core)")
    parser.add_argument("--newsplease-python", metavar="PY",
                        help="python of a venv with news-please 1.6 (default: "
                             "benchmarks.peers' venv, installed on first use)")
    parser.add_argument("--newsplease-pages", type=int, default=600,
                        help="records of the file's start that news-please gets (default 600)")
    parser.add_argument("--newsplease-seconds", type=float, default=180,
                        help="news-please's time bound per process (default 180)")
    parser.add_argument("--no-newsplease", action="store_true", help="skip (b)")
    parser.add_argument("--out", metavar="DIR",
                        help="keep the file, the JSON lines and logs in DIR (default: a "
                             "temporary folder, removed)")
    opts = parser.parse_args()

    tmp = None if opts.out else tempfile.TemporaryDirectory(prefix="bench-replay-")
    out = Path(opts.out or tmp.name).resolve()  # type: ignore[union-attr]
    out.mkdir(parents=True, exist_ok=True)
    started, load = datetime.now(), os.getloadavg()[0]
    warc, records = the_file(out, opts.size_mb, opts.warc)
    print(f"reading {warc.name} for (a) ...", file=sys.stderr, flush=True)
    pages = read_pages(warc)
    distinct = len({id(p.body) for p in pages})
    rows, rounds, notes = [], [], []
    python = version = None
    if not opts.no_newsplease:
        from benchmarks.peers import peer_python

        python = Path(opts.newsplease_python) if opts.newsplease_python \
            else peer_python("news-please")
        version = subprocess.run([str(python), "-c", "import importlib.metadata as m; "
                                  "print(m.version('news-please'))"],
                                 capture_output=True, text=True, check=False).stdout.strip()
    for rnd in range(1, opts.rounds + 1):
        tag = f" #{rnd}" if opts.rounds > 1 else ""
        order = "rab" if rnd % 2 else "bar"
        if python is None:
            order = order.replace("b", "")
        print(f"round {rnd}: runs {', '.join(order)} ...", file=sys.stderr, flush=True)
        runs: dict[str, dict] = {}
        for key in order:
            if key == "r":
                r = runs["r"] = replay_run(warc, out, opts.processes, f"-{rnd}")
                r["pages"] = records
                if r["code"]:
                    notes.append(f"WARNING (r{tag}): exit code {r['code']}; see {r['log']}")
                notes.append(f"(r{tag}) {r['summary']}")
                notes.append(f"(r{tag}) CPU: replay process {r['main_cpu']:.1f} s "
                             f"({1000 * r['main_cpu'] / records:.1f} ms/page: reading, "
                             f"decoding, finishing, writing), extraction workers "
                             f"{r['cpu'] - r['main_cpu']:.1f} s; largest process "
                             f"{r['max_proc_mb']:.0f} MB")
            elif key == "a":
                a = runs["a"] = pool_run(pages, opts.processes)
                a["pages"] = len(pages)
                notes.append(f"(a{tag}) {a['articles']} of {len(pages)} pages gave an "
                             f"article; feeding process {a['main_cpu']:.1f} s CPU")
            else:
                assert python is not None
                b = runs["b"] = newsplease_run(python, warc, out, opts.newsplease_pages,
                                               opts.newsplease_seconds, opts.processes)
                ended = "all of them" if b["complete"] else "stopped at the time bound"
                notes.append(f"(b{tag}) {b['pages']} of the first {opts.newsplease_pages} "
                             f"records in {b['wall']:.1f} s ({ended}); {b['articles']} passed "
                             f"as articles; network connections refused: {b['refused']} "
                             f"{b['refused_examples']}")
        rows += [(f"(r{tag}) crawler replay, {opts.processes} extraction processes", runs["r"]),
                 (f"(a{tag}) extraction alone, same pool x{opts.processes}, pages in memory",
                  runs["a"])]
        if "b" in runs:
            rows.append((f"(b{tag}) news-please {version}, Common Crawl mode "
                         f"x{opts.processes}", runs["b"]))
        rounds.append(runs)

    print(f"\n{started:%Y-%m-%d %H:%M}, commit {commit()}, {os.cpu_count()} CPUs, Python "
          f"{sys.version.split()[0]}; load average at start {load:.2f}; whole run "
          f"{(datetime.now() - started).seconds} s\n")
    print(f"file: {warc.name}, {warc.stat().st_size / 2**20:.0f} MB gzipped, {records} "
          f"response records ({distinct} distinct pages), "
          f"{sum(len(p.body) for p in pages) / records / 1024:.0f} kB per page decoded")
    print(f"{'run':<58}{'wall s':>8}{'pages':>7}{'pages/s':>9}{'CPU s':>8}{'CPU ms/page':>12}"
          f"{'procs':>6}{'peak RSS MB':>12}{'other CPU s':>12}")
    for name, r in rows:
        print(row(name, r))
    print()
    print(verdict("(r)/(a) pages/s", [rate(rr["r"]) / rate(rr["a"]) for rr in rounds],
                  TARGETS["r/a"]))
    if python is not None:
        print(verdict(f"(r)/(b) pages/s (news-please in {opts.processes} processes)",
                      [rate(rr["r"]) / rate(rr["b"]) for rr in rounds], TARGETS["r/b"]))
    print()
    for line in notes:
        print(line)
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
