"""Log lines for dropped pages: one short line at DEBUG (a crawl drops many
pages on purpose: listings, feeds, error pages); the reason is in the stats."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class CrawlerLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None
                ) -> LogFormatterResult:
        return {"level": logging.DEBUG, "msg": "Dropped: %(exception)s",
                "args": {"exception": exception}}
