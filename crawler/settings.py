"""Every default of the project, Scrapy's and ours, in one place.

Scrapy reads this module through ``scrapy.cfg`` (``scrapy crawl article``) and
the ``crawler`` command sets it as ``SCRAPY_SETTINGS_MODULE``. Our own settings
carry the ``CRAWLER_`` prefix; each is documented here, in the comment above it.
"""

from __future__ import annotations

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Identity and politeness --------------------------------------------------
#: Where site owners can reach the crawl's operator (a page or mailto:); goes
#: into the User-Agent (crawler/identity.py). Empty: ``crawler/<version>``, and a
#: crawl of sites beyond this machine warns once.
CRAWLER_CONTACT_URL = ""
#: The User-Agent when a contact is given; ``{version}`` and ``{contact}`` are filled in.
CRAWLER_USER_AGENT = "crawler/{version} (+{contact})"
#: Built when the settings are final (-s and --user-agent included).
ADDONS = {
    "crawler.options.RenamedSettings": 0,  # earlier setting names still work
    "crawler.identity.Identity": 10,
}
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False
DOWNLOAD_TIMEOUT = 30
#: 5xx and timeouts are retried this many times, then given up.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: Retries wait (crawler/downloadermiddlewares/retry.py): as long as a
#: Retry-After header asks, else this many seconds, doubled for each next retry
#: (0: retry at once) ...
CRAWLER_RETRY_BACKOFF_SECONDS = 1.0
#: ... and never longer than this (seconds), Retry-After included.
CRAWLER_RETRY_MAX_DELAY_SECONDS = 120.0
REDIRECT_MAX_TIMES = 10
#: Bodies larger than this are abandoned, decompressed size included (a gzip
#: bomb stops here); pages larger than the warning size are logged.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
#: A response cut short (fewer bytes than its Content-Length) still reaches the
#: WARC capture (marked WARC-Truncated: disconnect); the retry middleware then
#: retries it and, when retries are spent, fails it as Scrapy would.
DOWNLOAD_FAIL_ON_DATALOSS = False
#: Error pages reach the spider so they are counted as dropped by reason.
HTTPERROR_ALLOW_ALL = True
#: Only http(s) is fetched: no handler for file://, ftp://, s3:// (a hostile
#: page, feed or sitemap must never make the crawler read local files).
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None}

# --- Scope and traps ----------------------------------------------------------
#: Links deeper than this many hops from a seed are not followed.
DEPTH_LIMIT = 6
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
#: Scrapy's scheduler whose disk queue fails safe on a full disk (crawler/frontier/scheduler.py).
SCHEDULER = "crawler.frontier.scheduler.SafeDiskScheduler"
#: Follow links found on HTML pages (within scope).
CRAWLER_FOLLOW_LINKS_ENABLED = True
#: Links as found on pages remembered to skip them cheaply (a bounded cache;
#: the de-duplication itself is exact and does not depend on it).
CRAWLER_RECENT_LINKS = 50_000
#: Requests per site (host) at most; further requests to it are ignored.
CRAWLER_MAX_PAGES_PER_SITE = 5000
#: Extra domains in scope besides the seeds' sites.
CRAWLER_ALLOWED_DOMAINS: list[str] = []
#: Query parameters that never make a different page (exact names).
CRAWLER_TRACKING_PARAMS = [
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "mc_cid", "mc_eid", "_ga", "_gl", "igshid", "ocid", "cmpid", "icid",
    "ncid", "sr_share", "spm", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id",
    "oly_enc_id", "vero_id", "rb_clickid", "s_cid", "ref_src", "ref_url",
]
#: Query parameter prefixes that never make a different page.
CRAWLER_TRACKING_PREFIXES = ["utm_", "pk_", "mtm_", "hsa_"]
REQUEST_FINGERPRINTER_CLASS = "crawler.frontier.fingerprint.CanonicalRequestFingerprinter"
#: Requested URLs are remembered on disk (crawler/frontier/seen.py), not in memory ...
DUPEFILTER_CLASS = "crawler.frontier.dupefilter.DiskDupeFilter"
#: ... with this much of the store cached in memory (KiB).
CRAWLER_SEEN_CACHE_KIB = 8192
#: Pending requests wait on disk (Scrapy's JOBDIR queues in <job>/queue, emptied
#: when a run starts) instead of in memory.
CRAWLER_DISK_QUEUE_ENABLED = True

# --- Output --------------------------------------------------------------------
#: Root folder of all output; a crawl writes into ``<dir>/<job>/``.
CRAWLER_OUTPUT_DIR = "archive"
#: Job name; derived from the first seed's host when not given.
CRAWLER_JOB: str | None = None

#: Write every response to WARC files in <job>/warc/ (crawler/extensions/warccapture.py).
CRAWLER_WARC_ENABLED = True
#: WARC file names are ``<prefix>-<timestamp>-<host>-<pid>-<serial>.warc.gz``.
CRAWLER_WARC_PREFIX = "crawler"
#: A WARC file is closed and a new one opened past this size (bytes).
CRAWLER_WARC_MAX_SIZE = 1_000_000_000
#: Level of each record's gzip member. 1-3: ISA-L's igzip; writing a 180 kB HTML
#: page's records costs ~1.5 ms of CPU at 3, files ~11 % larger than at 6.
#: 4-9: zlib-ng; ~3.5 ms at 6 (gzip's default), 9 (warcio's) ~3x that for 0.5 %.
#: On a crawl whose cores are busy extracting, 3 is worth ~3 % more pages/s.
CRAWLER_WARC_GZIP_LEVEL = 3
#: Request headers whose name contains one of these (case-insensitive) are
#: written as ``[redacted]`` in WARC request records: credentials from
#: ``http_user``/``http_pass``, cookies, API keys in ``DEFAULT_REQUEST_HEADERS``.
CRAWLER_WARC_REDACT_HEADERS = ["Authorization", "Proxy-Authorization", "Cookie", "Auth",
                               "Token", "Secret", "Api-Key", "Apikey", "Password", "Session"]
#: Keep those headers as sent (no redaction): only for archives that stay private.
CRAWLER_WARC_SECRETS_ENABLED = False

#: Keep warc/index.cdxj: lines made as records are written, merged when a crawl ends.
CRAWLER_CDXJ_ENABLED = True

#: Write every article as a line of <job>/articles-*.jsonl (crawler/pipelines/jsonlines.py).
CRAWLER_JSONL_ENABLED = True

#: At start, repair what a killed crawl of the job left: cut its WARC file
#: (``*.open``) after the last complete record and close it, drop a half JSON
#: line (the same repair as ``crawler check --repair``).
CRAWLER_START_REPAIR_ENABLED = True

#: The venv of the replay tools that cannot share ours (pywb, py-wacz);
#: default ~/.cache/crawler/tools-venv (also the CRAWLER_TOOLS_VENV variable).
CRAWLER_TOOLS_VENV: str | None = None

# --- Extraction ------------------------------------------------------------------
#: An article must have at least this many characters of body text (whether a
#: page is an article at all is the page classifier's call: docs/schema.md).
CRAWLER_ARTICLE_MIN_CHARS = 250
#: The page classifier's bar for "article", a probability from 0 to 1; None: the
#: shipped model's own (about 0.14, set for a recall of 0.98 on articles). Raise
#: it to keep fewer guides, service and forum pages and lose some short articles
#: (docs/schema.md, "Which pages are articles", has the trade-off measured).
CRAWLER_ARTICLE_MIN_PROBABILITY: float | None = None
#: Pages not extracted (dropped as too_large; the WARC keeps them): larger than
#: this many bytes, or with more elements or characters of text than these
#: (extraction time grows with both; a real article page has a few thousand).
CRAWLER_EXTRACT_MAX_BYTES = 16 * 1024 * 1024
CRAWLER_EXTRACT_MAX_ELEMENTS = 20_000
CRAWLER_EXTRACT_MAX_TEXT = 1_000_000
#: Extraction worker processes, off the reactor; None: one per core, 0: inline.
CRAWLER_EXTRACT_PROCESSES: int | None = None
#: Pause downloading while more pages than this wait for an extraction worker
#: (resume at half); 0: only Scrapy's SCRAPER_SLOT_MAX_ACTIVE_SIZE bounds them.
CRAWLER_EXTRACT_BACKLOG = 64
#: gc.freeze() when the spider opens: full collections then skip the objects
#: that live as long as the crawl (crawler/extensions/gcfreeze.py).
CRAWLER_GC_FREEZE_ENABLED = True
#: Markup rules before extraction (docs/extraction.md). EasyList's generic
#: selectors are off: on the benchmarks they remove nothing trafilatura keeps.
CRAWLER_MARKUP_EASYLIST_ENABLED = False
CRAWLER_MARKUP_ADNET_ENABLED = True
CRAWLER_MARKUP_HIDDEN_ENABLED = True
#: Block rules after extraction: lexicon labels, link lists, repeated short blocks.
CRAWLER_BLOCKS_LABEL_ENABLED = True
CRAWLER_BLOCKS_LINKLIST_ENABLED = True
CRAWLER_BLOCKS_REPEAT_ENABLED = False

# --- Incremental crawls (job state) ---------------------------------------------
#: Keep <job>/state.sqlite: conditional re-checks, revisits, versions, resume.
CRAWLER_STATE_ENABLED = True
#: A known article is re-checked when its last fetch is older than this
#: (30s, 15m, 6h, 1d, 1w), or sooner when a sitemap/feed says it changed.
CRAWLER_RECHECK_AFTER = "1d"

# --- Run stats and extraction health (crawler/report/health.py) ------------------------
#: Count per site, keep each run's final stats in the job state (table
#: run_stats) and warn when a site's extraction degrades against earlier runs.
CRAWLER_HEALTH_ENABLED = True
#: Warn when a site's share of empty or short texts, or of articles without a
#: date or an author, rises by at least this much (0.20: 20 points) ...
CRAWLER_HEALTH_JUMP = 0.20
#: ... over at least this many pages (articles) in the run, and in the baseline.
CRAWLER_HEALTH_MIN_PAGES = 10
#: The baseline pools this many of the site's most recent earlier runs.
CRAWLER_HEALTH_HISTORY = 5

# --- Distributed crawls (scrapy-redis; crawler/distributed) -----------------------
#: Set by --redis; every worker of a job shares its Redis frontier.
CRAWLER_REDIS_ENABLED = False
#: A worker ends when the queue and all in-flight sets stay empty this long (s).
CRAWLER_REDIS_IDLE_CLOSE_SECONDS = 3.0

# --- Progress display (crawler/extensions/progress.py; off with --quiet) -----------
#: Show progress: a live panel on a terminal, a log line otherwise.
CRAWLER_PROGRESS_ENABLED = True
#: "auto": a live panel when stderr is a terminal, else "lines": a plain log
#: line (INFO) every CRAWLER_PROGRESS_INTERVAL_SECONDS seconds; or "live", "lines".
CRAWLER_PROGRESS_MODE = "auto"
#: Seconds between plain progress lines.
CRAWLER_PROGRESS_INTERVAL_SECONDS = 10.0
#: Live panel refreshes per second (at most 4).
CRAWLER_PROGRESS_REFRESH = 2.0
#: Pages/s is measured over this many recent seconds.
CRAWLER_PROGRESS_WINDOW_SECONDS = 10.0
#: Sites shown, those with most pages first.
CRAWLER_PROGRESS_TOP_SITES = 8

EXTENSIONS = {
    # Scrapy internals the crawler uses are all there (crawler/compat.py), or stop now
    "crawler.compat.CompatCheck": 0,
    # owners of state other components share (found with crawler.get_extension)
    "crawler.writefailure.WriteFailures": 10,
    "crawler.frontier.dupefilter.SeenRequests": 20,
    "crawler.distributed.worker.DistributedWorker": 60,
    "crawler.extensions.runstats.RunStats": 40,  # before JobState: its store is still open
    "crawler.extensions.recovery.LeftoverRepair": 30,  # before the job state is opened
    # spider.state is not used; with JOBDIR it would be one more file to write at the end
    "scrapy.extensions.spiderstate.SpiderState": None,
    "crawler.extensions.jobstate.JobState": 50,
    "crawler.extensions.warccapture.WarcCapture": 100,
    "crawler.extensions.progress.Progress": 500,
    "crawler.extensions.gcfreeze.GcFreeze": 900,
}
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.distributed.robots.SharedRobotsTxtMiddleware": 100,
    "crawler.downloadermiddlewares.budget.SiteBudgetMiddleware": 110,
    "crawler.downloadermiddlewares.state.JobStateMiddleware": 120,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.downloadermiddlewares.retry.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.downloadermiddlewares.metarefresh.LeanMetaRefreshMiddleware": 580,
}
ITEM_PIPELINES = {
    "crawler.pipelines.unchanged.UnchangedPagePipeline": 50,
    "crawler.pipelines.extraction.ExtractionPipeline": 100,
    "crawler.pipelines.jsonlines.JsonLinesWriter": 900,
}

#: Items (and requests) of one response processed at once. Each response gives
#: one page item and a few requests; Scrapy's 100 starts 100 tasks per response.
CONCURRENT_ITEMS = 16

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

TELNETCONSOLE_ENABLED = False
LOG_FORMATTER = "crawler.logformatter.CrawlerLogFormatter"
REMOTE_CONTROL_ENABLED = False

# --- Site templates (extraction/template.py) ------------------------------------
#: Learn each site's template and remove it from the articles' text.
CRAWLER_TEMPLATE_ENABLED = True
#: No block is template before the site has this many pages.
CRAWLER_TEMPLATE_MIN_PAGES = 5
#: A template block is on at least this many pages of the site ...
CRAWLER_TEMPLATE_MIN_COUNT = 3
#: ... and on at least this share of them.
CRAWLER_TEMPLATE_MIN_SHARE = 0.25
#: An article is held back while one of its blocks is undecided: a block not seen
#: again in this many pages of its site since it appeared is text (docs/extraction.md,
#: "The hold"); what is held when the crawl ends is decided then. 0: no hold.
CRAWLER_TEMPLATE_HOLD_PAGES = 10
#: At most this many articles held at once, all sites together: past it, the
#: sites held longest are decided on what is known (many small sites would
#: otherwise be held to the end). 0: no bound.
CRAWLER_TEMPLATE_MAX_HELD = 2000
