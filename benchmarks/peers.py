"""Peer tools on the throughput benchmark's site: (e) trafilatura's own crawler and
extraction, (f) news-please's crawler, each in a virtualenv of its own.

    python -m benchmarks.peers [--pages 2000] [--links 50] [--out DIR]

``benchmarks/throughput.py`` adds the rows to its table with
``rows, notes = run_peers(site, out, site_pid, expected)``. Run alone, this
module serves the same site (``python -m benchmarks.throughput --serve``) and
prints the same table.

The first run creates ``~/.cache/crawler/peers-venv-<name>`` (``python3.11 -m
venv``, pip upgraded, the pinned release of ``PEERS`` installed; the pip output is
in ``install.log`` there) and later runs reuse it. A peer that cannot be installed
or started here gets a "skipped" row and a note saying why.

(e) ``trafilatura.spider.focused_crawler`` from the home page (no sleep between
    requests, no limit on pages seen or known short of 10 million), then every URL
    it knows downloaded with ``trafilatura.downloads.buffered_downloads`` (threads:
    trafilatura's default ``--parallel``) and extracted with ``trafilatura.extract``
    (JSON with metadata) in the main thread as downloads complete, as the CLI does;
    no WARC. The crawler fetches each page to find links and keeps no HTML, so
    every page is downloaded twice. Two adjustments, both for the site being on
    127.0.0.1 with a port: SSRF protection off (it refuses loopback addresses), and
    courlan 1.4's host checks taught that ``127.0.0.1:PORT`` is an IP address with
    a port (as shipped it rejects every such link, so the crawler stops after the
    home page).
(f) the ``news-please`` command with the site in its site list and the
    RecursiveCrawler (follows every link; a page that passes news-please's default
    article heuristics goes through its default pipelines: newspaper4k, readability,
    date and language extraction, the HTML file and a JSON file per article; no
    database). Its Scrapy settings: 32 requests at once, 32 per domain. Its own
    ``newspaper_extractor_no_images`` instead of ``newspaper_extractor``: newspaper4k
    otherwise downloads every image a page names, from the image's own site, to pick
    the top image (offline here, each page then took seconds of failed requests).
    One adjustment: news-please gives Scrapy ``allowed_domains = ["127.0.0.1:PORT"]``,
    which Scrapy compares with host names, so every link was off-site; a subclass of
    Scrapy's OffsiteMiddleware drops the port before comparing. Its launcher polls
    its crawler every 10 s, so up to 10 s of the wall time is idle: Scrapy's own
    elapsed time is in the notes.

Columns as in ``throughput.py``. "pages": the site's pages (articles, home,
sections, robots.txt) the tool fetched with a 200 answer, each counted once even
when fetched twice; for (f), Scrapy's count of 200 responses (it requests no URL
twice but the start page, and the site only answers its own pages with 200 there)
less the requests the site saw repeated. What else the tool
requested (trafilatura: 404s and query-string variants of the home page) is in the
notes, and its cost in the CPU and wall time.
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENVS = Path.home() / ".cache" / "crawler"
PEERS = {"trafilatura": "trafilatura==2.3.1", "news-please": "news-please==1.6.16"}
MAX_URLS = 10_000_000  # trafilatura's max_seen_urls and max_known_urls
INSTALL_TIMEOUT = 900


class PeerUnavailable(Exception):
    """The peer cannot be installed or started here; the message says why."""


# --------------------------------------------------------------------------- venvs

def peer_python(name: str) -> Path:
    """The python of the peer's own venv, created and installed on first use."""
    venv = VENVS / f"peers-venv-{name}"
    python, marker = venv / "bin" / "python", venv / "peer-requirement.txt"
    if python.exists() and marker.exists() and marker.read_text().strip() == PEERS[name]:
        return python
    base = shutil.which("python3.11") or (sys.executable if sys.version_info[:2] == (3, 11)
                                          else None)
    if base is None:
        raise PeerUnavailable("no python3.11 to create its venv")
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    print(f"installing {PEERS[name]} into {venv} ...", file=sys.stderr, flush=True)
    log = VENVS / f"peers-venv-{name}-install.log"
    steps = [[base, "-m", "venv", str(venv)],
             [str(python), "-m", "pip", "install", "--upgrade", "pip"],
             [str(python), "-m", "pip", "install", PEERS[name]]]
    with log.open("w") as out:
        for step in steps:
            out.write(f"$ {' '.join(step)}\n")
            out.flush()
            try:
                code = subprocess.run(step, stdout=out, stderr=subprocess.STDOUT,
                                      timeout=INSTALL_TIMEOUT, check=False).returncode
            except subprocess.TimeoutExpired:
                code = "timeout"
            if code != 0:
                last = log.read_text(errors="replace").strip().splitlines()[-1:]
                raise PeerUnavailable(f"{' '.join(step[-3:])} failed ({code}): "
                                      f"{last[0] if last else ''} (see {log})")
    shutil.copy(log, venv / "install.log")
    marker.write_text(PEERS[name] + "\n")
    return python


def smoke(python: Path, module: str) -> None:
    """Fail early, with the reason, when the peer does not even import."""
    done = subprocess.run([str(python), "-c", f"import {module}"], capture_output=True,
                          text=True, check=False)
    if done.returncode:
        last = done.stderr.strip().splitlines()[-1:]
        raise PeerUnavailable(f"import {module} failed: {last[0] if last else done.returncode}")


def timed(cmd: list[str], log: Path, site: str, site_pid: int, pages: int) -> dict:
    """``throughput.run_process`` under coreutils ``timeout`` (a hung peer must not hang
    the benchmark); the ``timeout`` process itself is left out of "procs"."""
    from benchmarks.throughput import run_process

    limit = 300 + pages  # seconds: 4-5 times what news-please, the slower, needs here
    r = run_process(["timeout", "-k", "10", str(limit), *cmd], log, site, site_pid)
    r["procs"] = max(r["procs"] - 1, 1)
    if r["code"] in (124, 137, -9):  # TERM sent; KILL sent 10 s later (timeout re-raises it)
        r["timed_out"] = limit
    return r


def served(r: dict, fetched200: int) -> str:
    """What the site saw: requests, repeats."""
    again = sum(n - 1 for n in r["repeated"].values())
    return (f"site served {r['requests']} requests, {len(r['repeated'])} paths more than once "
            f"({again} repeat requests{', e.g. ' if again else ''}"
            f"{', '.join(list(r['repeated'])[:3])}); {fetched200} distinct URLs answered 200")


# --------------------------------------------------------------------------- (e) trafilatura

def patch_courlan() -> None:
    """courlan 1.4.0 rejects ``http://127.0.0.1:PORT/...``: ``domain_filter`` parses the
    netloc with its port as an IP address, and ``extract_domain`` finds no domain.
    Strip the port before the first and answer the IP for the second."""
    from ipaddress import ip_address
    from urllib.parse import urlsplit

    import courlan.core

    domain_filter, extract_domain = courlan.core.domain_filter, courlan.core.extract_domain

    def is_ip(host: str) -> bool:
        try:
            ip_address(host)
        except ValueError:
            return False
        return True

    def port_domain_filter(netloc: str) -> bool:
        host, _, port = netloc.rpartition(":")
        return domain_filter(host if port.isdigit() and is_ip(host) else netloc)

    def ip_extract_domain(url: str, blacklist: set[str] | None = None,
                          fast: bool = False) -> str | None:
        found = extract_domain(url, blacklist, fast)
        host = urlsplit(url).hostname or ""
        return host if found is None and is_ip(host) else found

    courlan.core.domain_filter, courlan.core.extract_domain = port_domain_filter, \
        ip_extract_domain


def drive_trafilatura(site: str, out: Path) -> None:
    """Runs in trafilatura's venv: crawl, then download and extract what was found."""
    import logging

    from trafilatura import downloads, extract, spider
    from trafilatura.settings import PARALLEL_CORES, Extractor, use_config

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)  # as the CLI by default
    patch_courlan()
    fetched: list[tuple[str, int | None, str]] = []  # (url, status, phase)
    phase = ["crawl"]
    fetch_response = downloads.fetch_response

    def recorded(url: str, **kwargs):
        response = fetch_response(url, **kwargs)
        fetched.append((url, response.status if response else None, phase[0]))
        return response

    downloads.fetch_response = spider.fetch_response = recorded
    config = use_config()
    config["DEFAULT"]["SLEEP_TIME"] = "0"
    config["DEFAULT"]["SSRF_PROTECTION"] = "off"
    t0 = time.perf_counter()
    todo, known = spider.focused_crawler(site + "/", max_seen_urls=MAX_URLS,
                                         max_known_urls=MAX_URLS, config=config)
    crawl_s = time.perf_counter() - t0
    phase[0] = "download"
    downloaded = articles = 0
    options = Extractor(config=config)
    with (out / "articles.jsonl").open("w", encoding="utf-8") as lines:
        for url, html in downloads.buffered_downloads(known, PARALLEL_CORES, options=options):
            if not html:
                continue
            downloaded += 1
            doc = extract(html, url=url, output_format="json", with_metadata=True,
                          config=config)
            if doc:
                articles += 1
                lines.write(json.dumps({"url": url, "doc": json.loads(doc)}) + "\n")
    with (out / "fetched.jsonl").open("w", encoding="utf-8") as record:
        record.writelines(json.dumps(f) + "\n" for f in fetched)
    (out / "summary.json").write_text(json.dumps({
        "crawl_s": crawl_s, "download_extract_s": time.perf_counter() - t0 - crawl_s,
        "known": len(known), "todo": len(todo), "downloaded": downloaded,
        "articles": articles, "threads": PARALLEL_CORES}))


def run_trafilatura(site: str, out: Path, site_pid: int, expected: set[str],
                    articles: set[str]) -> tuple[dict, list[str]]:
    from benchmarks.throughput import check

    python = peer_python("trafilatura")
    smoke(python, "trafilatura.spider")
    work = out / "trafilatura"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    r = timed([str(python), "-m", "benchmarks.peers", "--driver", "trafilatura", site,
               str(work)], out / "trafilatura.log", site, site_pid, len(expected))
    summary_path = work / "summary.json"
    if r["code"] or not summary_path.exists():
        raise PeerUnavailable(f"exit code {r['code']}"
                              + (f" (timed out after {r['timed_out']} s)" if "timed_out" in r
                                 else "") + f"; see {r['log']}")
    s = json.loads(summary_path.read_text())
    fetched = [json.loads(line) for line in (work / "fetched.jsonl").open(encoding="utf-8")]
    ok = {phase: Counter(u for u, status, p in fetched if status == 200 and p == phase)
          for phase in ("crawl", "download")}
    statuses = Counter(str(status) for _, status, _ in fetched)
    got = set(ok["crawl"]) | set(ok["download"])
    r["pages"] = len(got & expected)
    extracted = Counter(json.loads(line)["url"]
                        for line in (work / "articles.jsonl").open(encoding="utf-8"))
    r["articles"] = s["articles"]
    notes = [
        (f"(e) trafilatura: crawler {s['crawl_s']:.1f} s ({sum(ok['crawl'].values())} pages "
        f"answered 200; knew {s['known']} URLs, {s['todo']} left unvisited), then download "
        f"+ extract {s['download_extract_s']:.1f} s ({s['downloaded']} pages downloaded, "
        f"{s['articles']} gave an article; {s['threads']} download threads); the site's "
        f"{r['pages']} pages and {len(got - expected)} other URLs answered 200; responses by "
        f"status {dict(statuses.most_common())}"),
        check("(e) pages the crawler fetched (200)", ok["crawl"], expected),
        check("(e) pages downloaded for extraction (200)", ok["download"], expected),
        check("(e) articles extracted", extracted, articles),
        f"(e) {served(r, len(got))}; largest single process {r['max_proc_mb']:.0f} MB",
    ]
    return r, notes


# --------------------------------------------------------------------------- (f) news-please

OFFSITE = '''\
"""news-please sets ``allowed_domains = ["HOST:PORT"]``; Scrapy compares host names."""
import re

from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware


class PortOffsiteMiddleware(OffsiteMiddleware):
    def get_host_regex(self, spider):
        hosts = [re.sub(r":\\d+$", "", d) for d in getattr(spider, "allowed_domains", None) or []
                 if d]
        if not hosts:
            return re.compile("")
        return re.compile(rf"^(.*\\.)?({'|'.join(map(re.escape, hosts))})$")
'''


def newsplease_config(python: Path, site: str, work: Path) -> Path:
    """A config folder: news-please's own config.cfg with local paths and no politeness
    limits, the offsite shim, and a site list of the site's home page."""
    found = sorted(python.parents[1].glob("lib/python3*/site-packages/newsplease/config/"
                                          "config.cfg"))
    if not found:
        raise PeerUnavailable("news-please's config.cfg not found in its venv")
    cfg = configparser.RawConfigParser()  # its values use its own %placeholders
    cfg.optionxform = str  # type: ignore[assignment,method-assign]
    cfg.read(found[0], encoding="utf-8")
    cfg["Files"]["working_path"] = str(work / "work")
    scrapy = cfg["Scrapy"]
    scrapy["CONCURRENT_REQUESTS"] = scrapy["CONCURRENT_REQUESTS_PER_DOMAIN"] = "32"
    extractors = cfg["ArticleMasterExtractor"]["extractors"]  # its own option, as below
    cfg["ArticleMasterExtractor"]["extractors"] = extractors.replace(
        "'newspaper_extractor'", "'newspaper_extractor_no_images'")
    scrapy["DOWNLOADER_MIDDLEWARES"] = json.dumps(
        {"scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
         "peer_offsite.PortOffsiteMiddleware": 50}).replace("null", "None")
    config = work / "config"
    config.mkdir(parents=True)
    with (config / "config.cfg").open("w", encoding="utf-8") as out:
        cfg.write(out)
    (config / "sitelist.hjson").write_text(json.dumps(
        {"base_urls": [{"url": site + "/", "crawler": "RecursiveCrawler"}]}))
    (work / "peer_offsite.py").write_text(OFFSITE)
    return config


def scrapy_stat(log: str, key: str) -> str | None:
    found = re.findall(rf"'{re.escape(key)}': '?([\w.]+)", log)
    return found[-1] if found else None


def run_newsplease(site: str, out: Path, site_pid: int, expected: set[str],
                   articles: set[str]) -> tuple[dict, list[str]]:
    from benchmarks.throughput import check

    python = peer_python("news-please")
    smoke(python, "newsplease.__main__")
    work = out / "news-please"
    shutil.rmtree(work, ignore_errors=True)
    config = newsplease_config(python, site, work)
    cmd = ["env", f"PYTHONPATH={work}", str(python.parent / "news-please"), "-c", str(config)]
    r = timed(cmd, out / "news-please.log", site, site_pid, len(expected))
    log = r["log"].read_text(errors="replace")
    stats = {k: scrapy_stat(log, k) for k in (
        "downloader/response_status_count/200", "downloader/response_count",
        "elapsed_time_seconds", "finish_reason", "item_scraped_count", "offsite/filtered",
        "request_depth_max")}
    if r["code"] or stats["finish_reason"] != "finished":
        raise PeerUnavailable(f"exit code {r['code']}, Scrapy finish reason "
                              f"{stats['finish_reason']}"
                              + (f" (timed out after {r['timed_out']} s)" if "timed_out" in r
                                 else "") + f"; see {r['log']}")
    extracted = Counter(json.loads(f.read_text(encoding="utf-8"))["url"]
                        for f in (work / "work" / "data").rglob("*.json"))
    again = sum(n - 1 for n in r["repeated"].values())
    r["pages"] = int(stats["downloader/response_status_count/200"] or 0) - again
    r["articles"] = extracted.total()
    elapsed = float(stats["elapsed_time_seconds"] or "nan")
    notes = [
        (f"(f) news-please: Scrapy's elapsed time {elapsed:.1f} s of {r['wall']:.1f} s wall; "
        f"{stats['downloader/response_count']} responses "
        f"({stats['downloader/response_status_count/200']} answered 200), "
        f"{stats['item_scraped_count'] or 0} items (pages that passed its article "
        f"heuristics), {stats['offsite/filtered'] or 0} off-site requests dropped, "
        f"depth up to {stats['request_depth_max']}"),
        check("(f) articles in its JSON files", extracted, articles),
        f"(f) {served(r, r['pages'])}; largest single process {r['max_proc_mb']:.0f} MB",
    ]
    return r, notes


# --------------------------------------------------------------------------- both

PEER_RUNS = (
    ("(e) trafilatura: focused_crawler, then extract", "trafilatura", run_trafilatura),
    ("(f) news-please: CLI, RecursiveCrawler", "news-please", run_newsplease),
)


def run_peers(site: str, out: Path, site_pid: int,
              expected: set[str]) -> tuple[list[tuple[str, dict | None]], list[str]]:
    """Rows for ``throughput.report`` and notes, one peer after the other, on ``site``
    (served by process ``site_pid``); ``expected``: every URL of the site, robots.txt
    included (its ``*.html`` ones are the articles)."""
    rows: list[tuple[str, dict | None]] = []
    notes: list[str] = []
    articles = {u for u in expected if u.endswith(".html")}
    for label, name, run in PEER_RUNS:
        print(f"{name} ...", file=sys.stderr, flush=True)
        try:
            row, lines = run(site, out, site_pid, expected, articles)
        except PeerUnavailable as exc:
            rows.append((f"{label} (not run)", None))
            notes.append(f"{label[:3]} {name} not run: {exc}")
            continue
        rows.append((label, row))
        notes += lines
    return rows, notes


def main() -> int:
    if sys.argv[1:3] == ["--driver", "trafilatura"]:  # in trafilatura's venv: stdlib only here
        drive_trafilatura(sys.argv[3], Path(sys.argv[4]))
        return 0
    from datetime import datetime

    from benchmarks.distributed import SECTIONS, article_path
    from benchmarks.throughput import DEFAULT_LINKS, DEFAULT_PAGES, commit, report, served_site

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES,
                        help=f"article pages (default {DEFAULT_PAGES})")
    parser.add_argument("--links", type=int, default=DEFAULT_LINKS,
                        help=f"links from each article to others (default {DEFAULT_LINKS})")
    parser.add_argument("--out", metavar="DIR", help="keep the peers' output and logs in DIR "
                                                     "(default: a temporary folder, removed)")
    opts = parser.parse_args()

    started, load = datetime.now(), os.getloadavg()[0]
    with served_site("benchmarks.throughput",
                     ["--pages", str(opts.pages), "--links", str(opts.links)],
                     opts.out, "bench-peers-") as (site, site_pid, out):
        expected = ({site + article_path(i) for i in range(opts.pages)}
                    | {site + "/", site + "/robots.txt"} | {f"{site}/{s}/" for s in SECTIONS})
        rows, notes = run_peers(site, out, site_pid, expected)
        print(f"\n{started:%Y-%m-%d %H:%M}, commit {commit()}, {os.cpu_count()} CPUs, Python "
              f"{sys.version.split()[0]}; load average at start {load:.2f}; whole run "
              f"{(datetime.now() - started).seconds} s\n")
        report(rows, opts.pages, opts.links, notes)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
