"""The metadata benchmark's metrics and name splitting on hand-made values, its
scoring on hand-made systems, and one smoke run on 3 WCXB pages (the shared
development set; skipped on a workstation without it, a failure under CI)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from benchmarks import metadata
from benchmarks.datasets import EvalPage, shared_dir
from benchmarks.fieldmetrics import (
    as_day,
    author_f1,
    author_names,
    date_scores,
    normalize,
    score_page,
    title_scores,
)
from benchmarks.metadata_systems import Meta

# --------------------------------------------------------------------------- titles


def test_normalize_collapses_whitespace_and_folds_case():
    assert normalize("  The\u00a0Big \n Story ") == "the big story"
    assert normalize("STRASSE") == normalize("straße")
    assert normalize(None) == ""


def test_title_exact_after_normalisation_and_word_f1():
    assert title_scores("The  big\nSTORY", "The big story") == (1.0, 1.0)
    # a site name after the headline: not exact, word F1 3 of 5 predicted, 3 of 3 true
    exact, f1 = title_scores("The big story | Daily Site", "The big story")
    assert exact == 0.0 and f1 == pytest.approx(2 * 0.6 * 1 / 1.6)
    # punctuation counts for exact match, not for word F1
    assert title_scores("The big story.", "The big story") == (0.0, 1.0)


def test_no_title_predicted_scores_zero():
    assert title_scores(None, "The big story") == (0.0, 0.0)
    assert title_scores("", "The big story") == (0.0, 0.0)


# --------------------------------------------------------------------------- authors


@pytest.mark.parametrize("value, names", [
    ("Jane Doe", {"jane doe"}),
    ("  JANE   Doe ", {"jane doe"}),
    ("Jane Doe, John Roe", {"jane doe", "john roe"}),
    ("Jane Doe and John Roe", {"jane doe", "john roe"}),
    ("Jane Doe AND John Roe", {"jane doe", "john roe"}),
    ("Jane Doe & John Roe", {"jane doe", "john roe"}),
    ("Jane Doe; John Roe", {"jane doe", "john roe"}),
    ("Jane Doe | The Daily", {"jane doe", "the daily"}),
    ("A Bee, C Dee, and E Eff", {"a bee", "c dee", "e eff"}),
    ("By Jane Doe", {"jane doe"}),
    ("by: Jane Doe and by John Roe", {"jane doe", "john roe"}),
    ("By : Jane Doe", {"jane doe"}),
    # "by" only as a word of its own; "and" only between spaces
    ("Byron Anderson", {"byron anderson"}),
    ("Sandra Band", {"sandra band"}),
    # nothing else is cleaned: credentials after a comma are names of their own
    ("Jane Doe, MD", {"jane doe", "md"}),
    (["Jane Doe", "By John Roe; Ann Poe"], {"jane doe", "john roe", "ann poe"}),
    (None, set()),
    ("", set()),
    (" , ; ", set()),
    ([], set()),
])
def test_author_names(value, names):
    assert author_names(value) == names


def test_author_set_f1():
    assert author_f1("By Jane Doe", "jane doe") == 1.0
    assert author_f1("John Roe; Jane Doe", "Jane Doe and John Roe") == 1.0
    # one of two true names: P 1, R 1/2
    assert author_f1("Jane Doe", "Jane Doe, John Roe") == pytest.approx(2 / 3)
    # a name too many: P 1/2, R 1
    assert author_f1(["Jane Doe", "Staff"], "Jane Doe") == pytest.approx(2 / 3)
    assert author_f1("John Roe", "Jane Doe") == 0.0
    assert author_f1(None, "Jane Doe") == 0.0
    assert author_f1([], "Jane Doe") == 0.0
    # the same name counts once
    assert author_f1("Jane Doe, jane doe", "Jane Doe") == 1.0


def test_a_truth_without_names_is_not_scored():
    assert author_f1("Jane Doe", "By") is None
    assert author_f1("Jane Doe", " ; ") is None


# --------------------------------------------------------------------------- dates


def test_as_day_reads_iso_strings_dates_and_datetimes():
    assert as_day("2025-03-09") == date(2025, 3, 9)
    assert as_day(" 2025-3-9") == date(2025, 3, 9)
    assert as_day("2025-03-09T23:30:00-05:00") == date(2025, 3, 9)  # its own day
    late = datetime(2025, 3, 9, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert as_day(late) == date(2025, 3, 9)  # not converted to UTC (the 10th)
    assert as_day(date(2025, 3, 9)) == date(2025, 3, 9)


@pytest.mark.parametrize("value", [None, "", "2025-03", "March 9, 2025", "09/03/2025",
                                   "2025-02-30", "20250309", 20250309])
def test_as_day_gives_none_for_anything_else(value):
    assert as_day(value) is None


def test_date_scores_exact_and_within_one_day():
    assert date_scores("2025-03-09", "2025-03-09") == (1.0, 1.0)
    assert date_scores("2025-03-10T01:00:00+00:00", "2025-03-09") == (0.0, 1.0)
    assert date_scores("2025-02-28", "2025-03-01") == (0.0, 1.0)  # across a month
    assert date_scores("2025-03-11", "2025-03-09") == (0.0, 0.0)
    # day and month swapped
    assert date_scores("2025-09-03", "2025-03-09") == (0.0, 0.0)
    assert date_scores(datetime(2025, 3, 9, 12, tzinfo=UTC), "2025-03-09") == (1.0, 1.0)


def test_a_prediction_with_no_date_is_wrong():
    assert date_scores(None, "2025-03-09") == (0.0, 0.0)
    assert date_scores("yesterday", "2025-03-09") == (0.0, 0.0)


def test_a_truth_without_a_day_is_not_scored():
    assert date_scores("2015-11-01", "2015-11") is None
    assert date_scores("2015-11-01", None) is None


# --------------------------------------------------------------------------- scoring

TRUTH = {"title": "The big story", "author": "Jane Doe", "published": "2025-03-09"}


def test_score_page_scores_only_the_fields_a_system_gives():
    pred = {"title": "The big story", "author": "By Jane Doe", "published": "2025-03-10"}
    assert score_page(TRUTH, pred, ("title", "author", "published")) == {
        "title_exact": 1.0, "title_f1": 1.0, "author_f1": 1.0,
        "day_exact": 0.0, "day_within_1": 1.0}
    dates_only = score_page(TRUTH, {"published": "2025-03-09"}, ("published",))
    assert dates_only == {"title_exact": None, "title_f1": None, "author_f1": None,
                          "day_exact": 1.0, "day_within_1": 1.0}


def test_score_page_skips_fields_the_truth_lacks():
    truth = {"title": "The big story", "author": None, "published": "2015-11"}
    scores = score_page(truth, {"title": "x", "author": "Jane Doe", "published": None},
                        ("title", "author", "published"))
    assert scores["author_f1"] is None and scores["day_exact"] is None
    assert scores["title_exact"] == 0.0


def _page(i: int, **truth: str | None) -> EvalPage:
    return EvalPage("wcxb", str(i), b"<html></html>", f"https://a.example/{i}", "text",
                    "article", title=truth.get("title"), author=truth.get("author"),
                    published=truth.get("published"))


def test_predict_and_score_with_hand_made_systems(monkeypatch):
    def good(html: bytes, url: str) -> Meta:
        return Meta("The big story", ["Jane Doe"], "2025-03-09")

    def broken(html: bytes, url: str) -> Meta:
        raise ValueError("no metadata here")

    monkeypatch.setitem(metadata.SYSTEMS, "good", good)
    monkeypatch.setitem(metadata.SYSTEMS, "broken", broken)
    monkeypatch.setitem(metadata.GIVES, "good", ("title", "author", "published"))
    monkeypatch.setitem(metadata.GIVES, "broken", ("published",))
    pages = [_page(1, **TRUTH), _page(2, title="Other", author=None, published="2015-11")]
    results = metadata.predict(["good", "broken"], pages, jobs=1)
    assert [r["id"] for r in results] == ["1", "2"]
    assert results[0]["systems"]["good"]["author"] == ["Jane Doe"]
    scores = metadata.score(results, ["good", "broken"])
    good_row, broken_row = scores["good"], scores["broken"]
    assert good_row["title_exact"] == {"mean": 0.5, "pages": 2}
    assert good_row["author_f1"] == {"mean": 1.0, "pages": 1}
    assert good_row["day_exact"] == {"mean": 1.0, "pages": 1}  # "2015-11" not scored
    assert good_row["failed"] == 0 and good_row["ms"]["median"] >= 0
    assert broken_row["failed"] == 2
    assert broken_row["errors"] == ["ValueError: no metadata here"]
    assert broken_row["day_exact"] == {"mean": 0.0, "pages": 1}
    assert broken_row["title_exact"] == {"mean": None, "pages": 0}
    # each page's scores are kept for --json
    assert results[0]["systems"]["good"]["scores"]["day_within_1"] == 1.0


# --------------------------------------------------------------------------- smoke run


@pytest.mark.filterwarnings("ignore")  # the peers warn about odd pages
def test_smoke_run_on_three_wcxb_articles():
    if not (shared_dir() / "eval-wcxb" / "ground-truth").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the WCXB development set is not in {shared_dir()}/eval-wcxb")
        pytest.skip(f"the WCXB development set is not in {shared_dir()}/eval-wcxb")
    report = metadata.run(limit=3, jobs=1)
    cfg, scores = report["config"], report["scores"]
    halves = report["halves"]
    assert set(halves) == set(metadata.HALVES)
    assert sum(h["pages"] for h in halves.values()) == cfg["pages"]
    assert all(set(h["scores"]) == set(scores) for h in halves.values())
    assert all(metadata.half_of(p["url"]) in metadata.HALVES for p in report["pages"])
    assert cfg["pages"] == 3 and cfg["truth"]["title"] == 3
    expected = [s for s in metadata.SYSTEMS if s not in cfg["missing"]]
    assert list(scores) == expected and {"ours", "trafilatura"} <= set(scores)
    for name, row in scores.items():
        assert row["failed"] == 0, (name, row["errors"])
        assert row["day_exact"]["pages"] == cfg["truth"]["published_day"]
        assert row["ms"]["median"] > 0
    assert scores["ours"]["title_exact"]["pages"] == 3
    assert scores["ours"]["metadata_ms"]["median"] > 0
    assert scores["htmldate-fast"]["title_exact"]["pages"] == 0
    assert [p["id"] for p in report["pages"]] == sorted(p["id"] for p in report["pages"])
    table = metadata.format_report(report)
    assert "ours" in table and "trafilatura" in table and "network connections refused: 0" in table
