"""Quality gate for article extraction, in the manner of trafilatura's own evaluation
gate: our extractor's scores on the development sets (``../shared`` beside the
repository, see ``benchmarks/datasets.py``) must not drop below pinned floors.

- the 91 scrapinghub pages (``shared/eval``): shingle F1 and precision, and every
  page an article;
- a fixed sample of WCXB's article pages (every fourth): word F1, and the number
  of boilerplate snippets (``without``) that leak into the text.

The floors sit about 0.005 below what the extractor measured when they were
pinned (see the figures beside each). Raise them when the extractor improves;
never lower them to make a change pass. Missing evaluation data is a failure,
not a skip. The full comparison with other extractors is
``python -m benchmarks.extraction``.
"""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.datasets import load
from benchmarks.metric import eval_dir, evaluate, page_scores, shingles
from benchmarks.textmetrics import score_texts, snippet_misses
from crawler.extraction import extract

EXPECTED_PAGES = 91


# --------------------------------------------------------------------------- metric


def test_shingles_are_token_4grams_with_case_kept():
    assert shingles("The cat, the CAT sat.") == Counter({
        ("The", "cat", "the", "CAT"): 1,
        ("cat", "the", "CAT", "sat"): 1,
    })


def test_short_text_gives_one_short_shingle_and_empty_gives_none():
    assert shingles("Hello, world!") == Counter({("Hello", "world"): 1})
    assert shingles("one") == Counter({("one",): 1})
    assert shingles("") == Counter()
    assert shingles(None) == Counter()
    assert shingles(" -- ... ") == Counter()


def test_page_scores_multiset_overlap():
    truth = "a b c d e f"      # abcd bcde cdef
    pred = "x a b c d e"       # xabc abcd bcde
    assert page_scores(pred, truth) == (2, 1, 1)
    # repeated shingles count as many times as they occur
    assert page_scores("a b c d a b c d", "a b c d") == (1, 4, 0)
    assert page_scores("a b c d", "a b c d a b c d") == (1, 0, 4)
    assert page_scores(None, "a b c d") == (0, 0, 1)
    assert page_scores("a b c d", "") == (0, 1, 0)


def test_evaluate_averages_precision_and_recall_then_takes_f1():
    truths = {"p1": "a b c d e f", "p2": "a b c d e", "p3": "w x y z"}
    preds = {"p1": "x a b c d e",   # tp 2 fp 1 fn 1: P 2/3, R 2/3
             "p2": "a b c d e",     # exact: P 1, R 1
             "p3": None}            # empty: lowers recall only (R 0)
    result = evaluate(preds, truths)
    precision = (2 / 3 + 1) / 2
    recall = (2 / 3 + 1 + 0) / 3
    assert result["precision"] == pytest.approx(precision)
    assert result["recall"] == pytest.approx(recall)
    assert result["f1"] == pytest.approx(2 * precision * recall / (precision + recall))
    assert result["f1"] == pytest.approx(2 / 3)   # P 5/6, R 5/9: 2PR/(P+R) = 2/3
    assert result["accuracy"] == pytest.approx(1 / 3)
    assert result["n"] == 3


def test_accuracy_compares_token_lists_not_strings():
    assert evaluate({"p": "Hello,  world!\n"}, {"p": "Hello world"})["accuracy"] == 1.0
    assert evaluate({"p": "hello world"}, {"p": "Hello world"})["accuracy"] == 0.0


# --------------------------------------------------------------------------- gate

#: Measured when pinned: F1 0.9807, precision 0.9734, 90 of 91 pages articles
#: (the 91st, a paywall teaser, is flagged so), with the models refitted on the
#: pages as read since the hidden-copy rule. The floors pinned before (0.979,
#: 0.975) were those of the earlier models reading these pages the new way: the
#: refit scores 0.003 / 0.007 lower here, on pages it was trained on, and 0.969
#: against 0.962 on them left out (tools/train_extraction.py).
FLOOR_F1 = 0.976
FLOOR_P = 0.968
FLOOR_ARTICLES = 0.98
#: Measured when pinned: word F1 0.9675 on 198 pages, 19 leaks (these pages are
#: in the models' training data: the held-out figures are the training script's).
WCXB_FLOOR_F1 = 0.962
WCXB_MAX_LEAKS = 22
WCXB_SAMPLE = 4


def _load(dataset: str):
    missing = None
    try:
        pages = load(dataset)
    except FileNotFoundError as exc:
        missing = str(exc)
    if missing is not None:  # fail outside the except block: no chained traceback
        pytest.fail(f"extraction gate cannot run: {missing}", pytrace=False)
    return pages


def test_extraction_quality_gate():
    pages = _load("scrapinghub")
    assert len(pages) == EXPECTED_PAGES, (
        f"expected {EXPECTED_PAGES} evaluation pages in {eval_dir()}, found {len(pages)}")
    results = {p.id: extract(p.html, p.url) for p in pages}
    result = evaluate({k: r.text for k, r in results.items()}, {p.id: p.truth for p in pages})
    articles = sum(1 for r in results.values() if r.is_article) / len(pages)
    summary = (f"F1 {result['f1']:.4f} (floor {FLOOR_F1}), precision {result['precision']:.4f} "
               f"(floor {FLOOR_P}), recall {result['recall']:.4f}, "
               f"articles {articles:.3f} (floor {FLOOR_ARTICLES})")
    assert result["f1"] >= FLOOR_F1, f"extraction F1 fell below the floor: {summary}"
    assert result["precision"] >= FLOOR_P, f"extraction precision fell below the floor: {summary}"
    assert articles >= FLOOR_ARTICLES, f"real articles were called no article: {summary}"


def test_wcxb_article_sample_gate():
    sample = [p for p in _load("wcxb") if p.page_type == "article" and p.truth][::WCXB_SAMPLE]
    preds = {p.key: extract(p.html, p.url).text for p in sample}
    result = score_texts("word", preds, {p.key: p.truth for p in sample})
    leaks = sum(len(snippet_misses(preds[p.key], (), p.without_snippets)[1]) for p in sample)
    summary = (f"word F1 {result['f1']:.4f} (floor {WCXB_FLOOR_F1}) on {len(sample)} pages, "
               f"{leaks} boilerplate snippets leaked (at most {WCXB_MAX_LEAKS})")
    assert result["f1"] >= WCXB_FLOOR_F1, f"WCXB word F1 fell below the floor: {summary}"
    assert leaks <= WCXB_MAX_LEAKS, f"more boilerplate leaks than pinned: {summary}"
