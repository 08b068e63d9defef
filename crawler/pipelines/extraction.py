"""Turns each fetched :class:`~crawler.items.Page` into an article record, or
drops it with a reason counted as ``extract/dropped/<reason>``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.articles import page_to_article
from crawler.extraction import ExtractionOptions
from crawler.extraction.blocks import BlockRules
from crawler.extraction.markup import MarkupRules
from crawler.items import Page

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
