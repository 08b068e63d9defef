"""Log lines for dropped pages: one short line at DEBUG (a crawl drops many
pages on purpose: listings, feeds, error pages); the reason is in the stats.
A page dropped because it is broken (binary bytes served as HTML, too large to
extract, unparsable) is logged at INFO: the site, not the crawl, is at fault,
and someone may want to know."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

#: Drop reasons (``DropItem("<reason>: <url>")``) logged at INFO.
BROKEN_PAGE_REASONS = ("binary", "too_large", "unparsable")


class CrawlerLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None
                ) -> LogFormatterResult:
        broken = str(exception).startswith(tuple(f"{r}: " for r in BROKEN_PAGE_REASONS))
        return {"level": logging.INFO if broken else logging.DEBUG,
                "msg": "Dropped: %(exception)s", "args": {"exception": exception}}
