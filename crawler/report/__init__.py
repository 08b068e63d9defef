"""The crawl report (``crawler report``): one self-contained HTML file with
charts and tables about a job, gathered from its files (``data.py``), drawn as
inline SVG (``svg.py``) and rendered with every value escaped (``html.py``).
Pure: no Scrapy."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from crawler.report.data import ReportData, gather
from crawler.report.health import HealthOptions
from crawler.report.html import render

__all__ = ["ReportData", "build", "gather", "render"]


def build(paths: Sequence[str | Path], *, generated: str,
          options: HealthOptions | None = None) -> tuple[str, ReportData]:
    """The report's HTML and the data shown in it."""
    data = gather(paths)
    return render(data, generated=generated, options=options), data
