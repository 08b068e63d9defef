"""The cost of the site-template hold: how long articles wait, how many wait
at once, and what the wait buys.

    python -m benchmarks.hold [--pages 2000] [--promo-from 1000]

One generated site (``benchmarks/memory.py``'s pages: a title, four paragraphs,
navigation, links) whose pages, from page ``--promo-from`` on, carry a promo
paragraph in the article body, in words no lexicon knows (a site that adds a
promo mid-crawl). The pages are extracted once, then finished page by page in
arrival order by :class:`crawler.finishing.ArticleFinisher`, as the crawl's
writer does, with ``CRAWLER_TEMPLATE_HOLD_PAGES`` 0 (no hold) and 10 (the
default). Printed per setting: articles written, articles whose text kept the
promo, the arrival at which the first article was written, how many pages of
the site each article waited (median, p95, max; held to the end counts as
waiting until the last page), the most articles held at once and the size of
their records (JSON, as an estimate of the memory held).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.memory import article  # noqa: E402
from crawler.articles import page_to_article  # noqa: E402
from crawler.extraction import ExtractionOptions  # noqa: E402
from crawler.extraction.template import SiteTemplates, TemplateOptions  # noqa: E402
from crawler.finishing import ArticleFinisher, LocalClaims  # noqa: E402
from crawler.items import Page  # noqa: E402

PROMO = ("Word vandaag lid van de Kwispelclub en ontvang elke vrijdag de beste verhalen "
         "van de baai gratis in je brievenbus.")


def pages(n: int, promo_from: int) -> list[Page]:
    out = []
    for i in range(n):
        body = article(i, n)
        if i >= promo_from:
            body = body.replace(b"</h1>", f"</h1><p>{PROMO}</p>".encode(), 1)
        out.append(Page(url=f"http://site.example/a/{i}.html", status=200,
                        content_type="text/html", body=body,
                        fetched_at=datetime(2026, 12, 4, tzinfo=UTC)))
    return out


def run(articles: list, hold_pages: int) -> dict:
    finisher = ArticleFinisher(templates=SiteTemplates(TemplateOptions(hold_pages=hold_pages)),
                               claims=LocalClaims(), min_chars=250)
    arrived: dict[str, int] = {}
    written: dict[str, int] = {}
    texts: dict[str, str] = {}
    peak = peak_bytes = 0
    held_sizes: dict[str, int] = {}
    for i, art in enumerate(copy.deepcopy(articles)):
        arrived[art.url] = i
        held_sizes[art.url] = len(art.to_json())
        for outcome in finisher.add(art):
            written[outcome.article.url] = i
            texts[outcome.article.url] = outcome.article.text or ""
            held_sizes.pop(outcome.article.url, None)
        if finisher.held > peak:
            peak, peak_bytes = finisher.held, sum(held_sizes.values())
    for outcome in finisher.flush():
        written[outcome.article.url] = len(articles)
        texts[outcome.article.url] = outcome.article.text or ""
    waits = sorted(written[u] - arrived[u] for u in written)
    return {
        "written": len(written),
        "promo_kept": sum(1 for t in texts.values() if "Kwispelclub" in t),
        "first_written_at": min(written.values()) + 1 if written else None,
        "wait_median": statistics.median(waits), "wait_p95": waits[int(len(waits) * 0.95)],
        "wait_max": waits[-1], "held_peak": peak, "held_peak_kb": peak_bytes // 1024,
        "held_at_end": sum(1 for u in written if written[u] == len(articles)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--promo-from", type=int, default=1000)
    args = parser.parse_args(argv)
    started = time.monotonic()
    opts = ExtractionOptions()
    articles = [page_to_article(p, opts).article for p in pages(args.pages, args.promo_from)]
    articles = [a for a in articles if a.reason is None]
    print(f"{len(articles)} articles of one site, promo from page {args.promo_from} "
          f"({time.monotonic() - started:.0f} s to extract)")
    print(f"{'hold':>5} {'written':>8} {'promo kept':>11} {'first at':>9} {'wait med':>9} "
          f"{'p95':>5} {'max':>5} {'held peak':>10} {'peak kB':>8} {'at end':>7}")
    for hold in (0, 10):
        r = run(articles, hold)
        print(f"{hold:>5} {r['written']:>8} {r['promo_kept']:>11} {r['first_written_at']:>9} "
              f"{r['wait_median']:>9} {r['wait_p95']:>5} {r['wait_max']:>5} "
              f"{r['held_peak']:>10} {r['held_peak_kb']:>8} {r['held_at_end']:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
