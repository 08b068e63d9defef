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


def respond(path: str) -> tuple[int, dict[str, str], bytes]:
    if path == INDEX:
        links = "".join(f'<li><a href="{html.escape(p)}">{html.escape(p)}</a></li>'
                        for p in _BY_PATH)
        body = f"<!DOCTYPE html><html><body><ul>{links}</ul></body></html>"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()
    page = _BY_PATH.get(path)
    if page is None:
        return 404, {"Content-Type": "text/plain"}, b"not found"
    return (page.get("status") or 200, {"Content-Type": "text/html; charset=utf-8"},
            (CORPUS / page["file"]).read_bytes())
