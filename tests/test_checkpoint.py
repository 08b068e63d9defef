"""Replay checkpoints (``crawler/replay/checkpoint.py``): what a finisher holds
and has claimed comes back as it was saved, whatever happened after."""

from __future__ import annotations

import copy
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.articles import page_to_article
from crawler.extraction import ExtractionOptions
from crawler.extraction.template import SiteTemplates, TemplateOptions
from crawler.finishing import ArticleFinisher, Outcome
from crawler.items import Page
from crawler.replay.checkpoint import Checkpoint, CheckpointError, checkpoint_path
from crawler.schema import Article
from tests.corpuswarcs import single_pages, site_pages

ARGS = {"archives": [["/a.warc.gz", None, 10]], "filters": "PageFilter()"}


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    """The site's 12 pages and two single pages, the first of them twice."""
    captures = [*site_pages(), *single_pages()[:2], single_pages()[0]]
    return [page_to_article(Page(url=c.url, status=200, body=c.body,
                                 content_type="text/html", fetched_at=datetime.now(UTC)),
                            ExtractionOptions()).article for c in captures]


def finisher(checkpoint: Checkpoint, templates: SiteTemplates | None = None) -> ArticleFinisher:
    return ArticleFinisher(min_chars=250, claims=checkpoint.claims,
                           templates=templates or SiteTemplates(TemplateOptions()))


def outcomes(f: ArticleFinisher, articles: list[Article]) -> list[tuple[str, str | None, str]]:
    found: list[Outcome] = []
    for a in articles:
        found += f.add(copy.deepcopy(a))
    found += f.flush()
    return [(o.article.url, o.dropped, o.article.text or "") for o in found]


def test_a_resumed_finisher_goes_on_as_the_uninterrupted_one(articles: list[Article],
                                                             tmp_path: Path) -> None:
    ref = Checkpoint.start(tmp_path / "ref.checkpoint", ARGS)
    expected = outcomes(finisher(ref), articles)
    ref.remove()
    assert [d for _, d, _ in expected].count("duplicate") == 1

    path = tmp_path / "out.jsonl.checkpoint"
    first = Checkpoint.start(path, ARGS)
    f = finisher(first)
    before: list[Outcome] = []
    for a in articles[:8]:  # the site's first 8 pages: held for its template
        before += f.add(copy.deepcopy(a))
    assert before == [] and f.held == 8
    first.save(1, 123, {"pages": 8}, f)
    for a in articles[8:]:  # what comes after the checkpoint is lost with the kill
        f.add(copy.deepcopy(a))
    first.db.close()  # killed: the open transaction is not committed

    again = Checkpoint.resume(path, ARGS)
    saved = again.saved
    assert saved is not None
    assert (saved.archives_done, saved.output_bytes, saved.counts) == (1, 123, {"pages": 8})
    resumed = finisher(again, saved.templates_for(TemplateOptions()))
    saved.restore(resumed)
    assert resumed.held == 8
    assert not again.claims.taken({articles[8].url}, "x")  # claimed after the save
    assert outcomes(resumed, articles[8:]) == expected
    again.remove()
    assert not path.exists() and not Path(str(path) + "-journal").exists()


def test_claims_count_once_saved(tmp_path: Path) -> None:
    path = tmp_path / "c.checkpoint"
    first = Checkpoint.start(path, ARGS)
    assert first.claims.claim({"a", "b"}, "https://x.example/1")
    assert not first.claims.claim({"b", "c"}, "https://x.example/2")  # b is taken
    first.save(1, 0, {}, ArticleFinisher(claims=first.claims))
    assert first.claims.claim({"c"}, "https://x.example/3")
    first.close()
    again = Checkpoint.resume(path, ARGS)
    assert again.claims.taken({"a"}, "") and again.claims.taken({"b"}, "")
    assert not again.claims.taken({"c"}, "")
    again.close()


def test_a_checkpoint_of_other_arguments_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.checkpoint"
    Checkpoint.start(path, ARGS).close()
    other = {**ARGS, "filters": "PageFilter(languages=frozenset({'de'}))", "extractor": "2"}
    with pytest.raises(CheckpointError, match=r"other arguments \(extractor, filters differ\)"):
        Checkpoint.resume(path, other)
    Checkpoint.resume(path, ARGS).close()  # refusing it changed nothing


def test_a_file_that_is_no_checkpoint_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.checkpoint"
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(CheckpointError, match=r"is not a replay checkpoint.*--restart"):
        Checkpoint.resume(path, ARGS)
    sqlite3.connect(tmp_path / "empty.checkpoint").execute(
        "CREATE TABLE checkpoint (id)").connection.close()
    with pytest.raises(CheckpointError, match="--restart"):
        Checkpoint.resume(tmp_path / "empty.checkpoint", ARGS)
    Checkpoint.start(path, ARGS).remove()  # --restart: a new one replaces it


def test_the_checkpoint_is_beside_the_output() -> None:
    assert checkpoint_path(Path("out/news.jsonl")) == Path("out/news.jsonl.checkpoint")
