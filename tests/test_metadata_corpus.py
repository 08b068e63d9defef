"""The issue-20 page corpus (tests/data/metadata, see its README) end to end:
each page through the same path as a crawl (``page_to_article``, with its HTTP
status), every field its manifest expects."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.articles import page_to_article
from crawler.extraction import ExtractionOptions
from crawler.items import Page

CORPUS = Path(__file__).parent / "data" / "metadata"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text("utf-8"))["pages"]
FETCHED = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def record(entry: dict) -> dict:
    page = Page(url=entry["url"], status=entry.get("status") or 200,
                body=(CORPUS / entry["file"]).read_bytes(),
                content_type="text/html; charset=utf-8", fetched_at=FETCHED)
    return page_to_article(page, ExtractionOptions()).article.to_dict()


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_every_expected_field(entry: dict) -> None:
    got = record(entry)
    for name, expected in entry["expected"].items():
        if name == "flags":  # any order in the manifest
            got[name], expected = sorted(got[name]), sorted(expected)
        assert got[name] == expected, (name, got[name])


def test_walls_are_not_articles_and_the_rest_are() -> None:
    reasons = {e["file"]: record(e)["reason"] for e in MANIFEST}
    walls = {f for f, r in reasons.items() if r in ("blocked", "consent_wall", "paywall")}
    assert len(walls) >= 10  # three kinds, several vendors and languages
    assert {f for f, r in reasons.items() if r is None} == {
        e["file"] for e in MANIFEST if e["expected"]["reason"] is None}
