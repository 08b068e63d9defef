"""Text-similarity metrics of the development sets, pure functions.

- ``word`` (WCXB): the page's text lower-cased, tokens ``re.findall(r"\\w+", ...)``
  counted as a bag (multiset); precision, recall and F1 per page, then the mean
  of each over the pages.
- ``bow`` (WCEB): the same over whitespace tokens (``text.split()``) with case kept,
  as the bag-of-words F1 of the WCEB paper's evaluation code counts them.
- ``shingle`` (Scrapinghub): :func:`benchmarks.metric.evaluate`, whose F1 is
  2PR/(P+R) of the mean precision and mean recall (not a mean of per-page F1).

Per page, for ``word`` and ``bow``: a prediction without tokens scores 0 when the
truth has tokens; a truth without tokens scores 1 for a prediction without tokens
and 0 otherwise. A page whose truth is None (a few WCXB pages give only snippets)
is skipped and counted as such.

Snippets (WCXB ``with``/``without``): case-insensitive substring checks on text
whose whitespace runs are collapsed to single spaces.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from benchmarks.metric import evaluate

_WORD_RE = re.compile(r"\w+")

Tokenizer = Callable[[str], list[str]]


def word_tokens(text: str) -> list[str]:
    """WCXB's tokens: ``\\w+`` runs of the lower-cased text."""
    return _WORD_RE.findall(text.lower())


def bow_tokens(text: str) -> list[str]:
    """WCEB's bag-of-words tokens: whitespace-separated, case kept."""
    return text.split()


TOKENIZERS: dict[str, Tokenizer] = {"word": word_tokens, "bow": bow_tokens}
METRIC_NAMES = ("shingle", *TOKENIZERS)


def page_prf(pred: str | None, truth: str, tokens: Tokenizer) -> tuple[float, float, float]:
    """(precision, recall, F1) of one page by multiset overlap of ``tokens``."""
    p, t = Counter(tokens(pred or "")), Counter(tokens(truth))
    if not t:
        return (0.0, 0.0, 0.0) if p else (1.0, 1.0, 1.0)
    if not p:
        return 0.0, 0.0, 0.0
    overlap = sum((p & t).values())
    precision, recall = overlap / sum(p.values()), overlap / sum(t.values())
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def mean_prf(preds: Mapping[str, str | None], truths: Mapping[str, str | None],
             tokens: Tokenizer) -> dict:
    """Mean per-page precision, recall and F1 over the keys of ``truths``; a None
    truth is skipped (``skipped``), a missing prediction counts as empty."""
    scores = [page_prf(preds.get(key), truth, tokens)
              for key, truth in truths.items() if truth is not None]
    return {
        "f1": _mean([f for _, _, f in scores]),
        "precision": _mean([p for p, _, _ in scores]),
        "recall": _mean([r for _, r, _ in scores]),
        "scored": len(scores),
        "skipped": len(truths) - len(scores),
    }


def score_texts(metric: str, preds: Mapping[str, str | None],
                truths: Mapping[str, str | None]) -> dict:
    """``f1``, ``precision``, ``recall``, ``scored``, ``skipped`` of one set under
    ``metric`` (one of :data:`METRIC_NAMES`)."""
    if metric in TOKENIZERS:
        return mean_prf(preds, truths, TOKENIZERS[metric])
    if metric != "shingle":
        raise ValueError(f"unknown metric {metric!r}; known: {', '.join(METRIC_NAMES)}")
    kept = {key: truth for key, truth in truths.items() if truth is not None}
    result = evaluate(preds, kept)
    return {"f1": result["f1"], "precision": result["precision"], "recall": result["recall"],
            "scored": len(kept), "skipped": len(truths) - len(kept)}


def normalise(text: str | None) -> str:
    """Lower-cased, whitespace runs collapsed to one space, ends stripped."""
    return " ".join((text or "").lower().split())


def snippet_misses(text: str | None, with_snippets: Iterable[str],
                   without_snippets: Iterable[str]) -> tuple[list[str], list[str]]:
    """(``with`` snippets missing from ``text``, ``without`` snippets found in it)."""
    hay = normalise(text)
    missed = [s for s in with_snippets if normalise(s) not in hay]
    leaked = [s for s in without_snippets if normalise(s) in hay]
    return missed, leaked
