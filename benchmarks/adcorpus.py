"""The ad/boilerplate corpus (``tests/data/adcorpus/manifest.json``): per system,
the ``must_not_have`` snippets that leak into the extracted text and the
``must_have`` snippets that are missing (whitespace-normalised, case-sensitive
substring checks). Site pages are extracted a site at a time, so that a system
with a site extractor (ours: template learning) can use it.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from benchmarks.extraction_report import table
from benchmarks.systems import REPO_ROOT, System

DEFAULT_ADCORPUS = REPO_ROOT / "tests" / "data" / "adcorpus" / "manifest.json"


@dataclass
class Page:
    """One ad-corpus page: raw bytes and its URL (``name`` identifies it in reports)."""

    name: str
    html: bytes
    url: str | None = None
    must_have: list[str] = field(default_factory=list)
    must_not_have: list[str] = field(default_factory=list)


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
    return Page(
        name=str(entry.get("id") or entry.get("name") or rel),
        html=_read_html((base / rel).resolve()),
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


def _adcorpus_tally(system: System, group: str, units: list[list[Page]],
                    failures: list[dict]) -> dict[str, int]:
    tally = {"pages": 0, "must_have": 0, "missing": 0, "must_not_have": 0, "leaked": 0}
    for unit in units:
        pairs = [(p.html, p.url) for p in unit]
        preds = (system.extract_site(pairs) if group == "site"
                 else [system.extract_page(html, url) for html, url in pairs])
        for page, pred in zip(unit, preds, strict=True):
            missing, leaked = snippet_checks(pred.text, page)
            tally["pages"] += 1
            tally["must_have"] += len(page.must_have)
            tally["missing"] += len(missing)
            tally["must_not_have"] += len(page.must_not_have)
            tally["leaked"] += len(leaked)
            if missing or leaked:
                failures.append({"group": group, "page": page.name,
                                 "missing": missing, "leaked": leaked})
    return tally


def run_adcorpus(systems: Sequence[System], manifest: Path) -> dict:
    """Leaked and missing snippets of each system, per group and in total."""
    corpus = load_adcorpus(manifest)
    results: dict = {"manifest": str(manifest), "systems": {}}
    for system in systems:
        failures: list[dict] = []
        groups = {g: _adcorpus_tally(system, g, units, failures) for g, units in corpus.items()}
        total = {k: sum(g[k] for g in groups.values()) for k in next(iter(groups.values()))}
        results["systems"][system.name] = {"groups": groups, "total": total,
                                           "failures": failures}
    return results


def print_adcorpus(results: dict, verbose: bool = False, out: TextIO = sys.stdout) -> None:
    """Leaked and missing snippets of the ad corpus, per system and group."""
    print(f"\nAd corpus: {results['manifest']}", file=out)
    rows = []
    for name, r in results["systems"].items():
        for group, t in [*r["groups"].items(), ("total", r["total"])]:
            rows.append([name, group, t["pages"], f"{t['leaked']} of {t['must_not_have']}",
                         f"{t['missing']} of {t['must_have']}"])
    table(["system", "group", "pages", "leaked", "missing"], rows, out)
    if verbose:
        for name, r in results["systems"].items():
            for f in r["failures"]:
                print(f"    {name}: {f['group']}/{f['page']}: missing {f['missing']!r} "
                      f"leaked {f['leaked']!r}", file=out)
