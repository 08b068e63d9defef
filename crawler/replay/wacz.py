"""The pages list of a WACZ package, from a job's article JSON lines.

A WACZ's ``pages/pages.jsonl`` is what ReplayWeb.page lists and searches: a
header line, then one line per page with ``url``, ``ts`` (when it was
captured) and ``title``. ``crawler wacz`` writes one entry per article and
passes the file to py-wacz (``wacz create --pages FILE``), which keeps the
entries it finds a capture for (same URL, same second) and adds their ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from crawler.jobfolder import article_files
from crawler.jsonl import iter_records

PAGES_FORMAT = "json-pages-1.0"


def page_entries(lines: Iterable[str | bytes | dict], *, text: bool = False) -> list[dict]:
    """One page entry per article: ``{"url", "title", "ts"}`` (``ts`` is the
    record's ``fetched_at``; ``title`` falls back to the URL), plus ``text``
    when asked. Blank lines, records without a URL and records with a
    ``reason`` (not articles) are skipped; a URL seen before is skipped too.
    Raises ``ValueError`` (with the line number) on a line that is not JSON."""
    pages: list[dict] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if isinstance(line, dict):
            record = line
        else:
            if isinstance(line, bytes):
                line = line.decode("utf-8")
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {number}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise ValueError(f"line {number}: not a JSON object")
        url = record.get("url")
        if not url or record.get("reason") or url in seen:
            continue
        seen.add(url)
        entry = {"url": url, "title": record.get("title") or url}
        if record.get("fetched_at"):
            entry["ts"] = record["fetched_at"]
        if text and record.get("text"):
            entry["text"] = record["text"]
        pages.append(entry)
    return pages


def job_page_entries(job: Path, *, text: bool = False) -> list[dict]:
    """:func:`page_entries` of a job folder's articles, the latest version of
    each (the one ``crawler export`` gives: :func:`crawler.jsonl.iter_records`)."""
    return page_entries(iter_records(article_files(job)), text=text)


def pages_jsonl(pages: Iterable[dict], *, title: str = "Articles", list_id: str = "pages") -> str:
    """The text of a pages file: the header line, then one line per page."""
    header = {"format": PAGES_FORMAT, "id": list_id, "title": title}
    return "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in [header, *pages])
