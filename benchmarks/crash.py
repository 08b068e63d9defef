"""Crash safety: SIGKILL a crawl of the local mock site (tests/mockserver.py)
at random moments, check and repair what it left, resume it; after the last
resume every article must be in the job's JSON lines exactly once.

    python -m benchmarks.crash [--trials 24] [--kills-per-job 4] [--seed N]

Each job is crawled with the same command until ``--kills-per-job`` kills have
landed (or a run finishes before its kill), then resumed to the end. After
each kill: every closed WARC file must pass ``warcio check``; then either
``crawler check --repair JOB`` repairs the ``.open`` WARC and any half JSON
line and must leave the job clean (odd kills), or the next crawl repairs them
itself when it starts (even kills). At the end of each job: ``crawler check
JOB`` must be clean, ``warcio check`` must pass on every WARC file, and each
article of the site must be in the JSON lines once: none lost, none twice.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from tests.mockserver import MANIFEST, MockServer

ROOT = Path(__file__).resolve().parents[1]

#: The crawl, paced to last about ten seconds with articles written all along
#: (an article is held back for 3 pages of its site, not 10), so
#: that kills land while pages are fetched and articles written.
PACE = ["-s", "DOWNLOAD_DELAY=0.2", "-s", "AUTOTHROTTLE_ENABLED=0",
        "-s", "CRAWLER_TEMPLATE_HOLD_PAGES=3"]
WARCIO = Path(sys.executable).with_name("warcio")


@dataclass
class Result:
    trials: int = 0  # kills that landed while the crawl ran
    finished_first: int = 0  # runs that finished before their kill moment
    jobs: int = 0
    runs: int = 0
    warcs_checked: int = 0  # closed WARC files checked by warcio after a kill
    warc_failures: list[str] = field(default_factory=list)
    repairs: int = 0  # files repaired by crawler check --repair
    auto_repairs: int = 0  # files repaired by a crawl at start
    cut: int = 0  # repairs that cut an incomplete record off a WARC file
    check_failures: list[str] = field(default_factory=list)
    run_failures: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    articles: int = 0
    before_final: int = 0  # articles written by runs that were then killed

    @property
    def ok(self) -> bool:
        return not (self.warc_failures or self.check_failures or self.run_failures
                    or self.lost or self.duplicated)

    def report(self) -> str:
        check = "clean" if not self.check_failures else "FAILED"
        lines = [
            (f"trials (SIGKILL mid-crawl):   {self.trials} over {self.jobs} job(s), "
             f"{self.runs} crawl runs ({self.finished_first} finished before their kill)"),
            (f"closed WARCs after kills:     {self.warcs_checked} checks by warcio check, "
             f"{len(self.warc_failures)} failed"),
            (f"repairs done:                 {self.repairs + self.auto_repairs} "
             f"({self.repairs} by crawler check --repair, {self.auto_repairs} by the "
             f"resumed crawl at start; {self.cut} cut an incomplete record)"),
            (f"articles:                     {self.articles} written, {self.before_final} "
             f"of them by killed runs; expected {len(MANIFEST['articles'])} per job"),
            f"lost articles:                {len(self.lost)}",
            f"duplicated articles:          {len(self.duplicated)}",
            f"crawler check:                {check} ({len(self.check_failures)} failure(s))",
        ]
        problems = (self.warc_failures + self.check_failures + self.run_failures + self.lost
                    + self.duplicated)
        return "\n".join(lines + [f"  ! {line}" for line in problems])


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args]


def closed_warcs(job: Path) -> list[Path]:
    return sorted((job / "warc").glob("*.warc.gz")) if (job / "warc").is_dir() else []


def warcio_check(paths: list[Path]) -> str | None:
    if not paths:
        return None
    result = subprocess.run([str(WARCIO), "check", *map(str, paths)], capture_output=True,
                            text=True, check=False)
    return None if result.returncode == 0 else (result.stdout + result.stderr).strip()[-500:]


def article_counts(job: Path) -> Counter[str]:
    """Articles by path, across all JSON lines files of the job (the canonical
    URL's path when it names the same site)."""
    import json

    counts: Counter[str] = Counter()
    for path in sorted(job.glob("articles-*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            record = json.loads(line)
            url = record["url"]
            canon = record.get("canonical_url")
            if canon and urlsplit(canon).netloc == urlsplit(url).netloc:
                url = canon
            counts[urlsplit(url).path] += 1
    return counts


def run_job(server: MockServer, out: Path, name: str, kills: int, rng: random.Random,
            max_delay: float, result: Result, log: Callable[[str], None]) -> None:
    job = out / name
    cmd = cli("crawl", server.url("/"), "-o", str(out), "--job", name, *PACE)
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    landed = 0
    while landed < kills:
        result.runs += 1
        log_path = logs / f"{name}-{result.runs}.log"
        delay = rng.uniform(0.2, max_delay)
        with open(log_path, "wb") as log_file:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
        text = log_path.read_text("utf-8", "replace")
        result.auto_repairs += len(re.findall(r"Repaired .* left by an interrupted crawl", text))
        result.cut += len(re.findall(r"left by an interrupted crawl: cut \d+ bytes", text))
        if proc.returncode != -signal.SIGKILL:
            result.finished_first += 1
            log(f"  {name}: run finished before its kill at {delay:.2f} s")
            if proc.returncode != 0:
                result.run_failures.append(f"{log_path}: exit code {proc.returncode}")
            break
        landed += 1
        result.trials += 1
        warcs = closed_warcs(job)
        result.warcs_checked += len(warcs)
        problem = warcio_check(warcs)
        if problem:
            result.warc_failures.append(f"{name}, kill {landed}: {problem}")
        how = "repaired by the next crawl"
        written = [*closed_warcs(job), *(job / "warc").glob("*.open"), *job.glob("*.jsonl")] \
            if job.exists() else []
        if result.trials % 2 and written:
            check = subprocess.run(cli("check", "--repair", str(job)), cwd=ROOT, check=False,
                                   capture_output=True, text=True)
            found = re.search(r"^repaired (\d+) file\(s\)$", check.stdout, re.MULTILINE)
            result.cut += len(re.findall(r": repaired: cut \d+ bytes", check.stdout))
            result.repairs += int(found[1]) if found else 0
            if check.returncode != 0:
                result.check_failures.append(f"{name}, kill {landed}, after --repair: "
                                             + check.stdout.strip()[-800:])
            how = f"crawler check --repair: {found[1] if found else '?'} file(s)"
        log(f"  {name}: killed at {delay:.2f} s; {len(warcs)} closed WARC(s) "
            f"{'FAIL' if problem else 'ok'}; {how}")
    # the final resume, to the end
    result.before_final += sum(article_counts(job).values()) if job.exists() else 0
    result.runs += 1
    final = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    (logs / f"{name}-{result.runs}.log").write_text(final.stderr + final.stdout, "utf-8")
    result.auto_repairs += len(re.findall(r"Repaired .* left by an interrupted crawl",
                                          final.stderr))
    result.cut += len(re.findall(r"left by an interrupted crawl: cut \d+ bytes", final.stderr))
    if final.returncode != 0:
        result.run_failures.append(f"{name}: final run exit code {final.returncode}")
    check = subprocess.run(cli("check", str(job)), cwd=ROOT, capture_output=True, text=True,
                           check=False)
    if check.returncode != 0:
        result.check_failures.append(f"{name}: " + check.stdout.strip()[-800:])
    problem = warcio_check(closed_warcs(job))
    if problem:
        result.warc_failures.append(f"{name}, at the end: {problem}")
    counts = article_counts(job)
    result.articles += sum(counts.values())
    result.lost += [f"{name}: lost {p}" for p in MANIFEST["articles"] if p not in counts]
    result.duplicated += [f"{name}: {n} times {p}" for p, n in counts.items() if n > 1]
    log(f"  {name}: finished; {sum(counts.values())} articles, crawler check "
        f"{'clean' if check.returncode == 0 else 'FAILED'}")


def run(trials: int = 24, kills_per_job: int = 4, seed: int | None = None,
        max_delay: float = 9.0, out: Path | None = None,
        log: Callable[[str], None] = print) -> Result:
    seed = seed if seed is not None else int.from_bytes(os.urandom(4), "big")
    log(f"seed {seed}")
    rng = random.Random(seed)
    result = Result()
    with tempfile.TemporaryDirectory(prefix="crash-") as tmp, MockServer() as server:
        out = out or Path(tmp)
        while result.trials < trials:
            result.jobs += 1
            run_job(server, out, f"job{result.jobs}", min(kills_per_job, trials - result.trials),
                    rng, max_delay, result, log)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=24, help="kills in all (default 24)")
    parser.add_argument("--kills-per-job", type=int, default=4,
                        help="kills before a job is resumed to its end (default 4)")
    parser.add_argument("--seed", type=int, help="random seed (default: random, printed)")
    parser.add_argument("--max-delay", type=float, default=9.0,
                        help="kill within this many seconds of a run's start (default 9)")
    parser.add_argument("--out", type=Path, help="keep the jobs and logs in this folder")
    args = parser.parse_args(argv)
    started = time.monotonic()
    result = run(args.trials, args.kills_per_job, args.seed, args.max_delay, args.out)
    print(result.report())
    print(f"took {time.monotonic() - started:.0f} s")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
