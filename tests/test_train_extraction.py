"""The training script's folds (tools/train_extraction.py): what each
held-out figure is measured on."""

from __future__ import annotations

import numpy as np

from tools.train_extraction import FOLDS, PageRows, _fold_of


def _row(key: str, site: str) -> PageRows:
    empty = np.zeros((0, 1), dtype=np.float32)
    return PageRows(key, "set", site, "truth", [], empty, np.zeros(0), np.zeros(0), None, None,
                    "article", np.zeros(1), None, None, set(), [])


def test_pages_of_one_site_share_a_fold_and_every_fold_is_used():
    rows = [_row(f"set/{i}", f"site{i % 7}.example") for i in range(70)]
    fold_of = _fold_of(rows)
    for site in {r.site for r in rows}:
        assert len({fold_of[r.key] for r in rows if r.site == site}) == 1
    assert set(fold_of.values()) == set(range(FOLDS))


def test_a_set_without_urls_spreads_its_pages_over_the_folds():
    rows = [_row(f"set/{i}", "") for i in range(20)]
    fold_of = _fold_of(rows)
    assert sorted(fold_of.values()).count(0) == 20 // FOLDS
    assert set(fold_of.values()) == set(range(FOLDS))
