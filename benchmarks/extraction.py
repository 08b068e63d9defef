"""Extraction benchmark: our extractor against plain trafilatura.

Run from the repository root::

    python -m benchmarks.extraction [--repeat N] [--json FILE] [--adcorpus [MANIFEST]]

or ``python benchmarks/extraction.py ...``.

Part 1 scores every system on the evaluation set (``shared/eval`` beside the
repository, or ``$CRAWLER_EVAL_DIR``) with the benchmark's metric
(:mod:`benchmarks.metric`) and times each page's extraction (``time.perf_counter``,
after one untimed warm-up pass; systems are interleaved page by page so that drift
of the machine hits them alike). Part 2 (``--adcorpus``) counts, on the ad/boilerplate
corpus ``tests/data/adcorpus/manifest.json``, the ``must_not_have`` snippets that leak
into the extracted text and the ``must_have`` snippets that are missing
(whitespace-normalised substring checks only).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura  # noqa: E402

from benchmarks.metric import evaluate, load_eval  # noqa: E402
from crawler.extraction import ExtractionOptions, extract  # noqa: E402
from crawler.extraction.blocks import BlockRules  # noqa: E402
from crawler.extraction.markup import MarkupRules  # noqa: E402
from crawler.extraction.site import extract_site  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ADCORPUS = REPO_ROOT / "tests" / "data" / "adcorpus" / "manifest.json"

# --------------------------------------------------------------------------- systems

PageExtractor = Callable[[bytes, str | None], str | None]


@dataclass
class Page:
    """One page to extract: raw bytes and its URL (``name`` identifies it in reports)."""

    name: str
    html: bytes
    url: str | None = None
    must_have: list[str] = field(default_factory=list)
    must_not_have: list[str] = field(default_factory=list)


@dataclass
class System:
    """An extractor under test. ``extract_page`` handles one page; ``extract_site``
    is given all pages of one site at once (default: ``extract_page`` on each), so a
    site-aware extractor can be plugged in later without touching the harness."""

    name: str
    extract_page: PageExtractor
    site_extractor: Callable[[Sequence[Page]], dict[str, str | None]] | None = None

    def extract_site(self, pages: Sequence[Page]) -> dict[str, str | None]:
        if self.site_extractor is not None:
            return self.site_extractor(pages)
        return {p.name: self.extract_page(p.html, p.url) for p in pages}


def _trafilatura_default(html: bytes, url: str | None) -> str | None:
    return trafilatura.extract(html, url=url)


def _trafilatura_precision(html: bytes, url: str | None) -> str | None:
    return trafilatura.extract(html, url=url, favor_precision=True, include_comments=False)


def _ours(html: bytes, url: str | None) -> str | None:
    return extract(html, url).text


def ours_with(options: ExtractionOptions, template: bool = True) -> tuple[PageExtractor, Callable]:
    """Our extractor with ``options``: per page, and per site with template learning
    (all pages of the site observed first, as at the end of a crawl)."""

    def page(html: bytes, url: str | None) -> str | None:
        return extract(html, url, options=options).text

    def site(pages: Sequence[Page]) -> dict[str, str | None]:
        if not template:
            return {p.name: page(p.html, p.url) for p in pages}
        results = extract_site([(p.html, p.url or "") for p in pages], options)
        return {p.name: ext.text for p, ext in zip(pages, results)}

    return page, site


def _trafilatura_same_fields(html: bytes, url: str | None) -> str | None:
    """trafilatura doing the job ours does: body text plus metadata, precision mode."""
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, favor_precision=True,
                                      include_comments=True)
    return doc.text if doc is not None else None


TRAFILATURA_DEFAULT = System("trafilatura default", _trafilatura_default)
TRAFILATURA_SAME_FIELDS = System("trafilatura, same fields (metadata, precision)",
                                 _trafilatura_same_fields)
TRAFILATURA_PRECISION = System(
    "trafilatura precision (favor_precision, no comments)", _trafilatura_precision
)
OURS = System("crawler (ours)", _ours, site_extractor=ours_with(ExtractionOptions())[1])


def ablations() -> list[System]:
    """Ours with one rule set switched (off, or on for those off by default):
    each rule set on by default must pay for itself."""
    base = ExtractionOptions()
    variants = {
        "all rules": (base, True),
        "+ easylist": (replace(base, markup=replace(base.markup, easylist=True)), True),
        "no adnet": (replace(base, markup=replace(base.markup, adnet=False)), True),
        "no hidden": (replace(base, markup=replace(base.markup, hidden=False)), True),
        "no label": (replace(base, blocks=replace(base.blocks, label=False)), True),
        "+ repeat": (replace(base, blocks=replace(base.blocks, repeat=True)), True),
        "no linklist": (replace(base, blocks=replace(base.blocks, linklist=False)), True),
        "no template": (base, False),
        "fast (no fallback)": (replace(base, fast=True), True),
        "balanced (no favor_precision)": (replace(base, favor_precision=False), True),
        "no rules at all": (replace(base, markup=MarkupRules(easylist=False, adnet=False, hidden=False),
                                    blocks=BlockRules(label=False, repeat=False, linklist=False)), False),
    }
    systems = []
    for name, (options, template) in variants.items():
        page, site = ours_with(options, template)
        systems.append(System(name, page, site_extractor=site))
    return systems

EVAL_SYSTEMS = [TRAFILATURA_DEFAULT, TRAFILATURA_PRECISION, TRAFILATURA_SAME_FIELDS, OURS]
ADCORPUS_SYSTEMS = [TRAFILATURA_DEFAULT, OURS]

# --------------------------------------------------------------------------- part 1


def _percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty sample."""
    data = sorted(values)
    if len(data) == 1:
        return data[0]
    pos = (len(data) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def run_eval(systems: Sequence[System], repeat: int = 1, eval_dir: str | None = None) -> dict:
    """Scores and per-page timings of each system on the evaluation set."""
    pages = load_eval(eval_dir)
    truths = {key: truth for key, _, _, truth in pages}
    # warm-up: imports, caches, lazily built regexes; not timed
    for _, html, url, _ in pages:
        for system in systems:
            system.extract_page(html, url)
    preds: dict[str, dict[str, str | None]] = {s.name: {} for s in systems}
    times: dict[str, list[float]] = {s.name: [] for s in systems}
    for key, html, url, _ in pages:
        for system in systems:
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                text = system.extract_page(html, url)
                best = min(best, time.perf_counter() - start)
            preds[system.name][key] = text or ""
            times[system.name].append(best * 1000)
    results = {}
    for system in systems:
        scores = evaluate(preds[system.name], truths)
        ms = times[system.name]
        scores["median_ms"] = statistics.median(ms)
        scores["p95_ms"] = _percentile(ms, 95)
        scores["total_s"] = sum(ms) / 1000
        results[system.name] = scores
    return {"pages": len(pages), "repeat": repeat, "systems": results}


def added_cost(results: dict, ours: str = OURS.name, base: str = TRAFILATURA_DEFAULT.name) -> dict:
    a, b = results["systems"][ours], results["systems"][base]
    return {
        "median_pct": (a["median_ms"] / b["median_ms"] - 1) * 100,
        "p95_pct": (a["p95_ms"] / b["p95_ms"] - 1) * 100,
    }


def print_eval(results: dict, out=sys.stdout) -> None:
    rows = results["systems"]
    width = max(len(name) for name in rows)
    print(f"Evaluation set: {results['pages']} pages "
          f"(timing: min of {results['repeat']} run(s) per page, after a warm-up pass)",
          file=out)
    header = (f"{'system':<{width}}  {'F1':>6}  {'prec':>6}  {'recall':>6}  {'acc':>6}"
              f"  {'med ms':>7}  {'p95 ms':>7}")
    print(header, file=out)
    print("-" * len(header), file=out)
    for name, r in rows.items():
        print(f"{name:<{width}}  {r['f1']:6.4f}  {r['precision']:6.4f}  {r['recall']:6.4f}"
              f"  {r['accuracy']:6.4f}  {r['median_ms']:7.2f}  {r['p95_ms']:7.2f}", file=out)
    if OURS.name in rows and TRAFILATURA_DEFAULT.name in rows:
        cost = added_cost(results)
        print(f"\nAdded time cost of ours vs trafilatura default (text only): "
              f"median {cost['median_pct']:+.1f}%, p95 {cost['p95_pct']:+.1f}%", file=out)
        if TRAFILATURA_SAME_FIELDS.name in rows:
            same = added_cost(results, base=TRAFILATURA_SAME_FIELDS.name)
            print(f"Added time cost of ours vs trafilatura with the same fields: "
                  f"median {same['median_pct']:+.1f}%, p95 {same['p95_pct']:+.1f}%", file=out)


# --------------------------------------------------------------------------- part 2


def normalise_ws(text: str | None) -> str:
    return " ".join((text or "").split())


def snippet_checks(text: str | None, page: Page) -> tuple[list[str], list[str]]:
    """(missing must_have snippets, leaked must_not_have snippets) of one extraction."""
    hay = normalise_ws(text)
    missing = [s for s in page.must_have if normalise_ws(s) not in hay]
    leaked = [s for s in page.must_not_have if normalise_ws(s) in hay]
    return missing, leaked


def _read_html(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _page_from_entry(entry: dict, base: Path) -> Page:
    rel = entry.get("file") or entry.get("path") or entry.get("html")
    if not rel:
        raise ValueError(f"adcorpus entry without a file: {entry!r}")
    path = (base / rel).resolve()
    return Page(
        name=str(entry.get("id") or entry.get("name") or rel),
        html=_read_html(path),
        url=entry.get("url"),
        must_have=_as_list(entry.get("must_have")),
        must_not_have=_as_list(entry.get("must_not_have")),
    )


def load_adcorpus(manifest: Path) -> dict[str, list[list[Page]]]:
    """``{"pages": [[page], ...], "site": [[page, page, ...], ...]}``: single pages
    each on their own, site pages grouped by site (a site is extracted as a whole)."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    base = manifest.parent
    singles = [[_page_from_entry(e, base)] for e in data.get("pages", [])]
    sites_raw = data.get("site") or data.get("sites") or []
    if isinstance(sites_raw, dict):
        sites_raw = [sites_raw]
    sites = [[_page_from_entry(e, base) for e in site.get("pages", [])] for site in sites_raw]
    return {"pages": singles, "site": [s for s in sites if s]}


def run_adcorpus(systems: Sequence[System], manifest: Path) -> dict:
    corpus = load_adcorpus(manifest)
    results: dict = {"manifest": str(manifest), "systems": {}}
    for system in systems:
        per_group = {}
        failures = []
        for group, units in corpus.items():
            tally = {"pages": 0, "must_have": 0, "missing": 0, "must_not_have": 0, "leaked": 0}
            for unit in units:
                texts = system.extract_site(unit) if group == "site" else {
                    p.name: system.extract_page(p.html, p.url) for p in unit}
                for page in unit:
                    missing, leaked = snippet_checks(texts.get(page.name), page)
                    tally["pages"] += 1
                    tally["must_have"] += len(page.must_have)
                    tally["missing"] += len(missing)
                    tally["must_not_have"] += len(page.must_not_have)
                    tally["leaked"] += len(leaked)
                    if missing or leaked:
                        failures.append({"group": group, "page": page.name,
                                         "missing": missing, "leaked": leaked})
            per_group[group] = tally
        total = {k: sum(g[k] for g in per_group.values())
                 for k in ("pages", "must_have", "missing", "must_not_have", "leaked")}
        results["systems"][system.name] = {"groups": per_group, "total": total,
                                           "failures": failures}
    return results


def print_adcorpus(results: dict, verbose: bool = False, out=sys.stdout) -> None:
    print(f"\nAd corpus: {results['manifest']}", file=out)
    rows = results["systems"]
    width = max(len(name) for name in rows)
    header = (f"{'system':<{width}}  {'group':<6}  {'pages':>5}  {'leaked':>13}"
              f"  {'missing':>13}")
    print(header, file=out)
    print("-" * len(header), file=out)
    for name, r in rows.items():
        for group, t in [*r["groups"].items(), ("total", r["total"])]:
            print(f"{name:<{width}}  {group:<6}  {t['pages']:5d}"
                  f"  {t['leaked']:5d} of {t['must_not_have']:4d}"
                  f"  {t['missing']:5d} of {t['must_have']:4d}", file=out)
        if verbose:
            for f in r["failures"]:
                print(f"    {f['group']}/{f['page']}: missing {f['missing']!r} "
                      f"leaked {f['leaked']!r}", file=out)


# --------------------------------------------------------------------------- main


def run_ablation(eval_dir: str | None, manifest: Path) -> dict:
    systems = ablations()
    results = run_eval(systems, repeat=1, eval_dir=eval_dir)
    ad = run_adcorpus(systems, manifest) if manifest.is_file() else None
    print("\nAblation (one rule set off at a time)")
    print(f"{'variant':<30}{'F1':>8}{'prec':>8}{'recall':>8}{'leaked':>9}{'missing':>9}")
    rows = {}
    for system in systems:
        scores = results["systems"][system.name]
        total = ad["systems"][system.name]["total"] if ad else {}
        rows[system.name] = {**{k: scores[k] for k in ("f1", "precision", "recall")},
                             "leaked": total.get("leaked"), "missing": total.get("missing")}
        print(f"{system.name:<30}{scores['f1']:>8.4f}{scores['precision']:>8.4f}"
              f"{scores['recall']:>8.4f}{total.get('leaked', '-'):>9}{total.get('missing', '-'):>9}")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1,
                        help="timed runs per page and system; the minimum is kept (default 1)")
    parser.add_argument("--eval-dir", default=None,
                        help="evaluation data (default: $CRAWLER_EVAL_DIR or ../shared/eval)")
    parser.add_argument("--adcorpus", nargs="?", const=str(DEFAULT_ADCORPUS), default=None,
                        metavar="MANIFEST",
                        help=f"also run the ad corpus (default manifest: {DEFAULT_ADCORPUS})")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list each ad-corpus page with leaked or missing snippets")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--ablation", action="store_true",
                        help="also run ours with each rule set off in turn")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logging.getLogger("htmldate").setLevel(logging.ERROR)

    report: dict = {}
    results = run_eval(EVAL_SYSTEMS, repeat=max(1, args.repeat), eval_dir=args.eval_dir)
    results["added_cost_vs_default"] = added_cost(results)
    report["eval"] = results
    print_eval(results)

    if args.adcorpus is not None:
        manifest = Path(args.adcorpus)
        if manifest.is_file():
            ad = run_adcorpus(ADCORPUS_SYSTEMS, manifest)
            report["adcorpus"] = ad
            print_adcorpus(ad, verbose=args.verbose)
        else:
            print(f"\nAd corpus: {manifest} not found; skipped.")
            report["adcorpus"] = None

    if args.ablation:
        report["ablation"] = run_ablation(args.eval_dir, Path(args.adcorpus or DEFAULT_ADCORPUS))

    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
