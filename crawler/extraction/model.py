"""The extraction's models, read from JSON and applied with numpy: a
gradient-boosted tree ensemble (:class:`TreeEnsemble`) and a linear model over
tokens (:class:`LinearModel`), which may also read a vector's features cut into
bins (:func:`binned_tokens`).

The models are trained by ``tools/train_extraction.py`` (scikit-learn's
``HistGradientBoostingClassifier`` and ``LogisticRegression``) and shipped as small JSON files in
``crawler/extraction/data/``; scikit-learn is needed to train, not to extract.
A tree model file names the features it was trained on, and loading it against
a different feature list fails loudly.

Pure: numpy only.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

FORMAT = "crawler-gbdt-1"


@dataclass(frozen=True)
class TreeEnsemble:
    """Binary classifier: ``sigmoid(baseline + sum of the trees' leaf values)``.

    All trees' nodes live in flat arrays; ``roots`` are the trees' first nodes.
    A row goes left at a node when its feature is ``<= threshold`` (a missing
    value, NaN, goes where ``missing_left`` says).
    """

    features: tuple[str, ...]
    baseline: float
    threshold: float
    roots: np.ndarray
    feature: np.ndarray
    split: np.ndarray
    left: np.ndarray
    right: np.ndarray
    missing_left: np.ndarray
    leaf: np.ndarray
    value: np.ndarray
    depth: int

    @classmethod
    def from_dict(cls, data: dict, expected: Sequence[str] | None = None) -> TreeEnsemble:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model: format {data.get('format')!r}")
        features = tuple(data["features"])
        if expected is not None and tuple(expected) != features:
            raise ValueError("model was trained on other features than the code builds: "
                             "retrain it (tools/train_extraction.py)")
        nodes = data["nodes"]
        return cls(
            features=features,
            baseline=float(data["baseline"]),
            threshold=float(data.get("threshold", 0.5)),
            roots=np.asarray(data["roots"], dtype=np.int64),
            feature=np.asarray(nodes["feature"], dtype=np.int64),
            split=np.asarray(nodes["threshold"], dtype=np.float64),
            left=np.asarray(nodes["left"], dtype=np.int64),
            right=np.asarray(nodes["right"], dtype=np.int64),
            missing_left=np.asarray(nodes["missing_left"], dtype=bool),
            leaf=np.asarray(nodes["leaf"], dtype=bool),
            value=np.asarray(nodes["value"], dtype=np.float64),
            depth=int(data["depth"]),
        )

    def probabilities(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        """P(positive) of each row."""
        x = np.asarray(rows, dtype=np.float64)
        if x.ndim != 2 or x.shape[0] == 0:
            return np.zeros(0)
        if x.shape[1] != len(self.features):
            raise ValueError(f"rows have {x.shape[1]} features, the model {len(self.features)}")
        n = x.shape[0]
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        rows_idx = np.arange(n)[:, None]
        for _ in range(self.depth):
            leaf = self.leaf[node]
            if leaf.all():
                break
            values = x[rows_idx, self.feature[node]]
            go_left = np.where(np.isnan(values), self.missing_left[node],
                               values <= self.split[node])
            nxt = np.where(go_left, self.left[node], self.right[node])
            node = np.where(leaf, node, nxt)
        raw = self.baseline + self.value[node].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))

    def predict(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        return self.probabilities(rows) >= self.threshold


def to_dict(classifier, features: Sequence[str], threshold: float = 0.5,
            meta: dict | None = None) -> dict:
    """A fitted ``HistGradientBoostingClassifier`` as this module's JSON model."""
    feature: list[int] = []
    split: list[float] = []
    left: list[int] = []
    right: list[int] = []
    missing: list[bool] = []
    leaf: list[bool] = []
    value: list[float] = []
    roots: list[int] = []
    depth = 0
    for (predictor,) in classifier._predictors:
        nodes = predictor.nodes
        base = len(feature)
        roots.append(base)
        for node in nodes:
            is_leaf = bool(node["is_leaf"])
            feature.append(0 if is_leaf else int(node["feature_idx"]))
            split.append(float(node["num_threshold"]) if not is_leaf else 0.0)
            left.append(base + int(node["left"]) if not is_leaf else base)
            right.append(base + int(node["right"]) if not is_leaf else base)
            missing.append(bool(node["missing_go_to_left"]))
            leaf.append(is_leaf)
            value.append(round(float(node["value"]), 6) if is_leaf else 0.0)
            depth = max(depth, int(node["depth"]))
    return {
        "format": FORMAT,
        "features": list(features),
        "baseline": float(np.ravel(classifier._baseline_prediction)[0]),
        "threshold": threshold,
        "roots": roots,
        "depth": depth + 1,
        "nodes": {"feature": feature, "threshold": split, "left": left, "right": right,
                  "missing_left": missing, "leaf": leaf, "value": value},
        "meta": meta or {},
    }


def _shipped_json(name: str) -> dict:
    """A model file of ``crawler/extraction/data/``, parsed."""
    path = resources.files(__package__).joinpath(f"data/{name}")
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"model {name} is missing from the package: "
                                "run tools/train_extraction.py") from None


@cache
def shipped(name: str, expected: tuple[str, ...]) -> TreeEnsemble:
    """A tree model shipped in ``crawler/extraction/data/`` (loaded once per process)."""
    return TreeEnsemble.from_dict(_shipped_json(name), expected)


LINEAR_FORMAT = "crawler-linear-1"


#: A feature's bin edges, in the order of the vector's features.
Bins = tuple[tuple[str, tuple[float, ...]], ...]
#: The value a missing (NaN) feature is binned as.
MISSING = -1.0


def quantile_edges(matrix: np.ndarray, names: Sequence[str], count: int) -> Bins:
    """Edges that cut each column of ``matrix`` (one row per page) into ``count``
    bins of about as many rows each (fewer where values repeat), for
    :func:`binned_tokens`."""
    values = np.nan_to_num(np.asarray(matrix, dtype=np.float64), nan=MISSING)
    cuts = [i / count for i in range(1, count)]
    return tuple((str(name), tuple(float(e) for e in np.unique(np.quantile(values[:, j], cuts))))
                 for j, name in enumerate(names))


def binned_tokens(vector: Sequence[float], bins: Bins) -> list[str]:
    """One token per feature, ``#name=i``: ``i`` is the bin of ``bins`` its value
    falls in (0 below the first edge; a value on an edge goes to the bin above).
    Values are compared at float32 precision, the training rows' own, so that a
    page binned in a crawl lands where the same page did in training."""
    out = []
    for value, (name, edges) in zip(vector, bins, strict=True):
        x = MISSING if value != value else float(np.float32(value))  # NaN != NaN
        out.append(f"#{name}={bisect_right(edges, x)}")
    return out


@dataclass(frozen=True)
class LinearModel:
    """Binary classifier over a set of tokens: ``sigmoid(bias + sum of the
    weights of the tokens present)``; tokens the model does not know weigh 0.
    A model with ``bins`` also reads a vector, each feature as the token of its
    bin (:func:`binned_tokens`)."""

    weights: dict[str, float]
    bias: float
    bins: Bins = ()

    @classmethod
    def from_dict(cls, data: dict, expected: Sequence[str] | None = None) -> LinearModel:
        """The model of ``data``; with ``expected``, its bins must be of those
        features in that order (a model binned for another vector fails loudly)."""
        if data.get("format") != LINEAR_FORMAT:
            raise ValueError(f"not a {LINEAR_FORMAT} model: format {data.get('format')!r}")
        bins = tuple((str(name), tuple(float(e) for e in edges))
                     for name, edges in data.get("bins", []))
        if expected is not None and tuple(name for name, _ in bins) != tuple(expected):
            raise ValueError("the linear model's bins are not of the expected features "
                             f"({len(bins)} binned, {len(expected)} expected): retrain it")
        return cls(weights={str(k): float(v) for k, v in data["weights"].items()},
                   bias=float(data["bias"]), bins=bins)

    def probability(self, tokens: Iterable[str], vector: Sequence[float] | None = None) -> float:
        present = set(tokens)
        if self.bins:
            if vector is None:
                raise ValueError("this linear model reads a vector too")
            present.update(binned_tokens(vector, self.bins))
        raw = self.bias + sum(self.weights.get(t, 0.0) for t in present)
        return float(1.0 / (1.0 + np.exp(-raw)))


def linear_to_dict(classifier, vocabulary: Sequence[str], min_weight: float = 1e-3,
                   meta: dict | None = None, bins: Bins = ()) -> dict:
    """A fitted scikit-learn ``LogisticRegression`` over 0/1 columns named by
    ``vocabulary`` as this module's JSON model; weights under ``min_weight`` in
    size are left out (they weigh as an unknown token). ``bins``: the edges its
    ``#name=i`` tokens were cut by."""
    coef = np.ravel(classifier.coef_)
    weights = {name: round(float(w), 5) for name, w in zip(vocabulary, coef, strict=True)
               if abs(w) >= min_weight}
    data = {"format": LINEAR_FORMAT, "bias": float(np.ravel(classifier.intercept_)[0]),
            "weights": dict(sorted(weights.items())), "meta": meta or {}}
    if bins:
        data["bins"] = [[name, list(edges)] for name, edges in bins]
    return data


@cache
def shipped_linear(name: str, expected: tuple[str, ...] | None = None) -> LinearModel:
    """A linear model shipped in ``crawler/extraction/data/`` (loaded once);
    ``expected``: the features its bins must be of."""
    return LinearModel.from_dict(_shipped_json(name), expected)
