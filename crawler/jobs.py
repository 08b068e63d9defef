"""Where a crawl's output goes: ``<CRAWLER_OUTPUT_DIR>/<CRAWLER_JOB>/`` (its
layout: :mod:`crawler.jobfolder`), run stamps, process tags and durations."""

from __future__ import annotations

import os
import re
import shutil
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crawler.jobfolder import QUEUE_DIR

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(value: str) -> str:
    """A file-system-safe name: no separators, no leading dots, never empty."""
    name = _UNSAFE.sub("_", value).strip("._")
    return name[:100] or "job"


def job_name_for(urls: list[str]) -> str:
    """Default job name: the first seed's host (and port)."""
    if not urls:
        return "default"
    return safe_name(urlsplit(urls[0]).netloc.replace(":", "_"))


def job_dir(settings: BaseSettings) -> Path:
    job = settings.get("CRAWLER_JOB") or "default"
    return Path(settings.get("CRAWLER_OUTPUT_DIR")) / safe_name(job)


def use_disk_queue(settings: BaseSettings) -> Path | None:
    """Let pending requests wait on disk: Scrapy's JOBDIR queues in
    ``<job>/queue``, emptied first (a run starts its own frontier; resuming is
    the job state's business, docs/incremental.md). Not for a distributed crawl
    (its frontier is in Redis) or when JOBDIR is set already."""
    if (not settings.getbool("CRAWLER_DISK_QUEUE_ENABLED") or settings.get("JOBDIR")
            or settings.getbool("CRAWLER_REDIS_ENABLED")):
        return None
    path = job_dir(settings) / QUEUE_DIR
    shutil.rmtree(path, ignore_errors=True)
    settings.set("JOBDIR", str(path), priority="cmdline")
    return path


def run_stamp(when: datetime | None = None) -> str:
    return (when or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")


def process_tag() -> str:
    return f"{safe_name(socket.gethostname())}-{os.getpid()}"


#: Seconds per duration unit, largest first.
DURATION_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_DURATION = re.compile(r"(?:\d+(?:\.\d+)?\s*[smhdw]\s*)+")


def format_duration(seconds: float) -> str:
    """The inverse of :func:`parse_duration`: ``5400`` -> ``1h30m`` (exact)."""
    rest, parts = int(seconds), []
    for unit, size in DURATION_UNITS.items():
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return "".join(parts) or "0s"


def clock_duration(seconds: float) -> str:
    """An elapsed time as a progress line shows it: ``42s``, ``3m05s``, ``2h07m``."""
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def parse_duration(value: str | float | int) -> float:
    """Seconds in ``30s``, ``15m``, ``6h``, ``1d``, ``1w``, a sum such as
    ``1h30m``, or a plain number of seconds."""
    if isinstance(value, (int, float)):
        return float(value)
    text = value.strip().lower()
    if _NUMBER.fullmatch(text):
        return float(text)
    if not _DURATION.fullmatch(text):
        raise ValueError(f"not a duration: {value!r} (use 30s, 15m, 6h, 1d, 1w, 1h30m)")
    return sum(float(n) * DURATION_UNITS[u] for n, u in _DURATION_PART.findall(text))
