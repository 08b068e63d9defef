"""The extraction's models, read from JSON and applied with numpy: a
gradient-boosted tree ensemble (:class:`TreeEnsemble`) and a linear model over
tokens (:class:`LinearModel`).

The models are trained by ``tools/train_extraction.py`` (scikit-learn's
``HistGradientBoostingClassifier`` and ``LogisticRegression``) and shipped as small JSON files in
``crawler/extraction/data/``; scikit-learn is needed to train, not to extract.
A tree model file names the features it was trained on, and loading it against
a different feature list fails loudly.

Pure: numpy only.
"""

from __future__ import annotations

import json
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


@dataclass(frozen=True)
class LinearModel:
    """Binary classifier over a set of tokens: ``sigmoid(bias + sum of the
    weights of the tokens present)``; tokens the model does not know weigh 0."""

    weights: dict[str, float]
    bias: float

    @classmethod
    def from_dict(cls, data: dict) -> LinearModel:
        if data.get("format") != LINEAR_FORMAT:
            raise ValueError(f"not a {LINEAR_FORMAT} model: format {data.get('format')!r}")
        return cls(weights={str(k): float(v) for k, v in data["weights"].items()},
                   bias=float(data["bias"]))

    def probability(self, tokens: Iterable[str]) -> float:
        raw = self.bias + sum(self.weights.get(t, 0.0) for t in set(tokens))
        return float(1.0 / (1.0 + np.exp(-raw)))


def linear_to_dict(classifier, vocabulary: Sequence[str], min_weight: float = 1e-3,
                   meta: dict | None = None) -> dict:
    """A fitted scikit-learn ``LogisticRegression`` over 0/1 columns named by
    ``vocabulary`` as this module's JSON model; weights under ``min_weight`` in
    size are left out (they weigh as an unknown token)."""
    coef = np.ravel(classifier.coef_)
    weights = {name: round(float(w), 5) for name, w in zip(vocabulary, coef, strict=True)
               if abs(w) >= min_weight}
    return {"format": LINEAR_FORMAT, "bias": float(np.ravel(classifier.intercept_)[0]),
            "weights": dict(sorted(weights.items())), "meta": meta or {}}


@cache
def shipped_linear(name: str) -> LinearModel:
    """A linear model shipped in ``crawler/extraction/data/`` (loaded once)."""
    return LinearModel.from_dict(_shipped_json(name))
