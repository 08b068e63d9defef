"""The metrics of the metadata benchmark (:mod:`benchmarks.metadata`, whose
docstring states the rules): title exact match and word F1, author set F1 over
names, published day exact and within one day. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from benchmarks.textmetrics import page_prf, word_tokens

METRICS = ("title_exact", "title_f1", "author_f1", "day_exact", "day_within_1")

_SPACE = re.compile(r"\s+")
_NAME_SEPARATORS = re.compile(r",|;|\||&|\sand\s")
_BY = re.compile(r"^by(?:\s*:\s*|\s+|$)")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")


def normalize(text: str | None) -> str:
    """Whitespace runs made one space, ends stripped, case folded."""
    return _SPACE.sub(" ", text or "").strip().casefold()


def title_scores(pred: str | None, truth: str) -> tuple[float, float]:
    """(exact match after :func:`normalize`, word F1) of one title."""
    exact = float(bool(pred) and normalize(pred) == normalize(truth))
    return exact, page_prf(pred or "", truth, word_tokens)[2]


def author_names(value: str | Iterable[str] | None) -> set[str]:
    """The names of an author string or list (the rule of the module's docstring)."""
    if value is None:
        return set()
    parts = [value] if isinstance(value, str) else list(value)
    names = set()
    for part in parts:
        for name in _NAME_SEPARATORS.split(normalize(part)):
            name = _BY.sub("", name.strip()).strip()
            if name:
                names.add(name)
    return names


def author_f1(pred: str | Iterable[str] | None, truth: str | Iterable[str]) -> float | None:
    """Set F1 of the names; None when the truth gives no name (not scored)."""
    true_names = author_names(truth)
    if not true_names:
        return None
    names = author_names(pred)
    return 2 * len(names & true_names) / (len(names) + len(true_names))


def as_day(value: object) -> date | None:
    """The day of a ``date``/``datetime`` (as given) or of a string starting
    ``YYYY-MM-DD``; None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _ISO_DAY.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None


def date_scores(pred: object, truth: object) -> tuple[float, float] | None:
    """(exact day, within one day); None when the truth is no day (not scored)."""
    true_day = as_day(truth)
    if true_day is None:
        return None
    day = as_day(pred)
    if day is None:
        return 0.0, 0.0
    return float(day == true_day), float(abs((day - true_day).days) <= 1)


def score_page(truth: dict, pred: dict, gives: Sequence[str]) -> dict[str, float | None]:
    """One system's scores on one page; None where the field is not scored."""
    out: dict[str, float | None] = dict.fromkeys(
        ("title_exact", "title_f1", "author_f1", "day_exact", "day_within_1"))
    if "title" in gives and truth.get("title"):
        out["title_exact"], out["title_f1"] = title_scores(pred.get("title"), truth["title"])
    if "author" in gives and truth.get("author"):
        out["author_f1"] = author_f1(pred.get("author"), truth["author"])
    if "published" in gives and truth.get("published"):
        days = date_scores(pred.get("published"), truth["published"])
        if days is not None:
            out["day_exact"], out["day_within_1"] = days
    return out
