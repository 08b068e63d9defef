"""The development evaluation sets, one loader for all of them.

Every set beside the repository under ``../shared`` (or ``$CRAWLER_SHARED_DIR``)
is read into :class:`EvalPage` objects that carry the page's bytes, its truth and
the metric its authors use:

- ``scrapinghub``: ``shared/eval`` (91 news pages; shingle F1, :mod:`benchmarks.metric`),
  every page an article;
- ``wcxb``: ``shared/eval-wcxb`` (1,497 pages, 7 page types; word F1 over
  ``\\w+`` of the lower-cased text, with ``with``/``without`` snippets);
- ``wceb-cleanportaleval``, ``wceb-dragnet``, ``wceb-readability``:
  ``shared/eval-wceb/<name>`` (bag-of-words F1 over whitespace tokens; Dragnet's
  truth includes the readers' comments).

This module owns the sets' layouts; nothing else opens their files.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.metric import EVAL_ENV_VAR, eval_dir

SHARED_ENV_VAR = "CRAWLER_SHARED_DIR"
REPO_ROOT = Path(__file__).resolve().parents[1]

#: Dataset name -> metric name (see :mod:`benchmarks.textmetrics`).
METRICS = {
    "scrapinghub": "shingle",
    "wcxb": "word",
    "wceb-cleanportaleval": "bow",
    "wceb-dragnet": "bow",
    "wceb-readability": "bow",
}
DATASETS = tuple(METRICS)
WCEB_SETS = ("cleanportaleval", "dragnet", "readability")
#: Sets whose truth holds the readers' comments: score text plus comments there.
WITH_COMMENTS = frozenset({"wceb-dragnet"})


@dataclass
class EvalPage:
    dataset: str
    id: str
    html: bytes
    url: str | None
    #: The true main text; None where the set gives none (a few WCXB pages).
    truth: str | None
    #: WCXB's page type; "article" for the news sets; None where unknown.
    page_type: str | None = None
    with_snippets: list[str] = field(default_factory=list)
    without_snippets: list[str] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    published: str | None = None

    @property
    def key(self) -> str:
        return f"{self.dataset}/{self.id}"

    @property
    def metric(self) -> str:
        return METRICS[self.dataset]


def shared_dir() -> Path:
    return Path(os.environ.get(SHARED_ENV_VAR) or REPO_ROOT.parent / "shared")


def _gunzip(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _scrapinghub(root: Path) -> Iterator[EvalPage]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        entry = truth[key]
        yield EvalPage("scrapinghub", key, _gunzip(root / "html" / f"{key}.html.gz"),
                       entry.get("url"), entry.get("articleBody") or "", "article")


def _wcxb(root: Path) -> Iterator[EvalPage]:
    for path in sorted((root / "ground-truth").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        gt = data.get("ground_truth") or {}
        internal = data.get("_internal") or {}
        page_type = (internal.get("page_type") or {}).get("primary")
        fid = data.get("file_id") or path.stem
        yield EvalPage(
            "wcxb", fid, _gunzip(root / "html" / f"{fid}.html.gz"), data.get("url"),
            gt.get("main_content") or None, page_type,
            list(gt.get("with") or []), list(gt.get("without") or []),
            gt.get("title"), gt.get("author"), gt.get("publish_date"))


def _wceb(root: Path, name: str) -> Iterator[EvalPage]:
    with open(root / "ground-truth.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    page_type = None if name == "cleanportaleval" else "article"
    for row in sorted(rows, key=lambda r: r["page_id"]):
        pid = row["page_id"]
        yield EvalPage(f"wceb-{name}", pid, _gunzip(root / "html" / f"{pid}.html.gz"),
                       row.get("url"), row.get("plaintext") or "", page_type)


def load(dataset: str, base: Path | None = None) -> list[EvalPage]:
    """All pages of one set; FileNotFoundError when the set is not there."""
    base = base or shared_dir()
    if dataset == "scrapinghub":
        pages = _scrapinghub(eval_dir() if os.environ.get(EVAL_ENV_VAR) else base / "eval")
    elif dataset == "wcxb":
        pages = _wcxb(base / "eval-wcxb")
    elif dataset.startswith("wceb-") and dataset[5:] in WCEB_SETS:
        pages = _wceb(base / "eval-wceb" / dataset[5:], dataset[5:])
    else:
        raise ValueError(f"unknown dataset {dataset!r}; known: {', '.join(DATASETS)}")
    return list(pages)


def load_all(datasets: tuple[str, ...] = DATASETS, base: Path | None = None,
             limit: int | None = None) -> dict[str, list[EvalPage]]:
    """``{dataset: pages}``; ``limit`` keeps every n-th page so that each set
    keeps about ``limit`` pages (quick runs)."""
    out = {}
    for name in datasets:
        pages = load(name, base)
        if limit and len(pages) > limit:
            step = len(pages) / limit
            pages = [pages[int(i * step)] for i in range(limit)]
        out[name] = pages
    return out
