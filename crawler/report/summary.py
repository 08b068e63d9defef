"""The end-of-crawl summary, built from the crawl's stats (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_PAGE_KINDS = ("robots", "sitemap", "feed")


def dropped_by_reason(stats: Mapping[str, Any]) -> dict[str, int]:
    reasons: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith("extract/dropped/"):
            reasons[key.removeprefix("extract/dropped/")] = value
    for kind in _PAGE_KINDS:
        if stats.get(f"pages/{kind}"):
            reasons[kind] = stats[f"pages/{kind}"]
    if stats.get("dedup/dropped"):
        reasons["duplicate"] = stats["dedup/dropped"]
    return dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))


def failed_fetches(stats: Mapping[str, Any]) -> dict[str, int]:
    """Requests that got no page, by reason (``fetch/failed/<reason>``)."""
    prefix = "fetch/failed/"
    found = {k.removeprefix(prefix): v for k, v in stats.items() if k.startswith(prefix)}
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


def responses_by_status(stats: Mapping[str, Any]) -> dict[str, int]:
    prefix = "downloader/response_status_count/"
    return {k.removeprefix(prefix): v for k, v in sorted(stats.items()) if k.startswith(prefix)}


def summary_data(stats: Mapping[str, Any]) -> dict[str, Any]:
    start, end = stats.get("start_time"), stats.get("finish_time")
    elapsed = (end - start).total_seconds() if start and end else None
    fetched = stats.get("downloader/response_count", 0)
    articles = stats.get("jsonl/records_written", 0)
    return {
        "finish_reason": stats.get("finish_reason"),
        "elapsed_seconds": round(elapsed, 2) if elapsed is not None else None,
        "pages_fetched": fetched,
        "requests": stats.get("downloader/request_count", 0),
        "bytes_received": stats.get("downloader/response_bytes", 0),
        "articles_written": articles,
        "pages_per_second": round(fetched / elapsed, 2) if elapsed else None,
        "articles_per_second": round(articles / elapsed, 2) if elapsed else None,
        "dropped": dropped_by_reason(stats),
        "responses_by_status": responses_by_status(stats),
        "failed": failed_fetches(stats),
        "errors": {k: v for k, v in stats.items()
                   if k.startswith(("log_count/ERROR", "warc/errors", "jsonl/errors"))},
        "warc_files": stats.get("warc/files", []),
        "jsonl_file": stats.get("jsonl/filename"),
        "cdxj_index": stats.get("warc/index"),
        "health_warnings": list(stats.get("health/warnings", [])),
    }


def format_summary(data: Mapping[str, Any]) -> str:
    lines = [
        f"Crawl {data['finish_reason']} in {data['elapsed_seconds']} s",
        f"  pages fetched:    {data['pages_fetched']} ({data['pages_per_second']} pages/s, "
        f"{data['bytes_received']} bytes)",
        f"  articles written: {data['articles_written']} "
        f"({data['articles_per_second']} articles/s)",
    ]
    if data["dropped"]:
        lines.append("  not articles:     " + ", ".join(
            f"{k} {v}" for k, v in data["dropped"].items()))
    if data["responses_by_status"]:
        lines.append("  responses:        " + ", ".join(
            f"{k}: {v}" for k, v in data["responses_by_status"].items()))
    if data.get("failed"):
        lines.append("  failed fetches:   " + ", ".join(
            f"{k} {v}" for k, v in data["failed"].items()))
    for warning in data.get("health_warnings", []):
        lines.append("  health warning:   " + warning)
    if data["errors"]:
        lines.append("  errors:           " + ", ".join(
            f"{k} {v}" for k, v in data["errors"].items()))
    lines.append("  JSON lines:       " + str(data["jsonl_file"]))
    for path in data["warc_files"]:
        lines.append("  WARC:             " + path)
    if data.get("cdxj_index"):
        lines.append("  CDXJ index:       " + data["cdxj_index"])
    return "\n".join(lines)
