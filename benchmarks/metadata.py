"""Metadata benchmark: title, authors and published date of article pages, ours
beside trafilatura's own metadata, htmldate and newspaper4k, in the same run.

Run from the repository root::

    python -m benchmarks.metadata [--limit N] [--jobs N] [--systems S,...] [--json FILE]

**Pages.** The WCXB development set's pages of type ``article`` (793;
:mod:`benchmarks.datasets`, under ``../shared`` or ``$CRAWLER_SHARED_DIR``), scored
against their ``ground_truth`` ``title``, ``author`` and ``publish_date``. Any of
the three may be null: a field is scored only on the pages whose truth has it,
and the table says how many. A system that gives nothing, or fails, on such a
page scores 0 there. ``--limit N`` keeps about N pages (every n-th). ``--half look|check`` keeps the
pages of one half of the sites (a CRC-32 of the host): rules are written while
looking at the ``look`` half's failures only, and a gain must hold on ``check``.

**Metrics**, each the mean over the pages scored:

- *title*: exact match after normalisation (whitespace runs made one space, the
  ends stripped, case folded), and word F1 (the bag of ``\\w+`` tokens of the
  lower-cased titles, as WCXB scores texts: :func:`benchmarks.textmetrics.page_prf`);
- *author*: set F1 over names. Both the truth and the prediction (a string, or a
  list of strings for newspaper4k) are case-folded with whitespace runs made one
  space, then split into names at ``,`` ``;`` ``|`` ``&`` and at the word
  ``and`` between spaces; a leading ``by`` (``by `` or ``by:``) is stripped from
  each name, the names' ends are stripped and empty names dropped. F1 is
  2 |P ∩ T| / (|P| + |T|); no name predicted scores 0. Nothing else is cleaned,
  on either side: "Jane Doe, MD" is two names (``jane doe``, ``md``), "Dr. Allen"
  and "Dr Allen" differ, a role or an e-mail address is a name. A truth that
  leaves no name is not scored;
- *published date*: the truth and the prediction are read as a day: the ISO
  ``YYYY-MM-DD`` at the start of a string, or a ``date``/``datetime`` as given
  (its own day, no time-zone conversion). Exact day, and within one day
  (|difference| <= 1 day). A prediction with no readable day is wrong. A truth
  that gives only a month (``2015-11``; 2 pages) is not scored.

**Systems** (``--systems``, comma-separated; default all):

- ``ours``: :func:`crawler.articles.page_to_article` on a
  :class:`crawler.items.Page` (status 200, the bytes, no content type, the truth's
  URL as the page URL as ``crawler extract --url`` passes it, fetched at the run's
  start), with the extraction options of the shipped settings; the record's
  ``title``, ``author`` and ``date``. Taken whether or not the page is called an
  article (the table counts those it would not write);
- ``trafilatura``: ``trafilatura.extract_metadata(load_html(bytes),
  default_url=url)`` (what ``extract_metadata`` does with bytes), the metadata
  ``bare_extraction(with_metadata=True)`` gives (htmldate with ``original_date``
  and extensive search);
- ``htmldate-fast`` / ``htmldate-extensive``: ``htmldate.find_date(bytes,
  url=url, original_date=True, extensive_search=False / True)``: dates only, the
  publication date rather than the last modification (htmldate's default);
- ``newspaper4k`` (the ``bench`` extra): ``Article(url)``, ``download(input_html=
  text)``, ``parse()`` with image fetching, memoisation and meta refresh off;
  ``title``, ``authors``, ``publish_date``. Left out, and said so, when not installed.

**Time.** Each page is handled by every system in turn in one worker process
(the order rotating from page to page), each call timed with
``time.perf_counter``; median and 95th percentile in ms over all pages. A warm-up
call of each system on the first page runs before the pool forks. ours' call is
its whole extraction (text and metadata); the part of it spent reading metadata
(our readers, :data:`benchmarks.metadata_systems.OUR_READERS`, and trafilatura's
``extract_metadata`` inside ``bare_extraction``, whose values ours falls back
on) is timed too, by wrapping those functions, and printed beside trafilatura's:
that part reads a tree already parsed, while trafilatura's time includes
parsing the page.
newspaper4k's ``parse()`` likewise extracts its text too. With ``--jobs`` > 1 the
workers share the machine's cores, and each system's times include that.

**Network.** Every socket connection is refused in the benchmark's processes
(counted and printed); none of the systems needs one.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import socket
import statistics
import sys
import time
import warnings
import zlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.cost import percentile, spread_sample
from benchmarks.datasets import EvalPage, load
from benchmarks.fieldmetrics import METRICS, as_day, score_page
from benchmarks.metadata_systems import (
    FIELDS,
    GIVES,
    SYSTEMS,
    Meta,
    available_systems,
    ours_metadata_seconds,
    ours_metadata_timed,
)

__all__ = ["FIELDS", "SYSTEMS", "article_pages", "format_report", "main", "predict", "run",
           "score"]


# --------------------------------------------------------------------------- run

_REFUSED: list[str] = []


def refuse_network() -> None:
    """Make every socket connection in this process (and its forks) fail, counted."""
    def refuse(*args: Any, **kwargs: Any) -> Any:
        _REFUSED.append(repr(args[:2])[:80])
        raise OSError("network access refused by the benchmark")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse
    socket.getaddrinfo = refuse


def _call(name: str, html: bytes, url: str) -> dict:
    """One system on one page: its fields, its time, and its error if any."""
    before = ours_metadata_seconds()
    start = time.perf_counter()
    try:
        meta, error = SYSTEMS[name](html, url), None
    except Exception as exc:  # a system's failure is a result, not a crash
        meta, error = Meta(), f"{type(exc).__name__}: {exc}"[:200]
    out: dict[str, Any] = {"ms": (time.perf_counter() - start) * 1000, "error": error,
                           "title": meta.title, "author": meta.author,
                           "published": meta.published}
    if name == "ours":
        out["metadata_ms"] = (ours_metadata_seconds() - before) * 1000
        out["is_article"] = meta.is_article
    return out


_WORK: tuple[Sequence[str], Sequence[EvalPage]] | None = None  # inherited by forked workers


def _page(i: int) -> dict:
    assert _WORK is not None
    systems, pages = _WORK
    page = pages[i]
    url = page.url or ""
    refused = len(_REFUSED)
    order = [systems[(i + j) % len(systems)] for j in range(len(systems))]
    results = {name: _call(name, page.html, url) for name in order}
    return {"id": page.id, "url": page.url,
            "truth": {"title": page.title, "author": page.author, "published": page.published},
            "systems": {name: results[name] for name in systems},
            "refused": _REFUSED[refused:]}


#: The two halves of the pages, by site (``--half``): rules are written while
#: looking at ``look`` only and reported on ``check`` too, so that a gain that
#: holds only on the pages looked at shows.
HALVES = ("look", "check")


def half_of(url: str | None) -> str:
    """The half a page's site falls in: a hash of its host, stable across runs."""
    host = (urlsplit(url or "").hostname or "").removeprefix("www.")
    return HALVES[zlib.crc32(host.encode()) % 2]


def article_pages(limit: int | None = None, base: Path | None = None,
                  half: str | None = None) -> list[EvalPage]:
    """The WCXB dev pages of type article (about ``limit`` of them, every n-th),
    of one half (:data:`HALVES`) or both."""
    pages = [p for p in load("wcxb", base) if p.page_type == "article"
             and (half is None or half_of(p.url) == half)]
    return spread_sample(pages, limit) if limit else pages


def predict(systems: Sequence[str], pages: Sequence[EvalPage], jobs: int = 1) -> list[dict]:
    """Every system on every page, in page order (see the module's docstring)."""
    global _WORK
    _WORK = (list(systems), pages)
    try:
        with ours_metadata_timed():
            if pages:  # warm-up: imports, lazily built tables, the classifier's model
                for name in systems:
                    _call(name, pages[0].html, pages[0].url or "")
            if jobs <= 1 or len(pages) < 2:
                return [_page(i) for i in range(len(pages))]
            with ProcessPoolExecutor(jobs,
                                     mp_context=multiprocessing.get_context("fork")) as pool:
                return list(pool.map(_page, range(len(pages)), chunksize=4))
    finally:
        _WORK = None


def score(results: Sequence[dict], systems: Sequence[str]) -> dict:
    """Per system: each metric's mean and pages scored, failures, time per page."""
    out: dict = {}
    for name in systems:
        values: dict[str, list[float]] = {m: [] for m in METRICS}
        for page in results:
            pred = page["systems"][name]
            pred["scores"] = score_page(page["truth"], pred, GIVES[name])
            for metric, value in pred["scores"].items():
                if value is not None:
                    values[metric].append(value)
        preds = [page["systems"][name] for page in results]
        ms = [p["ms"] for p in preds]
        row: dict[str, Any] = {
            m: {"mean": statistics.fmean(v) if v else None, "pages": len(v)}
            for m, v in values.items()}
        row["failed"] = sum(1 for p in preds if p["error"])
        row["errors"] = sorted({p["error"] for p in preds if p["error"]})[:5]
        row["ms"] = _spread(ms)
        if name == "ours":
            row["metadata_ms"] = _spread([p["metadata_ms"] for p in preds])
            row["not_articles"] = sum(1 for p in preds if p.get("is_article") is False)
        out[name] = row
    return out


def _spread(ms: Sequence[float]) -> dict[str, float | None]:
    if not ms:
        return {"median": None, "p95": None}
    return {"median": statistics.median(ms), "p95": percentile(ms, 95)}


def run(systems: Sequence[str] | None = None, limit: int | None = None, jobs: int = 2,
        base: Path | None = None, half: str | None = None) -> dict:
    """Score ``systems`` (default: every one that runs here) on the WCXB dev articles."""
    runnable, missing = available_systems()
    systems = [s for s in (systems or runnable) if s not in missing]
    started, load = datetime.now(UTC), round(os.getloadavg()[0], 2)
    pages = article_pages(limit, base, half)
    results = predict(systems, pages, jobs)
    by_half = {}
    if half is None:
        for name in HALVES:
            part = [r for r in results if half_of(r["url"]) == name]
            by_half[name] = {"pages": len(part), "scores": score(part, systems)}
    truths = {f: sum(1 for p in pages if getattr(p, f)) for f in FIELDS}
    return {"config": {"started": started.strftime("%Y-%m-%d %H:%M UTC"), "pages": len(pages),
                       "cpus": os.cpu_count(), "load_at_start": load,
                       "load_at_end": round(os.getloadavg()[0], 2),
                       "limit": limit, "half": half, "jobs": jobs, "systems": list(systems),
                       "missing": missing,
                       "truth": {**truths, "published_day": sum(
                           1 for p in pages if as_day(p.published) is not None)}},
            "scores": score(results, systems),
            "halves": by_half,
            "refused": [r for page in results for r in page["refused"]],
            "pages": results}


# --------------------------------------------------------------------------- report


def _cell(entry: dict, width: int = 7) -> str:
    mean = entry["mean"]
    return f"{'-':>{width}}" if mean is None else f"{mean:>{width}.3f}"


def format_report(report: dict) -> str:
    """The table and the comparisons under it."""
    cfg, scores = report["config"], report["scores"]
    truth = cfg["truth"]
    month_only = truth["published"] - truth["published_day"]
    limit = f" (--limit {cfg['limit']})" if cfg["limit"] else ""
    lines = [
        f"{cfg['started']}, {cfg['cpus']} CPUs, load average {cfg['load_at_start']} at start, "
        f"{cfg['load_at_end']} at end",
        f"WCXB dev, article pages: {cfg['pages']}{limit}, --jobs {cfg['jobs']}",
        f"truth given: title {truth['title']}, author {truth['author']}, published day "
        f"{truth['published_day']}" + (f" (+{month_only} month only, not scored)"
                                       if month_only else ""),
        "",
        f"{'system':<19} {'title':>7} {'word':>7} {'pages':>5}  {'author':>7} {'pages':>5}"
        f"  {'day':>7} {'±1 day':>7} {'pages':>5}  {'failed':>6}  {'ms med':>7} {'p95':>7}",
        f"{'':<19} {'exact':>7} {'F1':>7} {'':>5}  {'F1':>7} {'':>5}"
        f"  {'exact':>7} {'':>7} {'':>5}  {'':>6}  {'':>7} {'':>7}",
    ]
    for name, row in scores.items():
        ms = row["ms"]
        pages = [row[m]["pages"] if row[m]["mean"] is not None else "-"
                 for m in ("title_exact", "author_f1", "day_exact")]
        lines.append(
            f"{name:<19} {_cell(row['title_exact'])} {_cell(row['title_f1'])} {pages[0]:>5}"
            f"  {_cell(row['author_f1'])} {pages[1]:>5}"
            f"  {_cell(row['day_exact'])} {_cell(row['day_within_1'])} {pages[2]:>5}"
            f"  {row['failed']:>6}  {_ms(ms['median'])} {_ms(ms['p95'])}")
    for name, why in cfg["missing"].items():
        lines.append(f"{name:<19} left out: {why}")
    for name, part in report.get("halves", {}).items():
        lines.append("")
        lines.append(f"half {name!r} of the sites ({part['pages']} pages):")
        for system, row in part["scores"].items():
            lines.append(
                f"{system:<19} {_cell(row['title_exact'])} {_cell(row['title_f1'])} {'':>5}"
                f"  {_cell(row['author_f1'])} {'':>5}"
                f"  {_cell(row['day_exact'])} {_cell(row['day_within_1'])}")
    lines.append("")
    lines += _comparisons(scores)
    for name, row in scores.items():
        for error in row["errors"]:
            lines.append(f"{name} failed: {error}")
    lines.append(f"network connections refused: {len(report['refused'])}"
                 + (f" {report['refused'][:3]}" if report["refused"] else ""))
    return "\n".join(line.rstrip() for line in lines)


def _ms(value: float | None) -> str:
    return f"{'-':>7}" if value is None else f"{value:>7.1f}"


def _comparisons(scores: dict) -> list[str]:
    lines = []
    ours, peers = scores.get("ours"), {k: v for k, v in scores.items() if k != "ours"}
    if ours is not None:
        meta, whole = ours["metadata_ms"], ours["ms"]
        lines.append(f"ours' metadata step (our readers + trafilatura's extract_metadata inside "
                     f"its extraction): median {meta['median']:.1f} ms, p95 {meta['p95']:.1f} ms;"
                     f" its whole extraction {whole['median']:.1f} / {whole['p95']:.1f} ms")
        traf = scores.get("trafilatura")
        if traf is not None and traf["ms"]["median"]:
            lines.append(f"ms per page, ours / trafilatura extract_metadata (median): metadata "
                         f"step {meta['median'] / traf['ms']['median']:.2f}, whole extraction "
                         f"{whole['median'] / traf['ms']['median']:.2f}")
        lines.append(f"ours would write no record for {ours['not_articles']} of these pages "
                     f"(not called an article); their fields are scored all the same")
    for metric, label in (("title_exact", "title exact"), ("title_f1", "title word F1"),
                          ("author_f1", "author F1"), ("day_exact", "day exact"),
                          ("day_within_1", "within 1 day")):
        ranked = [(row[metric]["mean"], name) for name, row in peers.items()
                  if row[metric]["mean"] is not None]
        if not ranked:
            continue
        best, best_name = max(ranked)
        line = f"{label}: best peer {best_name} {best:.3f}"
        if ours is not None and ours[metric]["mean"] is not None:
            line += f"; ours {ours[metric]['mean']:.3f} ({ours[metric]['mean'] - best:+.3f})"
        lines.append(line)
    return lines


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", help=f"comma-separated (default: all: {', '.join(SYSTEMS)})")
    parser.add_argument("--limit", type=int, help="about N pages (every n-th; quick runs)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--half", choices=HALVES,
                        help="only the pages of one half of the sites (see half_of)")
    parser.add_argument("--json", metavar="FILE",
                        help="also write the figures and every page's results as JSON")
    args = parser.parse_args(argv)
    systems = None
    if args.systems:
        systems = [s.strip() for s in args.systems.split(",") if s.strip()]
        unknown = sorted(set(systems) - set(SYSTEMS))
        if unknown:
            parser.error(f"unknown systems: {', '.join(unknown)}; known: {', '.join(SYSTEMS)}")
    logging.disable(logging.CRITICAL)  # the systems' warnings about odd pages
    warnings.simplefilter("ignore")
    refuse_network()
    start = time.perf_counter()
    report = run(systems, args.limit, args.jobs, half=args.half)
    report["elapsed_s"] = time.perf_counter() - start
    print(format_report(report))
    print(f"\nTook {report['elapsed_s']:.0f} s.")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False,
                                              default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
