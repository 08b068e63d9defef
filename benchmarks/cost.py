"""What each system costs: time per page and peak memory.

Time: one process, one untimed warm-up pass over the sample, then the sample
page by page with every system in turn (the order rotating from page to page, so
that drift of the machine hits all alike), each call timed with
``time.perf_counter``; median and 95th percentile in ms.

Memory: per system, a fresh interpreter (``python -m benchmarks.cost FILE``) that
unpickles the system and the sample, extracts every page and reports its peak
resident set size. A probe with no system gives the baseline (interpreter plus
sample) that every figure includes. On Linux the peak is ``VmHWM`` of
``/proc/self/status``, not ``ru_maxrss``: a process started by exec inherits the
``ru_maxrss`` of the process that launched it (here the benchmark, holding every
page), while ``VmHWM`` counts its own memory only; elsewhere ``ru_maxrss``.
"""

from __future__ import annotations

import json
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.datasets import WITH_COMMENTS, EvalPage
from benchmarks.systems import REPO_ROOT, System

Sample = list[tuple[bytes, "str | None", bool]]
PROBE_TIMEOUT_SECONDS = 1800


def spread_sample(pages: Sequence[EvalPage], n: int) -> list[EvalPage]:
    """``n`` pages taken at even steps through ``pages`` (all of them when fewer)."""
    if n >= len(pages):
        return list(pages)
    step = len(pages) / n
    return [pages[int(i * step)] for i in range(n)]


def as_sample(pages: Sequence[EvalPage]) -> Sample:
    return [(p.html, p.url, p.dataset in WITH_COMMENTS) for p in pages]


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty sample."""
    data = sorted(values)
    pos = (len(data) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def time_systems(systems: Sequence[System], sample: Sample) -> dict[str, dict]:
    """``{name: {median_ms, p95_ms, mean_ms, pages}}`` over ``sample``."""
    for html, url, comments in sample:  # warm-up: imports, caches, lazily built regexes
        for system in systems:
            system.extract_page(html, url, comments)
    times: dict[str, list[float]] = {s.name: [] for s in systems}
    for i, (html, url, comments) in enumerate(sample):
        for j in range(len(systems)):
            system = systems[(i + j) % len(systems)]
            start = time.perf_counter()
            system.extract_page(html, url, comments)
            times[system.name].append((time.perf_counter() - start) * 1000)
    return {name: {"median_ms": statistics.median(ms), "p95_ms": percentile(ms, 95),
                   "mean_ms": statistics.fmean(ms), "pages": len(ms)}
            for name, ms in times.items() if ms}


def peak_rss_mb(system: System | None, sample: Sample) -> float | None:
    """Peak RSS (MB) of a fresh process extracting ``sample`` with ``system``
    (None: the baseline); None when the system cannot be pickled or the probe fails."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "probe.pickle"
        try:
            path.write_bytes(pickle.dumps((system, sample)))
        except (pickle.PicklingError, AttributeError, TypeError):
            return None
        proc = subprocess.run([sys.executable, "-m", "benchmarks.cost", str(path)],
                              cwd=REPO_ROOT, capture_output=True, text=True,
                              timeout=PROBE_TIMEOUT_SECONDS)
    if proc.returncode != 0:
        print(f"memory probe failed: {proc.stderr[-500:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])["peak_rss_mb"]


def _probe(path: str) -> None:
    """The probe process: extract the pickled sample, print the peak RSS as JSON."""
    import logging

    logging.disable(logging.CRITICAL)
    system, sample = pickle.loads(Path(path).read_bytes())
    if system is not None:
        for html, url, comments in sample:
            system.extract_page(html, url, comments)
    print(json.dumps({"peak_rss_mb": _peak_rss_kb() / 1024}))


def _peak_rss_kb() -> int:
    """This process's own peak RSS in KiB (see the module's docstring)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    _probe(sys.argv[1])
