"""Replay filters (``crawler/replay/filters.py``): each removes what it says and
keeps the rest, and the early decisions (before extraction) never differ
from what the extracted metadata decides."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.articles import page_to_article
from crawler.commands.replay import summary
from crawler.extraction import ExtractionOptions
from crawler.items import Page
from crawler.replay.filters import (
    DATE_EXTRACTED,
    DATE_UNKNOWN,
    HEAD_BYTES,
    HOST,
    LANGUAGE_DECLARED,
    LANGUAGE_UNKNOWN,
    PageFilter,
    head_signals,
)
from crawler.replay.reextract import Replay, ReplayOptions, ReplayStats
from crawler.schema import Article
from crawler.warc.reader import find_archives
from tests.conftest import run_cli
from tests.corpuswarcs import Capture, data_pages, single_pages, site_pages, three_warcs

CAPTURED = datetime(2026, 12, 1, 10, tzinfo=UTC)


def page(capture: Capture | tuple[str, bytes]) -> Page:
    url, body = (capture.url, capture.body) if isinstance(capture, Capture) else capture
    return Page(url=url, status=200, body=body, content_type="text/html; charset=utf-8",
                fetched_at=CAPTURED, warc=None)


def extracted(p: Page) -> Article:
    return page_to_article(p, ExtractionOptions()).article


# --------------------------------------------------------------------------- host

@pytest.mark.parametrize(("rules", "url", "kept"), [
    (["news.example"], "https://news.example/a", True),
    (["news.example"], "https://www.news.example/a", True),
    (["www.news.example"], "https://news.example/a", True),
    (["news.example"], "https://sport.news.example/a", False),
    (["news.example"], "https://othernews.example/a", False),
    ([".news.example"], "https://sport.news.example/a", True),
    ([".news.example"], "https://news.example/a", True),
    ([".news.example"], "https://othernews.example/a", False),
    ([".de"], "https://zeitung.de/a", True),
    ([".de"], "https://zeitung.at/a", False),
    (["News.Example"], "HTTPS://NEWS.EXAMPLE/a", True),
    (["bücher.example"], "https://xn--bcher-kva.example/a", True),
    (["a.example", "b.example"], "https://b.example/", True),
    (["news.example"], "not a url", False),
    (["news.example"], "https://[::1/broken", False),
])
def test_host_rules(rules: list[str], url: str, kept: bool) -> None:
    assert PageFilter.from_arguments(hosts=rules).host_ok(url) is kept


def test_the_host_is_decided_before_extraction() -> None:
    body = single_pages()[0].body
    f = PageFilter.from_arguments(hosts=["kept.example"])
    assert f.before_extraction(page(("https://other.example/a", body))) == HOST
    assert f.before_extraction(page(("https://kept.example/a", body))) is None


@pytest.mark.parametrize(("args", "message"), [
    (["--host", "news.example/path"], "--host 'news.example/path': give a host name"),
    (["--host", "."], "--host '.': give a host name"),
    (["--language", "english!"], "--language 'english!': give a language code"),
    (["--published-after", "last week"], "--published-after 'last week': give a date"),
    (["--published-after", "2026-05-01", "--published-before", "2026-04-01"],
     "--published-after 2026-05-01 is later than --published-before 2026-04-01"),
    (["--processes", "-1"], "--processes: give 0 or more"),
])
def test_meaningless_filters_are_one_line(args: list[str], message: str,
                                          tmp_path: Path) -> None:
    result = run_cli("replay", *args, str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == f"crawler: error: {message}" + result.stderr.split(message)[1]
    assert result.stderr.count("\n") == 1


def test_languages_are_primary_subtags() -> None:
    f = PageFilter.from_arguments(languages=["de,pt-BR", "EN"])
    assert f.languages == {"de", "pt", "en"}


# --------------------------------------------------------------------------- early = late

def variants() -> list[Capture]:
    """Real pages, and real pages changed where an early reading could go wrong."""
    en1 = single_pages()[0]  # <html lang="en-GB">, article:published_time in the head
    de1 = single_pages()[4]
    assert b'lang="en-GB"' in en1.body and b"published_time" in en1.body
    ld = (b'<script type="application/ld+json">{"@context": "https://schema.org", '
          b'"@type": "NewsArticle", "datePublished": "2026-01-05T08:00:00Z"}</script>')
    padding = b"".join(b'<meta name="x-%d" content="padding">' % n
                       for n in range(HEAD_BYTES // 30))
    return [
        *single_pages(), *site_pages(), *data_pages(),
        # a JSON-LD date in the body wins over the head's meta date
        Capture(en1.url, en1.body.replace(b"</body>", ld + b"</body>")),
        # no language declared at all
        Capture(de1.url, de1.body.replace(b'<html lang="de" dir="ltr">', b"<html>")),
        # a declared language the signals cannot read
        Capture(de1.url, de1.body.replace(b'lang="de"', b'lang="??"')),
        # a head longer than what is read of it, its date after the cut
        Capture(en1.url, en1.body.replace(b"<head>", b"<head>" + padding, 1)),
    ]


def test_what_is_decided_early_is_what_extraction_finds() -> None:
    decided = 0
    for capture in variants():
        p = page(capture)
        signals, _ = head_signals(p)
        article = extracted(p)
        if signals.language is not None:
            decided += 1
            assert article.language == signals.language, capture.url
    assert decided == 40 - 2  # every page with a language but the two changed ones


def test_dates_are_left_to_extraction() -> None:
    variant = variants()[-4]  # the head says 2026-11-04, a JSON-LD in its body 2026-01-05
    f = PageFilter.from_arguments(before="2026-02-01")
    p = page(variant)
    assert f.before_extraction(p) is None
    article = extracted(p)
    # the page shows 2026-11-04 by its headline: that is its date, not the body's JSON-LD
    assert (article.published or "")[:10] == "2026-11-04"
    assert f.after_extraction(article) == DATE_EXTRACTED


def test_a_date_later_than_the_capture_is_no_date() -> None:
    future = next(c for c in data_pages() if c.url.endswith("article_future_date"))
    p = page(future)
    f = PageFilter.from_arguments(after="2020-01-01")
    assert f.before_extraction(p) is None
    article = extracted(p)
    assert article.reason is None and article.published is None
    assert f.after_extraction(article) == DATE_UNKNOWN


def test_a_page_without_a_language_is_dropped_after_extraction() -> None:
    p = page(variants()[-3])
    f = PageFilter.from_arguments(languages=["de"])
    assert f.before_extraction(p) is None
    assert f.after_extraction(extracted(p)) == LANGUAGE_UNKNOWN
    assert f.before_extraction(page(single_pages()[0])) == LANGUAGE_DECLARED


# --------------------------------------------------------------------------- a replay

@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> list:
    folder = tmp_path_factory.mktemp("filters") / "warc"
    three_warcs(folder, copies_per_archive=0)
    return find_archives([folder])


def replay(archives: list, **kwargs: object) -> tuple[list[Article], ReplayStats]:
    stats = ReplayStats()
    filters = PageFilter.from_arguments(**kwargs)  # type: ignore[arg-type]
    run = Replay(archives, ReplayOptions(filters=filters), stats)
    try:
        return [a for a in run.run() if isinstance(a, Article)], stats
    finally:
        run.close()


@pytest.fixture(scope="module")
def everything(archives: list) -> list[Article]:
    return replay(archives)[0]


def urls(articles: list[Article]) -> set[str]:
    return {a.url for a in articles}


def test_language_filter_keeps_exactly_its_languages(archives: list,
                                                     everything: list[Article]) -> None:
    kept, stats = replay(archives, languages=["de", "fr"])
    assert urls(kept) == {a.url for a in everything if a.language in ("de", "fr")}
    assert len(kept) == 6
    c = stats.counts
    assert c["filtered/language/declared"] == c["pages"] - 6 == 32  # all declare theirs
    assert "language 32 (32 before extraction)" in summary(c, 3)


def test_host_filter_keeps_exactly_its_hosts(archives: list,
                                             everything: list[Article]) -> None:
    kept, stats = replay(archives, hosts=[".obfuscated-daily.example", "pages.example"])
    assert urls(kept) == {a.url for a in everything
                          if "obfuscated-daily" in a.url or "pages.example" in a.url}
    assert stats.counts["filtered/host"] == 18 + 1  # the single pages, one twice
    kept, _ = replay(archives, hosts=["rheinland-bote.example"])
    assert urls(kept) == {single_pages()[4].url}


def test_date_filter_keeps_exactly_its_days(archives: list,
                                            everything: list[Article]) -> None:
    kept, stats = replay(archives, after="2026-10-01", before="2026-10-31")
    october = {a.url for a in everything
               if a.published and "2026-10-01" <= a.published[:10] <= "2026-10-31"}
    assert urls(kept) == october and len(october) == 13
    c = stats.counts
    assert c["filtered/published/extracted"] > 0
    # pages.example/listing is an article to extraction with no date anywhere,
    # and one page is dated after its capture: it has none
    assert c["filtered/published/undated"] == 2
    assert "2 with no date" in summary(c, 3)
    kept, stats = replay(archives, after="2026-12-01")
    assert kept == []
    assert stats.counts["filtered/published/undated"] >= 1  # the future one


def test_filters_combine(archives: list, everything: list[Article]) -> None:
    kept, _ = replay(archives, hosts=[".example"], languages=["en"], after="2026-11-01")
    assert urls(kept) == {a.url for a in everything
                          if a.language == "en" and a.published
                          and a.published[:10] >= "2026-11-01"}
    assert kept
