"""The crawl report as one self-contained HTML file: inline CSS, inline SVG
charts, a few lines of inline script (sortable tables), and a
Content-Security-Policy that allows exactly those (by hash) and nothing from
the network. Archived data is hostile: every value goes through ``esc`` and
only http(s) URLs become links. Pure."""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from datetime import date, timedelta
from http import HTTPStatus
from urllib.parse import urlsplit

from crawler import __version__
from crawler.report.data import JobRuns, ReportData
from crawler.report.health import METRICS, HealthOptions, HealthWarning, baseline, share
from crawler.report.svg import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    RED,
    bar_chart,
    column_chart,
    esc,
    line_chart,
)

CSS = """
body{font:14px/1.45 system-ui,sans-serif;color:#222;margin:0;background:#f6f7f9}
main{max-width:1000px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:18px;margin:32px 0 8px}
h3{font-size:15px;margin:16px 0 4px}
.meta{color:#555;margin:0 0 16px}
section{background:#fff;border:1px solid #e2e4e8;border-radius:6px;padding:4px 16px 16px;
margin:16px 0}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #e2e4e8;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:22px}
.warn{background:#fdecea;border:1px solid #e6a39a;border-radius:6px;padding:8px 14px;margin:16px 0}
.warn li{margin:2px 0}
.ok{color:#3d8b5a}.bad{color:#c23b22;font-weight:600}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{padding:4px 8px;border-bottom:1px solid #eceef1;text-align:left;vertical-align:top}
th{background:#f0f2f5;font-weight:600}
table.sortable th{cursor:pointer}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.url{word-break:break-all;max-width:360px}
.charts{display:flex;flex-wrap:wrap;gap:8px 24px}
.note{color:#555;font-size:13px}
svg{max-width:100%;height:auto}
"""

SCRIPT = """
function sortKey(cell){var v=cell.getAttribute("data-v");
return v===null?cell.textContent.toLowerCase():parseFloat(v);}
document.querySelectorAll("table.sortable th").forEach(function(th){
th.addEventListener("click",function(){
var col=th.cellIndex,table=th.closest("table"),body=table.tBodies[0],
rows=Array.prototype.slice.call(body.rows);
var asc=th.getAttribute("aria-sort")!=="ascending";
table.querySelectorAll("th").forEach(function(h){h.removeAttribute("aria-sort");});
th.setAttribute("aria-sort",asc?"ascending":"descending");
rows.sort(function(a,b){var x=sortKey(a.cells[col]),y=sortKey(b.cells[col]);
return (x<y?-1:x>y?1:0)*(asc?1:-1);});
rows.forEach(function(r){body.appendChild(r);});});});
"""

#: What each ``extract/removed/<rule>`` counts (docs/extraction.md).
RULES = {
    "adnet": "ad network and promo elements (markup rules)",
    "hidden": "hidden elements (markup rules)",
    "easylist": "EasyList selectors (markup rules)",
    "label": "labelled furniture blocks: Advertisement, Related stories, ... (block rules)",
    "linklist": "link lists and linked headings (block rules)",
    "repeat": "repeated short blocks (block rules)",
    "template": "site template blocks",
}
SERIES = (("empty_or_short", "empty or short", RED),
          ("missing_published", "no published date", ORANGE),
          ("missing_author", "no author", BLUE))
#: Sites with a health chart at most (those with warnings come first).
CHART_SITES = 12


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def link(url: str | None, text: str | None = None) -> str:
    """``url`` as a link when it is http(s), else as text; both escaped."""
    label = esc(text if text else url or "")
    if url and urlsplit(url).scheme in ("http", "https"):
        return f'<a href="{esc(url)}" rel="noopener noreferrer">{label}</a>'
    return label


def num(value: float | None, text: str | None = None) -> str:
    if value is None:
        return '<td class="n" data-v="-1">n/a</td>'
    return f'<td class="n" data-v="{value}">{esc(text if text is not None else f"{value:,}")}</td>'


def pct(part: int, whole: int) -> str:
    return num(part / whole if whole else None, f"{part:,} ({part / whole:.0%})" if whole else "")


def date_columns(by_date: Counter[str]) -> tuple[list[tuple[str, int]], str]:
    """Articles per day (a span up to two months), per month (up to five
    years) or per year, with empty periods in between."""
    days: Counter[date] = Counter()
    for value, count in by_date.items():
        try:
            days[date.fromisoformat(value)] += count
        except ValueError:
            continue
    if not days:
        return [], "day"
    first, last = min(days), max(days)
    if (last - first).days <= 62:
        span = [first + timedelta(d) for d in range((last - first).days + 1)]
        return [(d.isoformat(), days[d]) for d in span], "day"
    if (last.year - first.year) * 12 + last.month - first.month <= 60:
        months: Counter[str] = Counter()
        for d, count in days.items():
            months[f"{d.year:04d}-{d.month:02d}"] += count
        keys, y, m = [], first.year, first.month
        while (y, m) <= (last.year, last.month):
            keys.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return [(k, months[k]) for k in keys], "month"
    years: Counter[str] = Counter()
    for d, count in days.items():
        years[f"{d.year:04d}"] += count
    return [(str(y), years[str(y)]) for y in range(first.year, last.year + 1)], "year"


def status_bars(statuses: Counter[int]) -> list[tuple[str, int, str]]:
    bars = []
    for code in sorted(statuses):
        try:
            name = f"{code} {HTTPStatus(code).phrase}"
        except ValueError:
            name = str(code)
        color = {2: GREEN, 3: BLUE, 4: ORANGE, 5: RED}.get(code // 100, GREY)
        bars.append((name, statuses[code], color))
    return bars


def latest_warnings(job: JobRuns) -> tuple[int | None, list[HealthWarning]]:
    done = [r for r in job.runs if r.data is not None]
    if not done:
        return None, []
    last = done[-1]
    return last.run, [HealthWarning.from_dict(w) for w in last.health]


def overview(data: ReportData) -> str:
    runs = sum(len(j.runs) for j in data.jobs)
    warnings = sum(len(latest_warnings(j)[1]) for j in data.jobs)
    cards = [("articles", f"{data.articles:,}"), ("versions written", f"{data.versions:,}"),
             ("responses archived", f"{sum(data.statuses.values()):,}"),
             ("sites", f"{len(data.sites):,}"), ("runs", f"{runs:,}" if data.jobs else "n/a"),
             ("health warnings", f"{warnings:,}" if data.jobs else "n/a")]
    out = ['<div class="cards">'] + [f'<div class="card"><b>{v}</b>{esc(k)}</div>'
                                     for k, v in cards] + ["</div>"]
    for job in data.jobs:
        run, warns = latest_warnings(job)
        if warns:
            items = "".join(f"<li>{esc(w.message)}</li>" for w in warns)
            out.append(f'<div class="warn" id="health-warnings"><b>Extraction health: '
                       f'{len(warns)} warning(s) in run {run} of {esc(job.job)}</b>'
                       f'<ul>{items}</ul></div>')
    return "".join(out)


def dates_section(data: ReportData) -> str:
    columns, period = date_columns(data.by_date)
    chart = column_chart(columns, label=f"Articles by publication date (per {period})",
                         unit="articles") if columns else '<p class="note">No dated articles.</p>'
    note = f"Latest version of each article, per {period}."
    if data.undated:
        note += f" {data.undated:,} article(s) without a date are not shown."
    return (f'<section id="dates"><h2>Articles by publication date</h2>{chart}'
            f'<p class="note">{esc(note)}</p></section>')


def statuses_section(data: ReportData) -> str:
    if not data.statuses:
        body = '<p class="note">No WARC files.</p>'
    else:
        body = bar_chart(status_bars(data.statuses), label="Responses by HTTP status",
                         unit="responses")
        body += (f'<p class="note">Every response and revisit record of the WARC files '
                 f'(redirect hops and not-modified answers included), counted from the '
                 f'{esc(data.status_source)}.</p>')
    return f'<section id="statuses"><h2>Responses by HTTP status</h2>{body}</section>'


def sites_section(data: ReportData) -> str:
    head = ("<tr><th>site</th><th class=n>pages fetched</th><th class=n>articles</th>"
            "<th class=n>versions</th><th class=n>empty or short extractions</th>"
            "<th class=n>missing published dates</th><th class=n>missing modified dates</th>"
            "<th class=n>missing authors</th><th class=n>walls (blocked, consent, paywall)</th>"
            "<th class=n>junk blocks removed</th><th class=n>median text length</th></tr>")
    rows = []
    for row in sorted(data.sites.values(), key=lambda r: (-r.articles, -r.pages, r.site)):
        median = row.median_text
        rows.append(f"<tr><td>{esc(row.site)}</td>{num(row.pages)}{num(row.articles)}"
                    f"{num(row.versions)}{num(row.empty_or_short)}"
                    f"{pct(row.missing_published, row.articles)}"
                    f"{pct(row.missing_modified, row.articles)}"
                    f"{pct(row.missing_author, row.articles)}{num(row.walls)}"
                    f"{num(row.junk_blocks)}"
                    f"{num(median, f'{median:,} chars' if median is not None else None)}</tr>")
    note = ("Pages fetched: WARC response and revisit records. Articles, missing dates and "
            "authors, text length: the latest version of each article in the JSON lines. "
            "Empty or short extractions, walls (block or challenge pages, consent walls and "
            "paywall teasers, which are not written as articles) and junk blocks (removed "
            "from articles by the block rules) are summed over the runs kept in the job state")
    note += "." if data.jobs else "; without a job state (state.sqlite) they are n/a."
    return (f'<section id="sites"><h2>Sites</h2><table class="sortable" id="sites-table">'
            f'<thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
            f'<p class="note">{esc(note)}</p></section>')


def health_job(job: JobRuns, options: HealthOptions) -> str:
    runs = [r for r in job.runs if r.data is not None]
    if not runs:
        return f"<p class=note>{esc(job.job)}: no run stats kept.</p>"
    per_run = [job.sites(r) for r in runs]
    warned: dict[str, set[int]] = {}
    for i, run in enumerate(runs):
        for w in run.health:
            warned.setdefault(w["site"], set()).add(i)
    sites = sorted({s for counts in per_run for s in counts},
                   key=lambda s: (s not in warned,
                                  -sum(c[s].extracted for c in per_run if s in c), s))
    rows: list[str] = []
    charts: list[str] = []
    for site in sites:
        last = max((i for i, c in enumerate(per_run) if site in c
                    and (c[site].extracted or c[site].articles)), default=None)
        if last is None:
            continue
        now, before = per_run[last][site], baseline(site, per_run[:last], options.history)
        cells = "".join(
            pct(getattr(now, METRICS[m][0]), getattr(now, METRICS[m][1]))
            + num(share(before, m), f"{share(before, m):.0%}" if share(before, m) is not None
                  else None) for m in METRICS)
        status = ('<td class="bad">warning</td>' if last in warned.get(site, ())
                  else '<td class="ok">ok</td>')
        rows.append(f"<tr><td>{esc(site)}</td><td class=n>{runs[last].run}</td>"
                    f"{num(now.extracted)}{num(now.articles)}{cells}{status}</tr>")
        if len(charts) < CHART_SITES and len(runs) > 1:
            series = [(name, color, [share(c[site], m) if site in c else None for c in per_run])
                      for m, name, color in SERIES]
            charts.append(line_chart([str(r.run) for r in runs], series, title=site,
                                     label=f"{site}: shares by run",
                                     marks=sorted(warned.get(site, ()))))
    head = ("<tr><th>site</th><th class=n>run</th><th class=n>candidates</th>"
            "<th class=n>articles</th><th class=n>empty or short</th><th class=n>before</th>"
            "<th class=n>no date</th><th class=n>before</th><th class=n>no author</th>"
            "<th class=n>before</th><th>health</th></tr>")
    history = "".join(f"<li>run {r.run}: {esc(HealthWarning.from_dict(w).message)}</li>"
                      for r in runs for w in r.health)
    out = [f"<h3>{esc(job.job)}</h3>"]
    if history:
        out.append(f'<div class="warn"><b>Warnings</b><ul>{history}</ul></div>')
    out.append(f'<table class="sortable health"><thead>{head}</thead>'
               f'<tbody>{"".join(rows)}</tbody></table>')
    if charts:
        out.append(f'<p class="note">Shares by run (x: run number); a red ring marks a '
                   f'warning.</p><div class="charts">{"".join(charts)}</div>')
    return "".join(out)


def health_section(data: ReportData, options: HealthOptions) -> str:
    if not data.jobs:
        body = ('<p class="note">No job state (state.sqlite) among the paths: extraction '
                'health needs the runs of a job folder.</p>')
    else:
        body = "".join(health_job(job, options) for job in data.jobs)
        body += (f'<p class="note">Per site, the last run that extracted anything: the share '
                 f'of article candidates whose text came out empty or too short (pages already '
                 f'so in an earlier run left out), and of articles without a date or author, '
                 f'beside the same shares pooled over the {options.history} runs before it. A '
                 f'rise of {options.jump:.0%} or more over at least {options.min_pages} pages '
                 f'is a warning: the site probably changed its layout.</p>')
    return f'<section id="health"><h2>Extraction health</h2>{body}</section>'


def runs_section(data: ReportData) -> str:
    if not data.jobs:
        return ""
    rows = []
    removed: Counter[str] = Counter()
    for job in data.jobs:
        for run in job.runs:
            stats = (run.data or {}).get("stats", {})
            for key, value in stats.items():
                if key.startswith("extract/removed/") and isinstance(value, int):
                    removed[key.removeprefix("extract/removed/")] += value
            errors = sum(v for k, v in stats.items() if k.startswith("log_count/ERROR"))
            warnings = len(run.health)
            rows.append(
                f"<tr><td>{esc(job.job)}</td><td class=n>{run.run}</td>"
                f"<td>{esc((run.started or '')[:19].replace('T', ' '))}</td>"
                f"<td>{esc((run.finished or 'not finished')[:19].replace('T', ' '))}</td>"
                f"<td>{esc(run.reason or '')}</td>"
                + (num(stats.get("downloader/response_count", 0))
                   + num(stats.get("jsonl/records_written", 0))
                   + num(stats.get("extract/dropped/not_modified", 0))
                   + num(errors) + num(warnings) if run.data else
                   '<td colspan="5" class="note">no stats kept</td>') + "</tr>")
    head = ("<tr><th>job</th><th class=n>run</th><th>started (UTC)</th><th>finished</th>"
            "<th>reason</th><th class=n>responses</th><th class=n>articles written</th>"
            "<th class=n>not modified</th><th class=n>errors</th>"
            "<th class=n>health warnings</th></tr>")
    out = [(f'<section id="runs"><h2>Runs</h2><table class="sortable"><thead>{head}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')]
    if removed:
        items = "".join(f"<tr><td>{esc(RULES.get(rule, rule))}</td>{num(count)}</tr>"
                        for rule, count in removed.most_common())
        out.append(f"<h3>Junk removed (all runs)</h3><table><thead><tr><th>rule</th>"
                   f"<th class=n>removed</th></tr></thead><tbody>{items}</tbody></table>")
    out.append("</section>")
    return "".join(out)


def articles_table(title: str, anchor: str, articles: list[dict], note: str) -> str:
    if not articles:
        return ""
    rows = "".join(
        f"<tr><td>{link(a['url'], a['title'] or a['url'])}</td>"
        f"<td>{esc(a['published'] or '')}</td>"
        f"<td>{esc(a['authors'] or '')}</td>{num(a['chars'])}{num(a['version'])}</tr>"
        for a in articles)
    return (f'<section id="{anchor}"><h2>{esc(title)}</h2><table class="sortable"><thead><tr>'
            f"<th>title</th><th>published</th><th>authors</th><th class=n>text length</th>"
            f"<th class=n>version</th></tr></thead><tbody>{rows}</tbody></table>"
            f'<p class="note">{esc(note)}</p></section>')


def render(data: ReportData, *, generated: str, options: HealthOptions | None = None) -> str:
    options = options or HealthOptions()
    body = "".join([
        f"<h1>Crawl report: {esc(data.title)}</h1>",
        (f'<p class="meta">Generated {esc(generated)} by crawler {esc(__version__)} from '
         f'{esc(", ".join(data.sources))}</p>'),
        overview(data), dates_section(data), statuses_section(data), sites_section(data),
        health_section(data, options), runs_section(data),
        articles_table("Newest articles", "newest", data.newest,
                       f"The {len(data.newest)} most recent by publication date."),
        articles_table("Articles without a published date or an author", "incomplete",
                       data.incomplete,
                       f"{len(data.incomplete)} of {data.incomplete_total:,}."),
    ])
    csp = (f"default-src 'none'; style-src {csp_hash(CSS)}; script-src {csp_hash(SCRIPT)}; "
           f"base-uri 'none'; form-action 'none'")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="referrer" content="no-referrer">'
            f"<title>Crawl report: {esc(data.title)}</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main><script>{SCRIPT}</script></body></html>\n")
