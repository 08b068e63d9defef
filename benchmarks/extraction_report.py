"""The plain-text tables of :mod:`benchmarks.extraction`, from its report dict."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

METRIC_NOTES = {
    "shingle": "shingle F1 = 2PR/(P+R) of the mean P and mean R",
    "word": "word F1 (\\w+, lower-cased), mean of per-page figures",
    "bow": "bag-of-words F1 (whitespace tokens, case kept), mean of per-page figures",
}


def table(header: Sequence[str], rows: Sequence[Sequence[object]], out: TextIO) -> None:
    """Rows under a header, first column left-aligned, the others right-aligned."""
    cells = [[str(c) for c in header], *[[_cell(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        line = "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        print(line.rstrip(), file=out)
        if n == 0:
            print("-" * len(line), file=out)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def print_sets(scores: dict, out: TextIO) -> None:
    """Table 1: each set's F1, P and R per system."""
    first = next(iter(scores.values()))
    for ds, figures in first["sets"].items():
        skipped = f"; {figures['skipped']} pages without truth skipped" \
            if figures["skipped"] else ""
        print(f"\n{ds}: {METRIC_NOTES[figures['metric']]}{skipped}", file=out)
        rows = [[name, s["sets"][ds]["f1"], s["sets"][ds]["precision"],
                 s["sets"][ds]["recall"], s["sets"][ds]["scored"], s["sets"][ds]["errors"]]
                for name, s in scores.items()]
        table(["system", "F1", "P", "R", "pages", "failed"], rows, out)


def print_wcxb_types(scores: dict, out: TextIO) -> None:
    """Table 2: WCXB word F1 per page type, then articles only and all pages."""
    types = list(next(iter(scores.values()))["wcxb"]["types"])
    print("\nWCXB word F1 per page type (pages scored in the first row)", file=out)
    counts = next(iter(scores.values()))["wcxb"]["types"]
    rows = [["pages", *[counts[t]["scored"] for t in types]]]
    rows += [[name, *[s["wcxb"]["types"][t]["f1"] for t in types]] for name, s in scores.items()]
    table(["system", *types], rows, out)
    print("\nWCXB articles only and all pages (word F1, P, R)", file=out)
    rows = []
    for name, s in scores.items():
        art, every = s["wcxb"]["types"].get("article", {}), s["sets"]["wcxb"]
        rows.append([name, art.get("f1"), art.get("precision"), art.get("recall"),
                     every["f1"], every["precision"], every["recall"]])
    table(["system", "art F1", "art P", "art R", "all F1", "all P", "all R"], rows, out)


def print_snippets(scores: dict, out: TextIO) -> None:
    """Table 3: WCXB ``without`` snippets leaked and ``with`` snippets missed."""
    print("\nWCXB snippets (case-insensitive, whitespace-normalised substrings)", file=out)
    rows = []
    for name, s in scores.items():
        row = [name]
        for group in ("article", "all"):
            t = s["wcxb"]["snippets"][group]
            row += [f"{t['without_leaked']} of {t['without']}",
                    f"{t['with_missed']} of {t['with']}"]
        rows.append(row)
    table(["system", "art: leaked", "art: missed", "all: leaked", "all: missed"], rows, out)


def print_article_rule(scores: dict, out: TextIO) -> None:
    """Table 4: the article rule of each system that has one."""
    for name, s in scores.items():
        rule = s.get("article_rule")
        if not rule:
            continue
        w = rule["wcxb"]
        print(f"\nArticle rule of {name}: on WCXB (positive: page type article) "
              f"P {w['precision']:.3f}, R {w['recall']:.3f}, F1 {w['f1']:.3f}", file=out)
        rows = [[t, c["pages"], c["called"], c["called"] / c["pages"]]
                for t, c in w["types"].items()]
        table(["page type", "pages", "called article", "share"], rows, out)
        recalls = ", ".join(f"{ds} {r:.3f}" for ds, r in rule["recall"].items())
        print(f"Recall on sets of articles only: {recalls or '-'}", file=out)


def print_failures(scores: dict, out: TextIO) -> None:
    """Pages each system raised on (scored as empty), with the commonest errors."""
    print("\nPages a system failed on (scored as empty)", file=out)
    for name, s in scores.items():
        print(f"  {name}: {s['errors']}", file=out)
        for message, count in s["error_kinds"]:
            print(f"      {count} x {message}", file=out)


def print_cost(cost: dict, out: TextIO) -> None:
    """Table 5: time per page and peak memory per system."""
    print(f"\nCost: {cost['pages']} pages timed in one process (systems interleaved, "
          f"after a warm-up pass); peak RSS of a process running one system over them "
          f"(baseline without a system: {_cell(cost['baseline_rss_mb'])} MB)", file=out)
    rows = [[name, c.get("median_ms"), c.get("p95_ms"), c.get("mean_ms"), c["peak_rss_mb"]]
            for name, c in cost["systems"].items()]
    table(["system", "median ms", "p95 ms", "mean ms", "peak RSS MB"], rows, out)


def print_report(report: dict, out: TextIO = sys.stdout) -> None:
    """Every table whose figures the report holds."""
    scores = report["scores"]
    sets = ", ".join(f"{ds} {n}" for ds, n in report["config"]["sets"].items())
    print(f"Pages: {sets}", file=out)
    print_sets(scores, out)
    if "wcxb" in next(iter(scores.values())):
        print_wcxb_types(scores, out)
        print_snippets(scores, out)
    print_article_rule(scores, out)
    print_failures(scores, out)
    if "cost" in report:
        print_cost(report["cost"], out)
