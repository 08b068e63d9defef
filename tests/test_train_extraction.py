"""The training script (tools/train_extraction.py): its folds, what each
held-out figure is measured on, and its check of a refit on the demo site."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from crawler.extraction.classify import article_probability, page_model
from crawler.extraction.model import LinearModel, linear_to_dict
from tools import train_extraction
from tools.train_extraction import (
    CURVE_DRAWS,
    CURVE_FRACTIONS,
    FOLD_SHUFFLES,
    FOLDS,
    REPORTED_RECALLS,
    NaiveBayesLogistic,
    PageRows,
    _fold_of,
    admitted_non_articles,
    choose_threshold,
    demo_check,
    learning_curve,
    lowest_articles,
    page_out_of_fold,
    precision_at_recall,
    sample_sites,
    set_splits,
    wcxb_out_of_fold,
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


def test_the_articles_that_set_the_threshold_are_listed_lowest_first():
    articles = [_row(f"wcxb/a{i}", "", "wcxb") for i in range(100)]
    others = [_row(f"wcxb/o{i}", "", "wcxb", "service") for i in range(10)]
    for i, r in enumerate(articles):
        r.title, r.url = f"page {i}", f"https://a{i}.example/story"
    probs = {r.key: 0.1 + 0.009 * i for i, r in enumerate(articles)}
    probs.update({r.key: 0.05 for r in others})  # under every article: never listed
    lowest = lowest_articles(articles + others, probs, 0.98)
    # recall 0.98 of 100 keeps 98: the two under the bar and the third, which sets it
    assert [a["key"] for a in lowest] == ["wcxb/a0", "wcxb/a1", "wcxb/a2"]
    assert [a["title"] for a in lowest] == ["page 0", "page 1", "page 2"]
    assert lowest[2]["probability"] == pytest.approx(0.118)
    assert lowest[0]["url"] == "https://a0.example/story"


def test_the_non_articles_the_threshold_lets_through_are_listed_highest_first():
    articles = [_row(f"wcxb/a{i}", "", "wcxb") for i in range(5)]
    others = [_row(f"wcxb/o{i}", "", "wcxb", t)
              for i, t in enumerate(("service", "forum", "documentation", "product"))]
    unlabelled = _row("wcxb/u", "", "wcxb", None)  # type: ignore[arg-type]
    other_set = _row("set/s", "", "set", "service")
    for r in others:
        r.title, r.url = f"title {r.key}", f"https://{r.key[5:]}.example/"
    probs = {r.key: 0.9 for r in articles}
    probs.update({"wcxb/o0": 0.3, "wcxb/o1": 0.8, "wcxb/o2": 0.2, "wcxb/o3": 0.19,
                  "wcxb/u": 0.99, "set/s": 0.99})
    admitted = admitted_non_articles(articles + others + [unlabelled, other_set], probs, 0.2)
    # the articles, the unlabelled page, the other set's page and o3 (under the bar)
    # are not listed; the bar itself (0.2) lets o2 through
    assert [(a["key"], a["page_type"]) for a in admitted] == [
        ("wcxb/o1", "forum"), ("wcxb/o0", "service"), ("wcxb/o2", "documentation")]
    assert admitted[0]["probability"] == pytest.approx(0.8)
    assert admitted[0]["title"] == "title wcxb/o1"
    assert admitted[0]["url"] == "https://o1.example/"


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


def test_a_sample_of_sites_keeps_whole_sites_and_every_other_set():
    rows = ([_row(f"wcxb/{i}", f"site{i % 20}.example", "wcxb") for i in range(100)]
            + [_row(f"other/{i}", f"o{i}.example", "other") for i in range(10)])
    drawn = sample_sites(rows, "wcxb", 0.25, random.Random("0/0/0"))
    sites = {r.site for r in drawn if r.dataset == "wcxb"}
    assert len(sites) == 5
    assert {r.key for r in drawn if r.dataset == "wcxb"} == {
        r.key for r in rows if r.dataset == "wcxb" and r.site in sites}  # all 5 pages of each
    assert [r for r in drawn if r.dataset == "other"] == rows[100:]
    assert drawn == sample_sites(rows, "wcxb", 0.25, random.Random("0/0/0"))
    assert {r.site for r in sample_sites(rows, "wcxb", 0.25, random.Random("0/1/0"))} != {
        r.site for r in drawn}
    assert sample_sites(rows, "wcxb", 1.0, random.Random(0)) == rows


def test_the_learning_curve_fits_each_fold_on_the_share_of_its_training_sites(monkeypatch):
    rows = ([_row(f"wcxb/{i}", f"site{i % 40}.example", "wcxb",
                  "article" if i % 2 else "service") for i in range(200)]
            + [_row(f"other/{i}", f"o{i}.example", "other") for i in range(10)])
    fitted: list[list[PageRows]] = []

    class _Model:
        def probabilities(self, test):
            return np.full(len(test), 0.5)

    def fit_pages(train):
        fitted.append(train)
        return _Model()

    monkeypatch.setattr(train_extraction, "fit_pages", fit_pages)
    probs = wcxb_out_of_fold(rows, shuffle=1, fraction=0.5, sample=0)
    assert set(probs) == {r.key for r in rows if r.dataset == "wcxb"}
    assert len(fitted) == FOLDS
    fold_of = _fold_of([r for r in rows if r.dataset == "wcxb"], shuffle=1)
    for fold, train in enumerate(fitted):
        # half of the 32 sites of the other folds, and the other set whole
        assert len({r.site for r in train if r.dataset == "wcxb"}) == 16
        assert all(fold_of[r.key] != fold for r in train if r.dataset == "wcxb")
        assert sum(r.dataset == "other" for r in train) == 10
    fitted.clear()
    curve = learning_curve(rows)
    assert list(curve) == [str(f) for f in CURVE_FRACTIONS]
    runs = len(FOLD_SHUFFLES) * (CURVE_DRAWS * (len(CURVE_FRACTIONS) - 1) + 1)
    assert len(fitted) == runs * FOLDS
    assert all(set(run) == {str(r) for r in REPORTED_RECALLS}
               for runs_ in curve.values() for run in runs_)


def test_out_of_fold_a_home_page_scores_as_the_extractor_decides_it(monkeypatch):
    rows = [_row(f"wcxb/{i}", f"site{i % 10}.example", "wcxb") for i in range(20)]
    rows += [_row(f"other/{i}", "", "other") for i in range(3)]
    for r in rows:
        r.url = f"https://{r.site or 'x.example'}/story-{r.key[-1]}"
    rows[0].url, rows[20].url = "https://site0.example/", "https://x.example"

    class _Sure:
        def probabilities(self, test):
            return np.full(len(test), 0.9)

    monkeypatch.setattr(train_extraction, "fit_pages", lambda train: _Sure())
    probs = page_out_of_fold(rows)
    assert probs[rows[0].key] == 0.0 and probs[rows[20].key] == 0.0
    assert all(probs[r.key] == 0.9 for r in rows if r not in (rows[0], rows[20]))


def _token_data(seed: int = 3):
    rng = np.random.default_rng(seed)
    vocabulary = [f"w:t{i}" for i in range(15)]
    x = (rng.random((400, 15)) < 0.25).astype(float)
    y = ((x[:, 0] + x[:, 4] - x[:, 9] + 0.3 * rng.standard_normal(400)) > 0.4).astype(int)
    return vocabulary, csr_matrix(x), y


def test_the_naive_bayes_ratio_says_which_class_a_token_is_seen_with():
    x = csr_matrix(np.asarray([[1, 0, 1], [1, 0, 0], [0, 1, 1], [0, 1, 0]], dtype=float))
    y = np.asarray([1, 1, 0, 0])
    clf = NaiveBayesLogistic(alpha=1.0, C=1.0).fit(x, y)
    # articles' counts 2, 0, 1 (+1 each: 3, 1, 2 of 6); the others' 0, 2, 1 (1, 3, 2 of 6)
    assert clf.ratio_ == pytest.approx([np.log(3), -np.log(3), 0.0])
    assert clf.coef_[0, 0] > 0 > clf.coef_[0, 1]
    assert clf.coef_[0, 2] == pytest.approx(0.0)


def test_a_naive_bayes_regression_is_written_as_a_plain_linear_model():
    # extraction reads the words model as weights of the tokens present: the
    # ratios are folded into them, so the file gives the fitted probabilities
    vocabulary, x, y = _token_data()
    clf = NaiveBayesLogistic(C=1.0, max_iter=2000, class_weight="balanced").fit(x, y)
    model = LinearModel.from_dict(json.loads(json.dumps(
        linear_to_dict(clf, vocabulary, min_weight=0.0))))
    expected = clf.predict_proba(x[:60])[:, 1]
    for row, p in zip(x[:60].toarray(), expected, strict=True):
        tokens = [name for name, on in zip(vocabulary, row, strict=True) if on]
        assert model.probability(tokens) == pytest.approx(p, abs=1e-4)
    assert expected.min() < 0.2 and expected.max() > 0.8  # both answers given


def test_the_shipped_words_model_was_fitted_as_the_script_fits_it():
    # the file and the script agree on how it was made: a refit writes it again
    data = json.loads((train_extraction.PAGE_WORDS_PATH).read_text(encoding="utf-8"))
    assert data["meta"]["params"] == train_extraction.NB_WORDS_PARAMS
    assert data["meta"]["naive_bayes_alpha"] == train_extraction.NB_ALPHA
    assert data["meta"]["min_pages"] == train_extraction.TOKEN_MIN_PAGES


def test_the_whole_extractor_meets_each_fold_with_a_model_fitted_without_it(monkeypatch):
    """Each set's folds are extracted while the model fitted on everything but
    that fold is in place, and scored with the benchmark's own figures."""
    from benchmarks import extraction
    from benchmarks.datasets import EvalPage
    from benchmarks.systems import Prediction
    from crawler.extraction.classify import block_model

    rows = ([_row(f"wcxb/{i}", f"site{i % 7}.example", "wcxb") for i in range(35)]
            + [_row(f"scrapinghub/{i}", f"s{i}.example", "scrapinghub") for i in range(10)])
    words = [f"word{n}" for n in range(20)]
    pages = {r.key: EvalPage(r.dataset, r.key.split("/")[1], b"<p>x</p>", None,
                             " ".join(words), "article") for r in rows}
    pages["wcxb/blockless"] = EvalPage("wcxb", "blockless", b"", None, " ".join(words), "article")
    fitted: dict[int, frozenset[str]] = {}  # by the id of the model fitted

    def fake_fit(train):
        model = object()
        fitted[id(model)] = frozenset(r.key for r in train)
        return model

    seen: list[tuple[object, list[str]]] = []

    def fake_predict(system, test_pages, jobs=1, cache=None):
        assert jobs == 1  # the model is put in place in this process only
        seen.append((block_model(), [p.key for p in test_pages]))
        return {p.key: Prediction(" ".join(words if p.dataset == "wcxb" else words[:10]))
                for p in test_pages}

    monkeypatch.setattr(train_extraction, "fit", fake_fit)
    monkeypatch.setattr(extraction, "predict", fake_predict)
    report = train_extraction.extractor_folds(rows, pages)
    in_folds = [(id(model), keys) for model, keys in seen if id(model) in fitted]
    assert len(in_folds) == 2 * FOLDS
    for model, keys in in_folds:
        assert not fitted[model] & set(keys)  # fitted without the pages it extracts
        assert fitted[model] | set(keys) == {r.key for r in rows}
    # a page the extractor reads no blocks from (no row) is extracted too, no model put in place
    assert [(m is block_model(), keys) for m, keys in seen if id(m) not in fitted] == [
        (True, ["wcxb/blockless"])]
    assert sorted(k for _, keys in seen for k in keys) == sorted(pages)
    assert report["wcxb"]["sets"]["wcxb"]["f1"] == 1.0
    assert report["wcxb"]["wcxb"]["types"]["article"]["f1"] == 1.0
    half = report["scrapinghub"]["sets"]["scrapinghub"]  # half the truth, nothing else
    assert half["precision"] == 1.0 and 0 < half["recall"] < 1
    assert "article_rule" not in report["wcxb"]


def test_folds_fitted_once_serve_the_whole_extractor_without_a_refit(monkeypatch):
    from benchmarks import extraction
    from benchmarks.datasets import EvalPage
    from benchmarks.systems import Prediction

    rows = [_row(f"wcxb/{i}", f"site{i % 7}.example", "wcxb") for i in range(35)]
    pages = {r.key: EvalPage("wcxb", r.key.split("/")[1], b"", None, "a b c d e", "article")
             for r in rows}
    fits: list[int] = []
    monkeypatch.setattr(train_extraction, "fit", lambda train: fits.append(len(train)) or object())
    folds = train_extraction.fold_models(rows, "wcxb")
    assert len(fits) == FOLDS
    monkeypatch.setattr(extraction, "predict", lambda system, test, jobs=1, cache=None:
                        {p.key: Prediction("a b c d e") for p in test})
    report = train_extraction.extractor_folds(rows, pages, folds={"wcxb": folds})
    assert len(fits) == FOLDS  # no model fitted again
    assert report["wcxb"]["sets"]["wcxb"]["f1"] == 1.0
