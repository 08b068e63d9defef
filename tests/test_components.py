"""Scrapy glue components, driven through their hooks without a network
(as scrapy-deltafetch's tests do)."""

from __future__ import annotations

import gc
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.budget import SiteBudgetMiddleware
from crawler.extensions.gcfreeze import GcFreeze
from crawler.frontier.fingerprint import CanonicalRequestFingerprinter
from crawler.items import Page
from crawler.pipelines.extraction import ExtractionPipeline
from crawler.pipelines.jsonlines import JsonLinesWriter
from crawler.report.summary import format_summary, summary_data
from crawler.schema import Article, validator
from tests.conftest import DATA


def crawler_with(**settings):
    """A crawler with the project's settings module, as ``crawler`` runs it."""
    import crawler.settings as project

    base = {k: getattr(project, k) for k in dir(project) if k.isupper()}
    crawler = get_crawler(Spider, settings_dict={**base, **settings})
    crawler.stats.open_spider()
    return crawler


def test_fingerprints_ignore_tracking_and_fragments() -> None:
    fp = CanonicalRequestFingerprinter.from_crawler(crawler_with())
    base = fp.fingerprint(Request("http://x.org/a?id=1"))
    assert fp.fingerprint(Request("http://x.org/a?utm_source=t&id=1#c")) == base
    assert fp.fingerprint(Request("http://X.org:80/a?fbclid=9&id=1")) == base
    assert fp.fingerprint(Request("http://x.org/a?id=2")) != base
    assert fp.fingerprint(Request("http://x.org/a?id=1", method="POST")) != base


def test_site_budget() -> None:
    crawler = crawler_with(CRAWLER_MAX_PAGES_PER_SITE=2)
    mw = SiteBudgetMiddleware.from_crawler(crawler)
    mw.process_request(Request("http://a.org/1"))
    mw.process_request(Request("http://a.org/2"))
    mw.process_request(Request("http://b.org/1"))
    mw.process_request(Request("http://a.org/2", meta={"redirect_times": 1}))  # a hop is free
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request("http://a.org/3"))
    assert crawler.stats.get_value("budget/ignored") == 1
    with pytest.raises(NotConfigured):
        SiteBudgetMiddleware.from_crawler(crawler_with(CRAWLER_MAX_PAGES_PER_SITE=0))


def page(name: str, url: str = "https://gazette.example/news/breakwater.html", status: int = 200,
         ctype: str = "text/html") -> Page:
    return Page(url=url, status=status, body=(DATA / "pages" / name).read_bytes(),
                content_type=ctype, fetched_at=datetime(2026, 11, 26, 9, 30, 1, 250000,
                                                        tzinfo=UTC),
                warc={"filename": "warc/x.warc.gz", "offset": 10, "length": 99,
                      "record_id": "<urn:uuid:12345678-1234-1234-1234-123456789abc>"})


@pytest.mark.parametrize("processes", [0, 2])
def test_extraction_pipeline_articles_and_drops(processes: int) -> None:
    import asyncio

    crawler = crawler_with(CRAWLER_EXTRACT_PROCESSES=processes)
    pipe = ExtractionPipeline.from_crawler(crawler)
    assert (pipe.pool is None) == (processes == 0)
    run = lambda item: asyncio.run(pipe.process_item(item))  # noqa: E731
    article = run(page("article_comments.html"))
    assert isinstance(article, Article)
    record = article.to_dict()
    assert not list(validator().iter_errors(record))
    assert record["fetched_at"] == "2026-11-26T09:30:01.250Z"
    assert record["warc"]["offset"] == 10
    with pytest.raises(DropItem, match="listing_page"):
        run(page("product.html"))
    with pytest.raises(DropItem, match="http_error"):
        run(page("article_comments.html", status=404))
    with pytest.raises(DropItem, match="not_html"):
        run(page("article_comments.html", ctype="application/pdf"))
    pipe.close_spider()
    stats = crawler.stats.get_stats()
    assert stats["extract/articles"] == 1
    assert stats["extract/dropped/listing_page"] == 1
    assert stats["extract/dropped/http_error"] == 1
    assert stats["extract/dropped/not_html"] == 1


def test_extraction_backlog_pauses_downloads_and_wakes_the_engine() -> None:
    """More than CRAWLER_EXTRACT_BACKLOG pages waiting for a worker pause the
    engine's downloading; at half, it resumes and the engine is woken at once
    (Scrapy's unpause alone would wait for its 5 s heartbeat)."""
    import asyncio

    from crawler.articles import page_to_article

    calls: list[str] = []

    class Engine:  # records what the pipeline asks of Scrapy's engine
        class _slot:
            closing = None

            class nextcall:
                schedule = staticmethod(lambda: calls.append("wake"))

        pause = staticmethod(lambda: calls.append("pause"))
        unpause = staticmethod(lambda: calls.append("unpause"))

    crawler = crawler_with(CRAWLER_EXTRACT_BACKLOG=2)
    crawler.engine = Engine()
    pipe = ExtractionPipeline.from_crawler(crawler)
    done: list[str] = []

    class Pool:  # one page at a time, in order, when the test lets it
        def __init__(self) -> None:
            self.turns: asyncio.Queue[None] = asyncio.Queue()

        async def extract(self, item: Page):
            await self.turns.get()
            done.append(item.url)
            return page_to_article(item, pipe.options)

    async def main() -> None:
        pipe.pool = Pool()
        items = [page("article_comments.html", url=f"https://gazette.example/{i}.html")
                 for i in range(4)]
        tasks = [asyncio.create_task(pipe.process_item(item)) for item in items]
        await asyncio.sleep(0)
        assert (pipe.waiting, calls) == (4, ["pause"])  # paused once, at the third
        pipe.pool.turns.put_nowait(None)
        pipe.pool.turns.put_nowait(None)
        while len(done) < 2:
            await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert pipe.waiting == 2 and calls == ["pause"]  # 2 waiting: above half of 2
        pipe.pool.turns.put_nowait(None)
        while len(done) < 3:
            await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert calls == ["pause", "unpause", "wake"]
        pipe.pool.turns.put_nowait(None)
        assert len(await asyncio.gather(*tasks)) == 4  # every page extracted

    asyncio.run(main())
    assert crawler.stats.get_value("extract/backlog_pauses") == 1


def test_jsonlines_writer_writes_whole_lines(tmp_path: Path) -> None:
    crawler = crawler_with(CRAWLER_OUTPUT_DIR=str(tmp_path), CRAWLER_JOB="j",
                           CRAWLER_TEMPLATE_ENABLED=False)
    writer = JsonLinesWriter.from_crawler(crawler)
    writer.open_spider()
    for i in range(3):
        writer.process_item(Article(url=f"https://g.example/{i}", title="Ünïcode “title”"))
    path = Path(writer.path)
    before_close = path.read_bytes()  # flushed as written, not at close
    writer.close_spider()
    lines = before_close.decode("utf-8").splitlines()
    assert len(lines) == 3 and before_close.endswith(b"\n")
    assert json.loads(lines[2])["url"] == "https://g.example/2"
    assert "“title”" in lines[0]  # UTF-8, not \\u escapes
    assert path.parent == tmp_path / "j"
    with pytest.raises(NotConfigured):
        JsonLinesWriter.from_crawler(crawler_with(CRAWLER_JSONL_ENABLED=False))


def test_summary_lines() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    stats = {"start_time": start, "finish_time": start.replace(second=10),
             "finish_reason": "finished", "downloader/response_count": 50,
             "jsonl/records_written": 20, "extract/dropped/listing_page": 5,
             "pages/feed": 1, "downloader/response_status_count/200": 48,
             "downloader/response_status_count/404": 2, "jsonl/filename": "a.jsonl",
             "warc/files": ["w1.warc.gz"]}
    data = summary_data(stats)
    assert data["pages_per_second"] == 5.0 and data["articles_per_second"] == 2.0
    assert data["dropped"] == {"listing_page": 5, "feed": 1}
    text = format_summary(data)
    assert "pages fetched:    50 (5.0 pages/s, 0 bytes)" in text
    assert "200: 48, 404: 2" in text and "WARC:             w1.warc.gz" in text


def test_writer_holds_a_site_until_its_template_is_known(tmp_path: Path) -> None:
    """The obfuscated site of the ad corpus, page by page as a crawl would see it:
    each page is held until each of its blocks is decided (its own paragraphs
    after 10 pages of the site), then written without the template."""
    from crawler.articles import page_to_article

    manifest = json.loads((DATA / "adcorpus" / "manifest.json").read_text("utf-8"))
    pages = manifest["site"]["pages"]
    crawler = crawler_with(CRAWLER_OUTPUT_DIR=str(tmp_path), CRAWLER_JOB="site",
                           CRAWLER_TEMPLATE_HOLD_PAGES=10)
    writer = JsonLinesWriter.from_crawler(crawler)
    writer.open_spider()
    path = Path(writer.path)
    written_after = []
    for p in pages:
        item = Page(url=p["url"], status=200, content_type="text/html",
                    body=(DATA / "adcorpus" / p["file"]).read_bytes(),
                    fetched_at=datetime(2026, 11, 26, tzinfo=UTC))
        article = page_to_article(item, ExtractionPipeline.from_crawler(crawler).options).article
        writer.process_item(article)
        written_after.append(len(path.read_text("utf-8").splitlines()))
    assert written_after[:9] == [0] * 9  # nothing decided before 10 pages
    assert written_after[9] == 1  # the first page's own blocks: 10 pages of exposure
    assert all(n <= i - 8 for i, n in enumerate(written_after[9:], start=9))
    assert crawler.stats.get_value("template/held") == len(pages) - written_after[-1]
    writer.close_spider()
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert len(records) == len(pages)
    for record, p in zip(records, pages, strict=True):
        text = " ".join(record["text"].split())
        assert not [j for j in p["must_not_have"] if j in text], p["file"]
        assert all(" ".join(s.split()) in text for s in p["must_have"])
    assert crawler.stats.get_value("extract/removed/template") > 0
    saved = json.loads((tmp_path / "site" / "site-templates.json").read_text())
    assert saved["sites"]["obfuscated-daily.example"]["pages"] == len(pages)


def test_extraction_rules_follow_settings() -> None:
    pipe = ExtractionPipeline.from_crawler(crawler_with(CRAWLER_MARKUP_EASYLIST_ENABLED=True,
                                                        CRAWLER_BLOCKS_LABEL_ENABLED=False))
    assert pipe.options.markup.easylist and pipe.options.markup.hidden
    assert not pipe.options.blocks.label and pipe.options.blocks.linklist


def test_links_already_asked_for_build_no_request() -> None:
    from scrapy.http import HtmlResponse

    from crawler.spiders.article import ArticleSpider

    crawler = crawler_with(DEPTH_LIMIT=2, CRAWLER_JOB="links")
    spider = ArticleSpider.from_crawler(crawler, start="https://g.example/")
    links = "".join(f'<a href="/a{i % 3}.html?utm_source=x#c{i}">x</a>' for i in range(30))
    body = f"<html><body>{links}<a href='https://elsewhere.example/'>o</a></body></html>"
    page = HtmlResponse("https://g.example/", body=body.encode(), encoding="utf-8",
                        request=Request("https://g.example/", meta={"depth": 0}))
    requests = list(spider.parse_links(page))
    assert [r.url for r in requests] == [f"https://g.example/a{i}.html" for i in range(3)]
    stats = crawler.stats.get_stats()
    assert stats["discovery/seen_before"] == 27 and stats["discovery/out_of_scope"] == 1
    assert list(spider.parse_links(page)) == []  # the same links again: nothing new
    fp = CanonicalRequestFingerprinter.from_crawler(crawler)
    assert fp.fingerprint(requests[0]) == fp.fingerprint(Request("https://g.example/a0.html#x"))
    deep = HtmlResponse("https://g.example/b.html", body=body.encode(), encoding="utf-8",
                        request=Request("https://g.example/b.html", meta={"depth": 2}))
    assert list(spider.parse_links(deep)) == []  # at DEPTH_LIMIT: no link is even built


def test_recent_links_are_bounded_and_scope_is_memoized() -> None:
    from crawler.spiders.article import ArticleSpider, RecentSet

    recent = RecentSet(3)
    assert [recent.add(x) for x in "abca"] == [True, True, True, False]
    assert recent.add("d") and len(recent) == 3  # "a" went out, oldest first
    assert recent.add("a")
    crawler = crawler_with(CRAWLER_JOB="scope")
    spider = ArticleSpider.from_crawler(crawler, start="https://www.g.example/")
    assert spider.in_scope("https://g.example/x") and spider.in_scope("https://sub.g.example/")
    assert not spider.in_scope("https://other.example/x")
    assert spider.scope_memo == {"g.example": True, "sub.g.example": True,
                                 "other.example": False}


def test_gc_freeze_when_the_spider_opens_and_off_by_setting() -> None:
    with pytest.raises(NotConfigured):
        GcFreeze.from_crawler(crawler_with(CRAWLER_GC_FREEZE_ENABLED=False))
    GcFreeze.from_crawler(crawler_with())
    assert "crawler.extensions.gcfreeze.GcFreeze" in crawler_with().settings.getdict(
        "EXTENSIONS")
    ext = GcFreeze()
    gc.unfreeze()
    try:
        ext.spider_opened()
        # what the process holds is out of the collector's generations, and a
        # new object is not
        assert gc.get_freeze_count() > 1000
        assert len(gc.get_objects()) < gc.get_freeze_count()
    finally:
        gc.unfreeze()


def test_run_stats_count_what_the_finisher_kept_not_the_copies_it_dropped(tmp_path: Path) -> None:
    from crawler.extensions.runstats import RunStats
    from crawler.finishing import DUPLICATE
    from crawler.pipelines.finish import article_finished

    crawler = crawler_with(CRAWLER_OUTPUT_DIR=str(tmp_path), CRAWLER_JOB="j")
    stats = crawler.get_extension(RunStats)
    page = Article(url="https://g.example/a.html", text="Body.", published="2026-12-04")
    copy = Article(url="https://g.example/amp/a.html", text="Body.")
    crawler.signals.send_catch_log(article_finished, article=copy, dropped=DUPLICATE)
    crawler.signals.send_catch_log(article_finished, article=page, dropped=None)
    counts = stats.sites["g.example"]
    assert (counts.extracted, counts.articles, counts.missing_published) == (1, 1, 0)
