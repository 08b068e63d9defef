"""The article-extraction benchmark metric (Scrapinghub's article-extraction-benchmark),
exactly as ``shared/eval/README.md`` defines it, and where that set lives (its pages
are read by :mod:`benchmarks.datasets`).

- tokens: matches of ``\\w+``, case kept;
- shingles: token 4-grams (a multiset); a text of 1-3 tokens gives one short shingle,
  an empty text none;
- per page: tp = |pred & truth|, fp = |pred - truth|, fn = |truth - pred| (multisets);
- precision: mean of tp/(tp+fp) over pages with a non-empty prediction;
  recall: mean of tp/(tp+fn) over pages with a non-empty truth;
  F1 = 2PR/(P+R) of those two means (not the mean of per-page F1);
- accuracy: share of pages whose token lists are identical.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

NGRAM_N = 4
_TOKEN_RE = re.compile(r"\w+", re.UNICODE)

EVAL_ENV_VAR = "CRAWLER_EVAL_DIR"


def tokenize(text: str | None) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = NGRAM_N) -> Counter:
    """Multiset of token n-grams; 1 to n-1 tokens give one short shingle."""
    tokens = tokenize(text)
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def page_scores(pred: str | None, truth: str | None) -> tuple[int, int, int]:
    """(tp, fp, fn) of one page, by multiset overlap of shingles."""
    p, t = shingles(pred), shingles(truth)
    tp = sum((p & t).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    return tp, fp, fn


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def scores_from_counts(counts: list[tuple[int, int, int]]) -> tuple[float, float, float]:
    """(f1, precision, recall) from per-page (tp, fp, fn)."""
    precision = _mean([tp / (tp + fp) for tp, fp, _ in counts if tp + fp > 0])
    recall = _mean([tp / (tp + fn) for tp, _, fn in counts if tp + fn > 0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def evaluate(preds: Mapping[str, str | None], truths: Mapping[str, str]) -> dict:
    """Score predictions against the truth over the ids of ``truths``
    (a missing or None prediction counts as empty)."""
    counts = []
    exact = 0
    for key, truth in truths.items():
        pred = preds.get(key) or ""
        counts.append(page_scores(pred, truth))
        exact += tokenize(pred) == tokenize(truth)
    f1, precision, recall = scores_from_counts(counts)
    n = len(truths)
    return {
        "f1": f1,
        "precision": precision,
        "recall": recall,
        "accuracy": exact / n if n else 0.0,
        "n": n,
    }


def eval_dir(directory: str | os.PathLike | None = None) -> Path:
    """The evaluation data: the argument, else ``$CRAWLER_EVAL_DIR``, else
    ``shared/eval`` beside the repository."""
    if directory is not None:
        return Path(directory)
    env = os.environ.get(EVAL_ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "eval"
