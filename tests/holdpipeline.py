"""A test-only item pipeline: holds the first item whose URL ends with the
``TEST_HOLD_PATH`` setting (never finishes it) and writes the process id to
``TEST_HOLD_MARKER``, so a test can kill the process while it holds a page
that was fetched and not yet written."""

from __future__ import annotations

import asyncio
import os


class HoldPipeline:
    def __init__(self, path: str, marker: str) -> None:
        self.path, self.marker = path, marker

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings["TEST_HOLD_PATH"], crawler.settings["TEST_HOLD_MARKER"])

    async def process_item(self, item):
        if getattr(item, "url", "").endswith(self.path) and not os.path.exists(self.marker):
            with open(self.marker, "w") as f:
                f.write(str(os.getpid()))
            await asyncio.sleep(3600)
        return item
