"""crawler.extraction.model: tree ensembles and linear models read from JSON,
applied with numpy."""

from __future__ import annotations

import json

import numpy as np
import pytest

from crawler.extraction.classify import (
    BLOCK_MODEL,
    PAGE_MIXED_MODEL,
    PAGE_MODEL,
    PAGE_WORDS_MODEL,
)
from crawler.extraction.features import BLOCK_FEATURES, PAGE_FEATURES
from crawler.extraction.model import (
    FORMAT,
    LINEAR_FORMAT,
    LinearModel,
    TreeEnsemble,
    binned_tokens,
    linear_to_dict,
    quantile_edges,
    shipped,
    shipped_linear,
    to_dict,
)

#: One tree: x0 <= 0.5 -> leaf -1.0; else x1 <= 2 (NaN right) -> +1.0 / +3.0.
TINY = {
    "format": FORMAT, "features": ["a", "b"], "baseline": 0.25, "threshold": 0.5,
    "roots": [0], "depth": 3,
    "nodes": {"feature": [0, 0, 1, 0, 0], "threshold": [0.5, 0, 2.0, 0, 0],
              "left": [1, 0, 3, 0, 0], "right": [2, 0, 4, 0, 0],
              "missing_left": [True, False, False, False, False],
              "leaf": [False, True, False, True, True],
              "value": [0, -1.0, 0, 1.0, 3.0]},
}


def _sigmoid(x: float) -> float:
    return 1 / (1 + np.exp(-x))


def test_a_hand_written_tree_is_walked_left_at_or_below_the_threshold():
    model = TreeEnsemble.from_dict(TINY)
    probs = model.probabilities([[0.5, 9.0], [0.6, 2.0], [0.6, 2.5], [0.6, float("nan")],
                                 [float("nan"), 0.0]])
    assert probs == pytest.approx([_sigmoid(0.25 - 1), _sigmoid(1.25), _sigmoid(3.25),
                                   _sigmoid(3.25), _sigmoid(0.25 - 1)])
    assert list(model.predict([[0.0, 0.0], [1.0, 0.0]])) == [False, True]


def test_a_model_for_other_features_is_refused():
    with pytest.raises(ValueError, match="other features"):
        TreeEnsemble.from_dict(TINY, expected=("a", "c"))
    with pytest.raises(ValueError, match="not a"):
        TreeEnsemble.from_dict({**TINY, "format": "something-else"})


def test_rows_of_the_wrong_width_are_refused():
    with pytest.raises(ValueError, match="features"):
        TreeEnsemble.from_dict(TINY).probabilities([[1.0, 2.0, 3.0]])


def test_export_from_scikit_learn_gives_the_same_probabilities():
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.random((600, 4))
    x[::9, 2] = np.nan
    y = ((x[:, 0] + np.nan_to_num(x[:, 2]) > 0.9) ^ (x[:, 1] > 0.8)).astype(int)
    clf = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=8, random_state=0).fit(x, y)
    data = json.loads(json.dumps(to_dict(clf, ["f0", "f1", "f2", "f3"], threshold=0.4)))
    model = TreeEnsemble.from_dict(data)
    test = rng.random((200, 4))
    test[::7, 2] = np.nan
    assert model.probabilities(test) == pytest.approx(clf.predict_proba(test)[:, 1], abs=1e-5)
    assert model.threshold == 0.4


@pytest.mark.parametrize(("name", "features"), [(BLOCK_MODEL, BLOCK_FEATURES),
                                                (PAGE_MODEL, PAGE_FEATURES)])
def test_the_shipped_models_match_the_features_the_code_builds(name, features):
    model = shipped(name, tuple(features))
    assert model.features == tuple(features)
    assert len(model.roots) >= 10 and 0 < model.threshold < 1


def test_a_linear_model_adds_the_weights_of_the_tokens_present_once():
    model = LinearModel.from_dict({"format": LINEAR_FORMAT, "bias": -0.5,
                                   "weights": {"u:news": 2.0, "w:cart": -3.0}})
    assert model.probability([]) == pytest.approx(_sigmoid(-0.5))
    assert model.probability(["u:news", "u:news", "w:unknown"]) == pytest.approx(_sigmoid(1.5))
    assert model.probability({"u:news", "w:cart"}) == pytest.approx(_sigmoid(-1.5))
    with pytest.raises(ValueError, match="not a"):
        LinearModel.from_dict({"format": FORMAT, "bias": 0, "weights": {}})


def test_export_of_a_logistic_regression_gives_the_same_probabilities():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    vocabulary = [f"w:t{i}" for i in range(12)]
    x = (rng.random((300, 12)) < 0.3).astype(float)
    y = ((x[:, 0] + x[:, 3] - x[:, 7]) > 0.5).astype(int)
    clf = LogisticRegression(C=1.0).fit(x, y)
    model = LinearModel.from_dict(json.loads(json.dumps(linear_to_dict(clf, vocabulary,
                                                                       min_weight=0.0))))
    for row, expected in zip(x[:40], clf.predict_proba(x[:40])[:, 1], strict=True):
        tokens = [name for name, on in zip(vocabulary, row, strict=True) if on]
        assert model.probability(tokens) == pytest.approx(expected, abs=1e-4)


def test_the_shipped_page_words_model_knows_url_title_and_text_words():
    model = shipped_linear(PAGE_WORDS_MODEL)
    prefixes = {token.split(":", 1)[0] for token in model.weights}
    assert {"u", "t", "w"} <= prefixes
    assert len(model.weights) >= 100


def test_a_vector_is_binned_by_quantiles_a_value_on_an_edge_going_up():
    matrix = np.asarray([[float(i), 1.0] for i in range(8)] + [[np.nan, 1.0]], dtype=np.float32)
    bins = quantile_edges(matrix, ["n", "same"], 4)
    # the missing value counts as -1; a column of one value has one edge
    assert bins[0][0] == "n" and bins[1] == ("same", (1.0,))
    assert bins[0][1] == tuple(np.quantile([-1.0, *range(8)], [0.25, 0.5, 0.75]))  # 1, 3, 5
    assert binned_tokens([-5.0, 0.5], bins) == ["#n=0", "#same=0"]
    assert binned_tokens([1.0, 1.0], bins) == ["#n=1", "#same=1"]  # on an edge: the bin above
    assert binned_tokens([4.0, 2.0], bins) == ["#n=2", "#same=1"]
    assert binned_tokens([99.0, np.nan], bins) == ["#n=3", "#same=0"]


def test_a_value_binned_in_a_crawl_lands_where_its_float32_training_row_did():
    # the training rows are float32; the extractor's vector holds float64
    value = 0.1
    bins = quantile_edges(np.asarray([[value], [value], [value], [0.5]], dtype=np.float32),
                          ["share"], 2)
    trained = binned_tokens(np.asarray([value], dtype=np.float32), bins)
    assert binned_tokens([value], bins) == trained


def test_a_linear_model_with_bins_reads_the_vector_as_tokens():
    data = {"format": LINEAR_FORMAT, "bias": -1.0, "weights": {"w:news": 1.0, "#n=1": 2.0},
            "bins": [["n", [10.0]], ["m", [0.5, 0.7]]]}
    model = LinearModel.from_dict(data, ("n", "m"))
    assert model.probability({"w:news"}, [20.0, 0.0]) == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert model.probability({"w:news"}, [5.0, 0.0]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="reads a vector too"):
        model.probability({"w:news"})
    with pytest.raises(ValueError, match="not of the expected features"):
        LinearModel.from_dict(data, ("n", "other"))


def test_export_of_a_regression_over_tokens_and_bins_gives_the_same_probabilities():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(2)
    matrix = rng.random((200, 2)).astype(np.float32)
    bins = quantile_edges(matrix, ["a", "b"], 4)
    tokens = [set(binned_tokens(row, bins)) for row in matrix]
    vocabulary = sorted({t for ts in tokens for t in ts})
    x = np.asarray([[t in ts for t in vocabulary] for ts in tokens], dtype=float)
    y = (matrix[:, 0] + 0.2 * rng.random(200) > 0.6).astype(int)
    clf = LogisticRegression(C=1.0).fit(x, y)
    data = json.loads(json.dumps(linear_to_dict(clf, vocabulary, min_weight=0.0, bins=bins)))
    model = LinearModel.from_dict(data, ("a", "b"))
    for row, expected in zip(matrix[:30], clf.predict_proba(x[:30])[:, 1], strict=True):
        assert model.probability((), [float(v) for v in row]) == pytest.approx(expected,
                                                                                abs=1e-4)


def test_the_shipped_mixed_model_bins_the_page_vector_and_knows_words():
    model = shipped_linear(PAGE_MIXED_MODEL, tuple(PAGE_FEATURES))
    assert [name for name, _ in model.bins] == list(PAGE_FEATURES)
    prefixes = {token.split(":", 1)[0] for token in model.weights if not token.startswith("#")}
    assert {"u", "t", "w"} <= prefixes
    assert {token.split("=")[0][1:] for token in model.weights if token.startswith("#")} \
        & {"log_main_chars", "page_link_density"}, "no bin of the page's shape weighs"
