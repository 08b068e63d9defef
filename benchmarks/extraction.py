"""Extraction benchmark: ours and the peers on every development set.

Run from the repository root::

    python -m benchmarks.extraction [--sets wcxb,scrapinghub,...]
        [--systems ours,trafilatura-default,...] [--limit N] [--jobs N]
        [--time-sample N] [--cache DIR] [--json FILE] [--adcorpus [MANIFEST]] [-v]

Part 1 extracts every page of the sets (:mod:`benchmarks.datasets`) with every
system (:mod:`benchmarks.systems`; a process pool of ``--jobs`` workers) and scores
each set with its authors' metric (:mod:`benchmarks.textmetrics`), Dragnet on text
plus comments; WCXB also per page type and by its snippets, and our article rule
by the pages it calls articles. Then the cost (:mod:`benchmarks.cost`): time per
page in one process over a sample, and each system's peak memory in a process of
its own. Part 2 (``--adcorpus``, :mod:`benchmarks.adcorpus`) counts, for the same
systems on the ad/boilerplate corpus ``tests/data/adcorpus/manifest.json``, the
``must_not_have`` snippets that leak into the extracted text and the ``must_have``
snippets that are missing (whitespace-normalised substring checks only).

Other code calls :func:`run` (optionally with its own :class:`System` objects),
or :func:`predict` and :func:`score` directly.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import multiprocessing
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.adcorpus import (
    DEFAULT_ADCORPUS,
    Page,
    load_adcorpus,
    print_adcorpus,
    run_adcorpus,
    snippet_checks,
)
from benchmarks.cost import as_sample, peak_rss_mb, spread_sample, time_systems
from benchmarks.datasets import DATASETS, WITH_COMMENTS, EvalPage, load_all
from benchmarks.extraction_report import print_report
from benchmarks.systems import Prediction, System, default_systems
from benchmarks.textmetrics import score_texts, snippet_misses

__all__ = ["Page", "Prediction", "System", "article_rule", "load_adcorpus", "main",
           "measure_cost", "predict", "print_adcorpus", "run", "run_adcorpus", "score",
           "snippet_checks"]

DEFAULT_TIME_SAMPLE = 150

# --------------------------------------------------------------------------- predict

_WORK: tuple[System, Sequence[EvalPage]] | None = None  # inherited by forked workers


def _predict_one(page: EvalPage, system: System) -> Prediction:
    return system.extract_page(page.html, page.url, page.dataset in WITH_COMMENTS)


def _predict_index(i: int) -> Prediction:
    assert _WORK is not None
    system, pages = _WORK
    return _predict_one(pages[i], system)


def _extract_all(system: System, pages: Sequence[EvalPage], jobs: int) -> list[Prediction]:
    """Predictions in page order; ``jobs`` > 1 forks a pool (any callable works)."""
    global _WORK
    if jobs <= 1 or len(pages) < 2:
        return [_predict_one(page, system) for page in pages]
    _WORK = (system, pages)
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_predict_index, range(len(pages)), chunksize=4))
    finally:
        _WORK = None


def _cache_file(cache: Path, system: System) -> Path:
    digest = hashlib.sha256((system.version or "").encode()).hexdigest()[:12]
    return cache / f"{system.slug}-{digest}.jsonl"


def _read_cache(path: Path) -> dict[str, Prediction]:
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return {row.pop("key"): Prediction(**row) for row in rows}


def _append_cache(path: Path, preds: Mapping[str, Prediction]) -> None:
    """Add error-free predictions (a failed page is tried again next time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        for key, pred in preds.items():
            if pred.error is None:
                f.write(json.dumps({"key": key, **asdict(pred)}, ensure_ascii=False) + "\n")


def predict(system: System, pages: Sequence[EvalPage], jobs: int = 1,
            cache: Path | None = None) -> dict[str, Prediction]:
    """``{page.key: prediction}`` of ``system`` on ``pages``. With ``cache``, pages
    already predicted by this system's ``version`` are read back, not extracted."""
    path = _cache_file(cache, system) if cache and system.version else None
    cached = _read_cache(path) if path else {}
    todo = [page for page in pages if page.key not in cached]
    fresh = dict(zip([p.key for p in todo], _extract_all(system, todo, jobs), strict=True))
    if path and fresh:
        _append_cache(path, fresh)
    return {page.key: cached.get(page.key) or fresh[page.key] for page in pages}


# --------------------------------------------------------------------------- score


def _texts(preds: Mapping[str, Prediction], pages: Sequence[EvalPage]) -> dict[str, str]:
    empty = Prediction()
    return {p.key: preds.get(p.key, empty).scored_text(p.dataset in WITH_COMMENTS)
            for p in pages}


def _score_pages(preds: Mapping[str, Prediction], pages: Sequence[EvalPage]) -> dict:
    """One set's (or one page type's) scores under the pages' metric."""
    scores = score_texts(pages[0].metric, _texts(preds, pages), {p.key: p.truth for p in pages})
    scores["errors"] = sum(1 for p in pages if p.key in preds and preds[p.key].error)
    return scores


def _snippets(preds: Mapping[str, Prediction], pages: Sequence[EvalPage]) -> dict:
    """``with`` snippets missed and ``without`` snippets leaked over ``pages``."""
    tally = {"pages": len(pages), "with": 0, "with_missed": 0, "without": 0,
             "without_leaked": 0}
    texts = _texts(preds, pages)
    for page in pages:
        missed, leaked = snippet_misses(texts[page.key], page.with_snippets,
                                        page.without_snippets)
        tally["with"] += len(page.with_snippets)
        tally["with_missed"] += len(missed)
        tally["without"] += len(page.without_snippets)
        tally["without_leaked"] += len(leaked)
    return tally


def _wcxb(preds: Mapping[str, Prediction], pages: Sequence[EvalPage]) -> dict:
    by_type: dict[str, list[EvalPage]] = defaultdict(list)
    for page in pages:
        by_type[page.page_type or "unknown"].append(page)
    articles = by_type.get("article", [])
    return {
        "types": {t: _score_pages(preds, ps) for t, ps in sorted(by_type.items())},
        "snippets": {"article": _snippets(preds, articles), "all": _snippets(preds, pages)},
    }


def article_rule(preds: Mapping[str, Prediction], pages: Sequence[EvalPage]) -> dict | None:
    """How well ``is_article`` tells articles (WCXB page type "article") from the rest,
    and its recall on the other sets whose pages are all articles; None when the
    system does not decide."""
    decided = [(p, preds[p.key].is_article) for p in pages
               if p.key in preds and preds[p.key].is_article is not None]
    if not decided:
        return None
    wcxb = [(p.page_type, called) for p, called in decided if p.dataset == "wcxb"]
    tp = sum(1 for t, called in wcxb if called and t == "article")
    fp = sum(1 for t, called in wcxb if called and t != "article")
    fn = sum(1 for t, called in wcxb if not called and t == "article")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    per_type: dict[str, dict[str, int]] = defaultdict(lambda: {"pages": 0, "called": 0})
    for t, called in wcxb:
        per_type[t or "unknown"]["pages"] += 1
        per_type[t or "unknown"]["called"] += bool(called)
    others: dict[str, list[bool]] = defaultdict(list)
    for page, called in decided:
        if page.dataset != "wcxb" and page.page_type == "article":
            others[page.dataset].append(bool(called))
    return {
        "wcxb": {"precision": precision, "recall": recall,
                 "f1": 2 * precision * recall / (precision + recall) if tp else 0.0,
                 "types": dict(sorted(per_type.items()))},
        "recall": {ds: sum(calls) / len(calls) for ds, calls in others.items()},
    }


def score(preds: Mapping[str, Prediction], pages: Sequence[EvalPage]) -> dict:
    """All figures of one system's predictions: per set, WCXB per page type and by
    snippets, the article rule, and the count of pages the system failed on."""
    by_set: dict[str, list[EvalPage]] = defaultdict(list)
    for page in pages:
        by_set[page.dataset].append(page)
    result: dict = {
        "sets": {ds: {"metric": ps[0].metric, **_score_pages(preds, ps)}
                 for ds, ps in by_set.items()},
        "errors": sum(1 for p in pages if p.key in preds and preds[p.key].error),
        "error_kinds": Counter(preds[p.key].error for p in pages
                               if p.key in preds and preds[p.key].error).most_common(5),
    }
    if "wcxb" in by_set:
        result["wcxb"] = _wcxb(preds, by_set["wcxb"])
    rule = article_rule(preds, pages)
    if rule is not None:
        result["article_rule"] = rule
    return result


# --------------------------------------------------------------------------- run


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure_cost(systems: Sequence[System], pages: Sequence[EvalPage]) -> dict:
    """Time per page (one process, interleaved) and peak RSS (a process per system)."""
    sample = as_sample(pages)
    _log(f"timing {len(systems)} systems on {len(sample)} pages")
    timing = time_systems(systems, sample)
    result: dict = {"pages": len(sample), "baseline_rss_mb": peak_rss_mb(None, sample),
                    "systems": {}}
    for system in systems:
        _log(f"memory probe: {system.name}")
        result["systems"][system.name] = {**timing.get(system.name, {}),
                                          "peak_rss_mb": peak_rss_mb(system, sample)}
    return result


def run(datasets: Sequence[str] = DATASETS, systems: Sequence[System] | None = None,
        limit: int | None = None, jobs: int = 2, time_sample: int | None = None,
        cache: Path | None = None) -> dict:
    """Score ``systems`` (default: ours and every peer) on ``datasets`` and measure
    their cost; ``time_sample`` pages are timed (None: all with one job, else
    :data:`DEFAULT_TIME_SAMPLE`; 0: no cost measured)."""
    systems = list(systems or default_systems())
    by_set = load_all(tuple(datasets), limit=limit)
    pages = [page for set_pages in by_set.values() for page in set_pages]
    report: dict = {"config": {"sets": {ds: len(ps) for ds, ps in by_set.items()},
                               "systems": [s.name for s in systems], "limit": limit,
                               "jobs": jobs},
                    "scores": {}}
    for system in systems:
        start = time.perf_counter()
        preds = predict(system, pages, jobs, cache)
        report["scores"][system.name] = score(preds, pages)
        _log(f"{system.name}: {len(pages)} pages in {time.perf_counter() - start:.0f} s, "
             f"{report['scores'][system.name]['errors']} failed")
    if time_sample is None:
        time_sample = len(pages) if jobs <= 1 else DEFAULT_TIME_SAMPLE
    if time_sample > 0:
        report["cost"] = measure_cost(systems, spread_sample(pages, time_sample))
    return report


# --------------------------------------------------------------------------- main


def _choose(names: str | None, known: Sequence[str], what: str) -> list[str]:
    if not names:
        return list(known)
    chosen = [n.strip() for n in names.split(",") if n.strip()]
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)}; known: {', '.join(known)}")
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    available = {s.slug: s for s in default_systems()}
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", help=f"comma-separated (default: all: {', '.join(DATASETS)})")
    parser.add_argument("--systems", help=f"comma-separated (default: all: {', '.join(available)})")
    parser.add_argument("--limit", type=int, help="about N pages per set (quick runs)")
    parser.add_argument("--jobs", type=int, default=2, help="processes scoring (default 2)")
    parser.add_argument("--time-sample", type=int, default=None, metavar="N",
                        help=f"pages timed (default: all with --jobs 1, else "
                             f"{DEFAULT_TIME_SAMPLE}; 0: no timing or memory)")
    parser.add_argument("--cache", type=Path, metavar="DIR",
                        help="keep predictions here and reuse them while a system is unchanged")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--adcorpus", nargs="?", const=str(DEFAULT_ADCORPUS), default=None,
                        metavar="MANIFEST",
                        help=f"also run the ad corpus (default manifest: {DEFAULT_ADCORPUS})")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list each ad-corpus page with leaked or missing snippets")
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # the peers' warnings about odd pages

    started = time.perf_counter()
    systems = [available[n] for n in _choose(args.systems, list(available), "systems")]
    datasets = _choose(args.sets, DATASETS, "sets")
    report = run(datasets, systems, args.limit, args.jobs, args.time_sample, args.cache)
    print_report(report)
    if args.adcorpus is not None:
        manifest = Path(args.adcorpus)
        if manifest.is_file():
            report["adcorpus"] = run_adcorpus(systems, manifest)
            print_adcorpus(report["adcorpus"], args.verbose)
        else:
            print(f"\nAd corpus: {manifest} not found; skipped.")
    report["elapsed_s"] = time.perf_counter() - started
    print(f"\nTook {report['elapsed_s']:.0f} s.")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
