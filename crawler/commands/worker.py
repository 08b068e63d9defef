"""``crawler worker --redis URL --job NAME``: join a distributed crawl."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from scrapy.exceptions import UsageError

from crawler.commands.crawl import Command as CrawlCommand
from crawler.commands.crawl import check_writable, use_redis
from crawler.jobs import job_dir, safe_name
from crawler.options import check_extraction_settings
from crawler.report.summary import format_summary, summary_data
from crawler.spiders.article import ArticleSpider


class Command(CrawlCommand):
    def syntax(self) -> str:
        return "--redis URL --job NAME [options]"

    def short_desc(self) -> str:
        return "Join a distributed crawl: take requests from its Redis frontier"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super(CrawlCommand, self).process_options(args, opts)
        if args:
            raise UsageError("a worker takes no URL; seed with 'crawler crawl --redis'",
                             print_help=False)
        if not opts.redis or not opts.job:
            raise UsageError("a worker needs --redis URL and --job NAME", print_help=False)
        if opts.seeds or opts.allow_domain:
            raise UsageError("a worker takes its seeds and scope from the crawl it joins; give "
                             "--seeds and --allow-domain to 'crawler crawl --redis'",
                             print_help=False)
        s = self.settings
        assert s is not None
        if opts.output:
            s.set("CRAWLER_OUTPUT_DIR", opts.output, priority="cmdline")
        s.set("CRAWLER_JOB", safe_name(opts.job), priority="cmdline")
        self.limits(opts)
        if opts.user_agent:
            s.set("USER_AGENT", opts.user_agent, priority="cmdline")
        self.output_options(opts)
        check_extraction_settings(s)
        use_redis(s, opts.redis, new_crawl=False)
        check_writable(job_dir(s))

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None
        self.quiet_libraries()
        crawler = self.crawler_process.create_crawler(ArticleSpider)
        self.crawler_process.crawl(crawler, worker=True)
        self.crawler_process.start()
        data = summary_data(crawler.stats.get_stats())
        print(format_summary(data))
        if opts.summary_json:
            Path(opts.summary_json).write_text(json.dumps(data, default=str, indent=2))
        if data["finish_reason"] not in ("finished", "closespider_pagecount"):
            self.exitcode = 1
