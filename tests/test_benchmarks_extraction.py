"""The extraction benchmark's metrics, systems and scoring, on hand-made texts and
pages (no evaluation data read: the sets themselves are exercised by running
``python -m benchmarks.extraction``)."""

from __future__ import annotations

import json

import pytest

from benchmarks.datasets import EvalPage
from benchmarks.extraction import predict, run_adcorpus, score
from benchmarks.metric import evaluate
from benchmarks.systems import Prediction, System, html_to_text, stoplist_name
from benchmarks.textmetrics import (
    bow_tokens,
    mean_prf,
    page_prf,
    score_texts,
    snippet_misses,
    word_tokens,
)

# --------------------------------------------------------------------------- metrics


def test_word_tokens_are_lower_cased_word_runs():
    assert word_tokens("The CAT's hat, 2024!") == ["the", "cat", "s", "hat", "2024"]


def test_bow_tokens_split_on_whitespace_and_keep_case():
    assert bow_tokens(" The  CAT's\nhat, ") == ["The", "CAT's", "hat,"]


def test_word_f1_counts_a_bag_of_words():
    # pred {the: 2, cat: 1}, truth {the: 1, cat: 1, sat: 1}: overlap 2 of 3 each side
    p, r, f1 = page_prf("the the cat", "the cat sat", word_tokens)
    assert p == pytest.approx(2 / 3) and r == pytest.approx(2 / 3) and f1 == pytest.approx(2 / 3)
    # order does not matter, repetition does
    assert page_prf("sat cat the", "the cat sat", word_tokens) == (1.0, 1.0, 1.0)
    p, r, _ = page_prf("cat", "cat cat", word_tokens)
    assert (p, r) == (1.0, 0.5)


def test_word_f1_ignores_case_and_punctuation_bow_does_not():
    assert page_prf("The CAT.", "the cat", word_tokens) == (1.0, 1.0, 1.0)
    assert page_prf("The CAT.", "the cat", bow_tokens) == (0.0, 0.0, 0.0)
    assert page_prf("The cat.", "The cat.", bow_tokens) == (1.0, 1.0, 1.0)


def test_empty_prediction_and_empty_truth():
    assert page_prf("", "some words", word_tokens) == (0.0, 0.0, 0.0)
    assert page_prf(None, "some words", word_tokens) == (0.0, 0.0, 0.0)
    assert page_prf(" -- ", "some words", word_tokens) == (0.0, 0.0, 0.0)  # no tokens
    assert page_prf("", "", word_tokens) == (1.0, 1.0, 1.0)
    assert page_prf(None, " ... ", word_tokens) == (1.0, 1.0, 1.0)
    assert page_prf("extra", "", word_tokens) == (0.0, 0.0, 0.0)


def test_mean_prf_averages_pages_and_skips_none_truths():
    preds = {"a": "x y", "b": "nothing alike", "c": "whatever"}
    truths = {"a": "x y", "b": "x y", "c": None}
    result = mean_prf(preds, truths, word_tokens)
    assert result["f1"] == pytest.approx(0.5)  # mean of 1 and 0, not pooled counts
    assert (result["scored"], result["skipped"]) == (2, 1)


def test_mean_prf_counts_a_missing_prediction_as_empty():
    result = mean_prf({}, {"a": "x", "b": ""}, word_tokens)
    assert result["f1"] == pytest.approx(0.5)  # 0 for "a", 1 for the empty truth of "b"


def test_shingle_metric_is_the_benchmark_module():
    preds = {"a": "one two three four five", "b": ""}
    truths = {"a": "one two three four six", "b": "seven"}
    result = score_texts("shingle", preds, truths)
    expected = evaluate(preds, truths)
    assert result["f1"] == expected["f1"] and result["recall"] == expected["recall"]
    assert result["scored"] == 2


def test_unknown_metric_is_refused():
    with pytest.raises(ValueError, match="unknown metric"):
        score_texts("rouge", {}, {})


def test_snippets_ignore_case_and_whitespace():
    text = "Main   story\ntext here.\nShare on Facebook"
    missed, leaked = snippet_misses(text, ["MAIN STORY text", "not there"],
                                    ["share ON\tfacebook", "Subscribe now"])
    assert missed == ["not there"]
    assert leaked == ["share ON\tfacebook"]
    assert snippet_misses(None, ["a"], ["b"]) == (["a"], [])


# --------------------------------------------------------------------------- systems


def test_html_to_text_puts_blocks_on_lines_of_their_own():
    markup = "<div><h1>Title</h1><p>One <b>bold</b>\n word.</p><p>Two</p>a<br>b<ul><li>x</li>" \
             "<li>y</li></ul></div>"
    assert html_to_text(markup) == "Title\nOne bold word.\nTwo\na\nb\nx\ny"
    assert html_to_text("  ") == ""
    # control characters lxml parses but would not take back
    assert html_to_text("<p>back\x08space, bell\x07</p>") == "back space, bell"


def test_stoplist_follows_html_lang():
    assert stoplist_name('<!doctype html><html class="x" lang="de-DE"><p>') == "German"
    assert stoplist_name('<html xml:lang="fr">') == "French"
    assert stoplist_name('<html lang="ja">') == "English"  # no Japanese stoplist
    assert stoplist_name("<p>no html tag</p>") == "English"


def test_a_failing_system_gives_an_empty_prediction_with_the_error():
    def boom(html: bytes, url: str | None) -> str:
        raise RuntimeError("bad page")

    pred = System.from_callable("boom", boom).extract_page(b"<p>x</p>", None)
    assert pred.text is None and pred.error == "RuntimeError: bad page"
    assert System.from_callable("Trafilatura Default", boom).slug == "trafilatura-default"


def test_scored_text_adds_comments_only_where_asked():
    pred = Prediction(text="body", comments="a comment")
    assert pred.scored_text(False) == "body"
    assert pred.scored_text(True) == "body\na comment"
    assert Prediction(comments="only").scored_text(True) == "only"


# --------------------------------------------------------------------------- scoring


def _pages() -> list[EvalPage]:
    return [
        EvalPage("wcxb", "1", b"<p>alpha beta gamma</p>", "https://a.example/1",
                 "alpha beta gamma", "article", ["ALPHA beta"], ["share this"]),
        EvalPage("wcxb", "2", b"<p>home share this</p>", "https://a.example/",
                 None, "listing", ["home"], ["share this"]),
        EvalPage("wceb-dragnet", "3", b"<p>story</p>", None, "story\nnice post", "article"),
    ]


def _trivial(html: bytes, url: str | None) -> Prediction:
    """Text between the tags; a comment and the article verdict from the URL."""
    text = html.decode()[3:-4]
    return Prediction(text, "nice post", is_article=url is None or url.endswith("/1"))


def test_score_end_to_end_on_synthetic_pages(tmp_path):
    pages = _pages()
    system = System.from_callable("trivial", _trivial, version="1")
    preds = predict(system, pages, jobs=1, cache=tmp_path)
    result = score(preds, pages)

    wcxb = result["sets"]["wcxb"]
    assert (wcxb["metric"], wcxb["f1"], wcxb["scored"], wcxb["skipped"]) == ("word", 1.0, 1, 1)
    dragnet = result["sets"]["wceb-dragnet"]
    assert dragnet["metric"] == "bow" and dragnet["f1"] == 1.0  # text plus comments
    assert result["wcxb"]["types"]["article"]["f1"] == 1.0
    assert result["wcxb"]["types"]["listing"]["scored"] == 0
    snippets = result["wcxb"]["snippets"]
    assert snippets["article"] == {"pages": 1, "with": 1, "with_missed": 0, "without": 1,
                                   "without_leaked": 0}
    assert snippets["all"]["without_leaked"] == 1 and snippets["all"]["with_missed"] == 0
    rule = result["article_rule"]
    assert rule["wcxb"]["f1"] == 1.0
    assert rule["wcxb"]["types"] == {"article": {"pages": 1, "called": 1},
                                     "listing": {"pages": 1, "called": 0}}
    assert rule["recall"] == {"wceb-dragnet": 1.0}
    assert result["errors"] == 0

    def unused(html: bytes, url: str | None) -> None:
        raise AssertionError("the cache should answer")

    cached = predict(System("trivial", unused, version="1"), pages, cache=tmp_path)
    assert cached == preds


def test_score_counts_failures_as_empty_predictions():
    def fails(html: bytes, url: str | None) -> str:
        raise ValueError("nope")

    pages = _pages()
    result = score(predict(System.from_callable("fails", fails), pages), pages)
    assert result["errors"] == 3
    assert result["error_kinds"] == [("ValueError: nope", 3)]
    assert result["sets"]["wcxb"]["f1"] == 0.0 and result["sets"]["wcxb"]["errors"] == 2
    assert "article_rule" not in result  # the system does not decide


def test_ad_corpus_counts_leaks_and_misses(tmp_path):
    (tmp_path / "a.html").write_bytes(b"<p>Story text</p><p>Buy now</p>")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"pages": [{"id": "a", "file": "a.html",
                                               "must_have": ["Story text", "Missing bit"],
                                               "must_not_have": ["Buy now"]}]}))
    system = System.from_callable("tags off", lambda html, url: html.decode().replace("<p>", "")
                                  .replace("</p>", "\n"))
    result = run_adcorpus([system], manifest)["systems"]["tags off"]
    assert result["total"] == {"pages": 1, "must_have": 2, "missing": 1, "must_not_have": 1,
                               "leaked": 1}
    assert result["failures"] == [{"group": "pages", "page": "a", "missing": ["Missing bit"],
                                   "leaked": ["Buy now"]}]
