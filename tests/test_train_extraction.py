"""The training script (tools/train_extraction.py): its folds, what each
held-out figure is measured on, and its check of a refit on the demo site."""

from __future__ import annotations

import numpy as np

from crawler.extraction.classify import article_probability, page_model
from tools.train_extraction import (
    FOLDS,
    PageRows,
    _fold_of,
    choose_threshold,
    demo_check,
    precision_at_recall,
    set_splits,
)


def _row(key: str, site: str, dataset: str = "set", page_type: str = "article") -> PageRows:
    return PageRows(key=key, dataset=dataset, site=site, truth="truth", segments=[],
                    vectors=np.zeros((0, 1), dtype=np.float32), labels=np.zeros(0),
                    weights=np.zeros(0), title=None, comments=None, page_type=page_type,
                    page_vector=np.zeros(1), doc_text=None, language=None, page_tokens=set(),
                    votes=[])


def test_pages_of_one_site_share_a_fold_and_every_fold_is_used():
    rows = [_row(f"set/{i}", f"site{i % 7}.example") for i in range(70)]
    fold_of = _fold_of(rows)
    for site in {r.site for r in rows}:
        assert len({fold_of[r.key] for r in rows if r.site == site}) == 1
    assert set(fold_of.values()) == set(range(FOLDS))


def test_a_shuffled_assignment_keeps_sites_together_and_moves_them():
    rows = [_row(f"set/{i}", f"site{i % 20}.example") for i in range(100)]
    sorted_folds, shuffled = _fold_of(rows), _fold_of(rows, shuffle=1)
    for site in {r.site for r in rows}:
        assert len({shuffled[r.key] for r in rows if r.site == site}) == 1
    assert set(shuffled.values()) == set(range(FOLDS))
    assert shuffled != sorted_folds
    assert shuffled == _fold_of(rows, shuffle=1)  # the same seed, the same folds
    splits = list(set_splits(rows, "set", shuffle=1))
    assert [{r.key for r in test} for _, test in splits] == [
        {k for k, f in shuffled.items() if f == fold} for fold in range(FOLDS)]


def test_precision_is_read_at_the_threshold_that_keeps_the_recall():
    articles = [_row(f"wcxb/a{i}", "", "wcxb") for i in range(100)]
    others = [_row(f"wcxb/o{i}", "", "wcxb", "service") for i in range(10)]
    probs = {r.key: 0.1 + 0.009 * i for i, r in enumerate(articles)}  # 0.1 ... 0.991
    probs.update({r.key: 0.155 + 0.1 * i for i, r in enumerate(others)})  # 0.155 ... 1.055
    # keeping 98 of 100 articles: the threshold is the third lowest article, 0.118;
    # every other page scores above it
    assert choose_threshold(articles + others, probs, 0.98) < 0.118 + 1e-9
    assert precision_at_recall(articles + others, probs, 0.98) == 98 / 108
    # keeping 50: threshold 0.55, above which 6 of the others score (0.555 and up)
    assert precision_at_recall(articles + others, probs, 0.50) == 50 / 56


def test_a_set_without_urls_spreads_its_pages_over_the_folds():
    rows = [_row(f"set/{i}", "") for i in range(20)]
    fold_of = _fold_of(rows)
    assert sorted(fold_of.values()).count(0) == 20 // FOLDS
    assert set(fold_of.values()) == set(range(FOLDS))


def test_each_fold_of_a_set_is_tested_once_on_a_model_of_everything_else():
    rows = ([_row(f"set/{i}", f"site{i % 7}.example") for i in range(35)]
            + [_row(f"other/{i}", f"o{i}.example", "other") for i in range(10)])
    splits = list(set_splits(rows, "set"))
    assert len(splits) == FOLDS
    tested = [r.key for _, test in splits for r in test]
    assert sorted(tested) == sorted(r.key for r in rows if r.dataset == "set")
    for train, test in splits:
        assert not {r.key for r in train} & {r.key for r in test}
        assert {r.key for r in rows} == {r.key for r in train} | {r.key for r in test}
        assert all(r.dataset == "set" for r in test)


class _Shipped:
    """The shipped article rule, behind the fitted classifier's interface."""

    def probabilities(self, rows):
        return np.asarray([article_probability(r.page_vector, r.page_tokens) for r in rows])


class _Always:
    def probabilities(self, rows):
        return np.full(len(rows), 0.9)


def test_the_shipped_article_rule_gets_every_demo_page_right():
    summary, wrong = demo_check(_Shipped(), page_model().threshold)
    assert wrong == [], wrong
    assert summary.startswith("demo site: 24/24 articles called articles")
    assert ", 0/5 other pages" in summary


def test_a_refit_that_calls_the_front_pages_articles_is_caught():
    _, wrong = demo_check(_Always(), page_model().threshold)
    assert len(wrong) == 5 and any(w.startswith("/ (no article)") for w in wrong), wrong
