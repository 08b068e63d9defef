"""What a crawl report shows, gathered from a job's files: its articles (JSON
lines, latest version of each), its responses (the CDXJ index when it is up to
date, else the WARC records themselves) and its runs (the job state's
``run_stats``). Pure: no Scrapy, no HTML."""

from __future__ import annotations

import json
import logging
import statistics
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.frontier.urls import site_of
from crawler.jobfolder import STATE_FILE, WARC_DIR
from crawler.jsonl import iter_records, jsonl_files
from crawler.report.health import SiteCounts, sites_from_json
from crawler.state.store import RunInfo, read_runs
from crawler.warc.index import INDEX_NAME
from crawler.warc.reader import Archive, ArchiveError, find_archives

logger = logging.getLogger(__name__)
#: Articles listed in the report's article tables (each).
LIST_LIMIT = 50


@dataclass
class SiteRow:
    site: str
    #: Responses archived (WARC response and revisit records).
    pages: int = 0
    #: Distinct articles (latest versions) and all versions written.
    articles: int = 0
    versions: int = 0
    missing_published: int = 0
    missing_modified: int = 0
    missing_author: int = 0
    text_lengths: list[int] = field(default_factory=list, repr=False)
    #: From the runs' stats (None without a job state): summed over the runs.
    empty_or_short: int | None = None
    junk_blocks: int | None = None
    #: Pages not written because their text was a wall (block, consent, paywall).
    walls: int | None = None

    @property
    def median_text(self) -> int | None:
        return int(statistics.median(self.text_lengths)) if self.text_lengths else None


@dataclass
class JobRuns:
    job: str
    runs: list[RunInfo]

    def sites(self, run: RunInfo) -> dict[str, SiteCounts]:
        return sites_from_json(run.data.get("sites", {})) if run.data else {}


@dataclass
class ReportData:
    title: str
    sources: list[str]
    articles: int = 0
    versions: int = 0
    undated: int = 0
    #: ``YYYY-MM-DD`` -> articles published that day.
    by_date: Counter[str] = field(default_factory=Counter)
    #: HTTP status -> responses; where they were counted ("CDXJ index", "WARC records").
    statuses: Counter[int] = field(default_factory=Counter)
    status_source: str | None = None
    sites: dict[str, SiteRow] = field(default_factory=dict)
    jobs: list[JobRuns] = field(default_factory=list)
    #: The newest articles, and articles without a date or author (latest versions).
    newest: list[dict] = field(default_factory=list)
    incomplete: list[dict] = field(default_factory=list)
    incomplete_total: int = 0

    def site(self, name: str) -> SiteRow:
        if name not in self.sites:
            self.sites[name] = SiteRow(name)
        return self.sites[name]


def summary_of(record: dict) -> dict:
    """The fields of a record that the article tables show."""
    return {k: record.get(k) for k in ("url", "title", "published", "sitename")} | {
        "authors": "; ".join(record.get("authors") or []),
        "chars": len(record.get("text") or ""), "version": record.get("version")}


def add_articles(data: ReportData, files: list[Path]) -> None:
    def version(record: dict) -> None:
        data.versions += 1
        data.site(site_of(record["url"])).versions += 1

    newest: list[tuple[str, dict]] = []
    for record in iter_records(files, every=version):
        row = data.site(site_of(record["url"]))
        row.articles += 1
        data.articles += 1
        row.text_lengths.append(len(record.get("text") or ""))
        published = record.get("published")
        date = published[:10] if published else None
        if date:
            data.by_date[date] += 1
        else:
            data.undated += 1
            row.missing_published += 1
        if not record.get("modified"):
            row.missing_modified += 1
        if not record.get("authors"):
            row.missing_author += 1
        if not date or not record.get("authors"):
            data.incomplete_total += 1
            if len(data.incomplete) < LIST_LIMIT:
                data.incomplete.append(summary_of(record))
        newest.append((date or "", summary_of(record)))
        if len(newest) > 4 * LIST_LIMIT:
            newest = sorted(newest, key=lambda x: x[0], reverse=True)[:LIST_LIMIT]
    data.newest = [s for _, s in sorted(newest, key=lambda x: x[0], reverse=True)[:LIST_LIMIT]]


def fresh_index(folder: Path, archives: list[Archive]) -> Path | None:
    """The job's CDXJ index when it is newer than every WARC file of the job."""
    index = folder / WARC_DIR / INDEX_NAME
    if not index.is_file() or not archives:
        return None
    newest = max(a.path.stat().st_mtime for a in archives)
    return index if index.stat().st_mtime >= newest else None


def statuses_from_index(data: ReportData, index: Path) -> None:
    with open(index, encoding="utf-8") as f:
        for line in f:
            parts = line.split(" ", 2)
            if len(parts) < 3:
                continue
            entry = json.loads(parts[2])
            status = int(entry.get("status") or 0)
            data.statuses[status] += 1
            data.site(site_of(entry.get("url", ""))).pages += 1


def statuses_from_warcs(data: ReportData, archives: Iterable[Archive]) -> None:
    """Every response and revisit record's status; bodies are skipped, not read."""
    for archive in archives:
        try:
            with archive.open() as stream:
                for record in ArchiveIterator(stream):
                    if record.rec_type not in ("response", "revisit") or not record.http_headers:
                        continue
                    data.statuses[int(record.http_headers.get_statuscode() or 0)] += 1
                    url = (record.rec_headers.get_header("WARC-Target-URI")
                           or record.rec_headers.get_header("uri") or "")  # ARC: uri
                    data.site(site_of(url)).pages += 1
        except (ArchiveLoadFailed, OSError, EOFError, zipfile.BadZipFile) as exc:
            logger.warning("%s: unreadable after the records counted (%s)", archive.name, exc)


def add_runs(data: ReportData, job: JobRuns) -> None:
    data.jobs.append(job)
    for run in job.runs:
        for site, counts in job.sites(run).items():
            row = data.site(site)
            row.empty_or_short = (row.empty_or_short or 0) + counts.empty_or_short \
                + counts.short_again
            row.junk_blocks = (row.junk_blocks or 0) + counts.junk_blocks
            row.walls = (row.walls or 0) + counts.walls


def gather(paths: Sequence[str | Path]) -> ReportData:
    """Everything the report shows, from job folders, JSON lines files and
    WARC/WACZ files. Raises ``ArchiveError`` or ``RecordError`` for a path it
    cannot read."""
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    title = ", ".join(f.resolve().name for f in folders) or ", ".join(Path(p).name for p in paths)
    data = ReportData(title=title, sources=[str(p) for p in paths])
    jsonl: list[Path] = []
    archives: list[Archive] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            jsonl.extend(jsonl_files([path]))
            found = find_archives([path])
            index = fresh_index(path, found)
            if index is not None:
                statuses_from_index(data, index)
                data.status_source = "CDXJ index"
            else:
                archives.extend(found)
            if (path / STATE_FILE).is_file():
                add_runs(data, JobRuns(path.resolve().name, read_runs(path / STATE_FILE)))
        elif path.suffix == ".jsonl":
            jsonl.extend(jsonl_files([path]))
        elif path.is_file():
            archives.extend(find_archives([path]))
        else:
            raise ArchiveError(f"no such file or folder: {path}")
    if archives:
        statuses_from_warcs(data, archives)
        data.status_source = "WARC records" if data.status_source is None \
            else "CDXJ index and WARC records"
    add_articles(data, jsonl)
    return data
