"""Turns each fetched :class:`~crawler.items.Page` into an article record, or
drops it with a reason counted as ``extract/dropped/<reason>``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.extraction import EXTRACTOR_NAME, ExtractionOptions, extract, extractor_version
from crawler.extraction.blocks import BlockRules
from crawler.extraction.markup import MarkupRules
from crawler.items import Page
from crawler.schema import Article, ExtractorInfo, WarcPointer

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def options_from_settings(settings) -> ExtractionOptions:  # noqa: ANN001 - scrapy Settings
    return ExtractionOptions(
        min_chars=settings.getint("CRAWLER_ARTICLE_MIN_CHARS"),
        untyped_min_chars=settings.getint("CRAWLER_UNTYPED_MIN_CHARS"),
        favor_precision=settings.getbool("CRAWLER_FAVOR_PRECISION"),
        markup=MarkupRules(easylist=settings.getbool("CRAWLER_MARKUP_EASYLIST"),
                           adnet=settings.getbool("CRAWLER_MARKUP_ADNET"),
                           hidden=settings.getbool("CRAWLER_MARKUP_HIDDEN")),
        blocks=BlockRules(label=settings.getbool("CRAWLER_BLOCKS_LABEL"),
                          linklist=settings.getbool("CRAWLER_BLOCKS_LINKLIST"),
                          repeat=settings.getbool("CRAWLER_BLOCKS_REPEAT")),
    )


def iso_utc(when) -> str:  # noqa: ANN001 - datetime
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def page_to_article(page: Page, options: ExtractionOptions) -> tuple[Article, dict[str, int]]:
    """Extract one page into an :class:`Article` (``reason`` set when it is
    none) and the counts of what each cleaning rule removed."""
    if page.status != 200:
        ext = None
        reason = "http_error"
    else:
        ext = extract(page.body, page.url, content_type=page.content_type,
                      fetched_at=page.fetched_at, options=options)
        reason = ext.reason
    fields: dict[str, Any] = {}
    if ext is not None:
        fields = {k: getattr(ext, k) for k in (
            "canonical_url", "title", "author", "date", "sitename", "language",
            "description", "tags", "image", "text", "comments", "blocks")}
    return Article(
        url=page.url,
        fetched_at=iso_utc(page.fetched_at),
        status=page.status,
        warc=WarcPointer(**page.warc) if page.warc else None,
        extractor=ExtractorInfo(name=EXTRACTOR_NAME, version=extractor_version()),
        reason=reason,
        **fields,
    ), (ext.removed if ext is not None else {})


class ExtractionPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.options = options_from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        article, removed = page_to_article(item, self.options)
        for rule, count in removed.items():
            self.stats.inc_value(f"extract/removed/{rule}", count)
        if article.reason is not None:
            self.stats.inc_value(f"extract/dropped/{article.reason}")
            raise DropItem(f"{article.reason}: {item.url}")
        self.stats.inc_value("extract/articles")
        return article
