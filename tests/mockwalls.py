"""The walls corner of the mock site: the pages of the issue-20 corpus
(tests/data/metadata: consent walls, paywall teasers, block and challenge
pages, and articles that must stay articles) served under ``/walls/`` with the
status each came with, and an index page linking to all of them. Nothing of
the regular site links here; ``tests/test_walls_crawl.py`` crawls from
:data:`INDEX`."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

PREFIX = "/walls/"
INDEX = PREFIX
CORPUS = Path(__file__).resolve().parent / "data" / "metadata"
#: The corpus manifest's pages, each served at ``/walls/<file>``.
PAGES: list[dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text("utf-8"))["pages"]
_BY_PATH = {PREFIX + p["file"]: p for p in PAGES}
#: An article that gives no date anywhere, and the feed that dates it: its
#: record's ``published`` comes from the feed.
UNDATED = PREFIX + "undated-story.html"
FEED = PREFIX + "feed.xml"
FEED_DATE = "Tue, 14 Oct 2025 06:45:00 GMT"
_PARAGRAPH = ("The harbour board met on Monday evening to decide the future of the old "
              "ferry slipway, which has been closed to the public since the spring storms "
              "damaged its lower steps and loosened the handrails along the quay wall. ")
UNDATED_HTML = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Harbour board votes to repair the old ferry slipway</title>
<meta property="og:type" content="article">
<script type="application/ld+json">{{"@type": "NewsArticle",
 "headline": "Harbour board votes to repair the old ferry slipway"}}</script>
</head><body><article><h1>Harbour board votes to repair the old ferry slipway</h1>
<p>{_PARAGRAPH}</p><p>{_PARAGRAPH}Members agreed to fund the repair from the reserve.</p>
<p>{_PARAGRAPH}Work is expected to start before the winter tides arrive.</p>
</article></body></html>"""


def respond(path: str) -> tuple[int, dict[str, str], bytes]:
    if path == INDEX:
        links = "".join(f'<li><a href="{html.escape(p)}">{html.escape(p)}</a></li>'
                        for p in _BY_PATH)
        body = (f'<!DOCTYPE html><html><head><link rel="alternate" '
                f'type="application/rss+xml" href="{FEED}"></head>'
                f"<body><ul>{links}</ul></body></html>")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()
    if path == FEED:
        body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>walls</title>'
                f"<item><title>Slipway</title><link>{UNDATED}</link>"
                f"<pubDate>{FEED_DATE}</pubDate></item></channel></rss>")
        return 200, {"Content-Type": "application/rss+xml; charset=utf-8"}, body.encode()
    if path == UNDATED:
        return 200, {"Content-Type": "text/html; charset=utf-8"}, UNDATED_HTML.encode()
    page = _BY_PATH.get(path)
    if page is None:
        return 404, {"Content-Type": "text/plain"}, b"not found"
    return (page.get("status") or 200, {"Content-Type": "text/html; charset=utf-8"},
            (CORPUS / page["file"]).read_bytes())
