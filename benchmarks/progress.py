"""What the progress display costs a crawl: the same crawl with no display
(``--quiet``), with plain lines every 10 s (stderr a pipe), and with the live
panel at 2 and 4 redraws a second (stderr a pseudo-terminal).

    python -m benchmarks.progress [--pages 1000] [--rounds 3]

The site is the one of ``benchmarks/distributed.py`` (real news pages under
distinct URLs, in a subprocess on 127.0.0.1). Each crawl is fetch + WARC only
(``ITEM_PIPELINES={}``, no CDXJ index), politeness off, stopped after
``--pages`` responses: the fastest crawl there is, where the display weighs
most. The modes take turns, round after round, so a change in the machine's
load spreads over all of them. "CPU s" is user + system of the crawl process;
"pages/s" is the crawl's own (its summary). Then one redraw of the panel alone
(snapshot + render + terminal output, 8 sites shown) is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAST = ["--max-depth", "100000", *(x for kv in (
    "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=0", "CONCURRENT_REQUESTS=32",
    "CONCURRENT_REQUESTS_PER_DOMAIN=32", "CRAWLER_MAX_PAGES_PER_SITE=100000",
    "CRAWLER_CDXJ_ENABLED=0", "ITEM_PIPELINES={}",
) for x in ("-s", kv))]
MODES = {
    "off (--quiet)": (["--quiet"], False),
    "lines every 10 s": ([], False),
    "live panel 2/s": ([], True),
    "live panel 4/s": (["-s", "CRAWLER_PROGRESS_REFRESH=4"], True),
}


def crawl(site: str, pages: int, extra: list[str], terminal: bool) -> tuple[float, float, int]:
    """(pages/s, CPU s, pages) of one crawl; stderr on a pseudo-terminal or a pipe."""
    with tempfile.TemporaryDirectory(prefix="bench-progress-") as out:
        summary = Path(out) / "summary.json"
        argv = [sys.executable, "-m", "crawler.cli", "crawl", site, "-o", out, "--job", "b",
                "--max-pages", str(pages), "--summary-json", str(summary), *FAST, *extra]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        if terminal:
            master, slave = pty.openpty()
            proc = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=slave)
            os.close(slave)
            while True:  # read the terminal, as a terminal would
                try:
                    if not os.read(master, 65536):
                        break
                except OSError:
                    break
            os.close(master)
            proc.wait()
        else:
            subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        data = json.loads(summary.read_text())
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return data["pages_per_second"], cpu, data["pages_fetched"]


def redraw_ms(n: int = 200) -> float:
    from rich.console import Console
    from rich.live import Live

    from crawler.report.progress import SiteCounts, render, snapshot

    stats = {f"downloader/response_status_count/{c}": 10 for c in (200, 301, 404, 500)}
    stats["downloader/response_count"] = 12_345
    sites = SiteCounts()
    sites.pages.update({f"site{i}.news.example": i for i in range(300)})
    console = Console(file=StringIO(), force_terminal=True, width=120)
    with Live(console=console, auto_refresh=False) as live:
        t0 = time.perf_counter()
        for i in range(n):
            live.update(render(snapshot(stats, sites, elapsed=i, rate=40.0, queued=500,
                                        in_flight=32)), refresh=True)
        return (time.perf_counter() - t0) / n * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    opts = parser.parse_args()
    site_proc = subprocess.Popen([sys.executable, "-m", "benchmarks.distributed", "--serve",
                                  "--pages", str(opts.pages + 100)], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True)
    try:
        assert site_proc.stdout is not None
        site = f"http://127.0.0.1:{site_proc.stdout.readline().strip()}/"
        print(f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, load average at "
              f"start {os.getloadavg()[0]:.2f}; {opts.rounds} rounds of {opts.pages} pages")
        results: dict[str, list[tuple[float, float, int]]] = {mode: [] for mode in MODES}
        for _ in range(opts.rounds):
            for mode, (extra, terminal) in MODES.items():
                results[mode].append(crawl(site, opts.pages, extra, terminal))
    finally:
        site_proc.kill()
        site_proc.wait()
    base_cpu = statistics.median(cpu / pages for _, cpu, pages in results["off (--quiet)"])
    print(f"{'display':<18} {'pages/s median':>14} {'(each round)':<22} "
          f"{'CPU ms/page':>11} {'vs off':>7}")
    for mode, runs in results.items():
        rates = [rate for rate, _, _ in runs]
        cpu = statistics.median(cpu / pages for _, cpu, pages in runs)
        print(f"{mode:<18} {statistics.median(rates):>14.1f} "
              f"{' '.join(f'{r:.1f}' for r in rates):<22} {cpu * 1000:>11.2f} "
              f"{(cpu / base_cpu - 1) * 100:>+6.1f}%")
    print(f"one redraw of the live panel: {redraw_ms():.2f} ms "
          f"(load average now {os.getloadavg()[0]:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
