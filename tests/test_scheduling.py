"""Scheduled crawls: the TOML jobs file, next-run arithmetic, one run of a job
(subprocess, log file, lock, timeout, stop), the scheduler loop with a fake
clock around real crawls of the demo site, and ``crawler run`` / ``crawler schedule``."""

from __future__ import annotations

import json
import logging
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.demo.server import DemoServer
from crawler.scheduling import ConfigError, Job, Scheduler, load_config, parse_duration, run_job
from crawler.scheduling.config import format_duration, setting_value
from crawler.scheduling.scheduler import (
    EXIT_BUSY,
    EXIT_TIMEOUT,
    _Lock,
    first_run,
    next_cron,
    next_interval,
    next_run,
    summary_lines,
)
from tests.conftest import ROOT, run_crawler

T0 = datetime(2030, 1, 1, 10, 30, tzinfo=UTC)
FAST = 'settings = { DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, ' \
       'CONCURRENT_REQUESTS_PER_DOMAIN = 8 }'


def write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


@pytest.fixture(scope="module")
def site():
    with DemoServer() as server:
        server.start()
        yield server


# -- the jobs file ----------------------------------------------------------------

GOOD = """
[defaults]
output = "archive"
timeout = "2h"
settings = { DOWNLOAD_DELAY = 1.0, ROBOTSTXT_OBEY = true, CONCURRENT_REQUESTS_PER_DOMAIN = 2 }

[jobs.gazette]
seeds = ["https://news.example/", "https://news.example/world/"]
seeds_file = "seeds/gazette.txt"
cron = "0 * * * *"
timezone = "Europe/Berlin"
max_pages = 500
max_depth = 4
allow_domain = ["cdn.news.example", "img.news.example"]
user_agent = "my-bot/1.0 (+https://me.example)"
recheck_after = "6h"
settings = { CONCURRENT_REQUESTS_PER_DOMAIN = 1, CRAWLER_TRACKING_PARAMS = ["ref", "src"], \
FEEDS = { "x.jl" = { format = "jsonlines" } } }

[jobs.blog]
seeds_file = "/srv/seeds/blog.txt"
every = "1d12h"
output = "/srv/archive"
"""


def test_good_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "jobs.toml", GOOD))
    assert config.names == ["gazette", "blog"]
    gazette, blog = config.jobs
    assert gazette.seeds == ("https://news.example/", "https://news.example/world/")
    assert gazette.seeds_file == tmp_path / "seeds" / "gazette.txt"
    assert gazette.output == tmp_path / "archive"
    assert gazette.job_dir == tmp_path / "archive" / "gazette"
    assert gazette.logs_dir == tmp_path / "archive" / "gazette" / "logs"
    assert (gazette.cron, gazette.every, gazette.timezone) == ("0 * * * *", None, "Europe/Berlin")
    assert gazette.timeout == timedelta(hours=2)  # from [defaults]
    assert (gazette.max_pages, gazette.max_depth) == (500, 4)
    assert gazette.allow_domain == ("cdn.news.example", "img.news.example")
    assert gazette.recheck_after == "6h"
    # defaults merged key by key, the job's value wins; values as -s text
    assert dict(gazette.settings) == {
        "DOWNLOAD_DELAY": "1.0", "ROBOTSTXT_OBEY": "True", "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
        "CRAWLER_TRACKING_PARAMS": "ref,src",
        "FEEDS": '{"x.jl":{"format":"jsonlines"}}',
    }
    assert gazette.schedule == "cron 0 * * * * (Europe/Berlin)"
    assert (blog.seeds, blog.seeds_file, blog.output) == ((), Path("/srv/seeds/blog.txt"),
                                                          Path("/srv/archive"))
    assert (blog.cron, blog.every, blog.schedule) == (None, timedelta(days=1, hours=12),
                                                      "every 1d12h")
    assert config.job("blog") is blog
    with pytest.raises(KeyError, match="no job 'nope'"):
        config.job("nope")
    with pytest.raises(AttributeError):
        blog.name = "other"  # frozen


def test_crawl_argv(tmp_path: Path) -> None:
    gazette, blog = load_config(write(tmp_path / "jobs.toml", GOOD)).jobs
    assert gazette.crawl_argv() == [
        "--job", "gazette", "-o", str(tmp_path / "archive"),
        "--max-pages", "500", "--max-depth", "4",
        "--allow-domain", "cdn.news.example", "--allow-domain", "img.news.example",
        "--user-agent", "my-bot/1.0 (+https://me.example)",
        "--recheck-after", "6h",
        "-s", "DOWNLOAD_DELAY=1.0", "-s", "ROBOTSTXT_OBEY=True",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "CRAWLER_TRACKING_PARAMS=ref,src",
        "-s", 'FEEDS={"x.jl":{"format":"jsonlines"}}',
        "--seeds", str(tmp_path / "seeds" / "gazette.txt"),
        "https://news.example/", "https://news.example/world/",
    ]
    assert blog.crawl_argv() == [
        "--job", "blog", "-o", "/srv/archive", "-s", "DOWNLOAD_DELAY=1.0",
        "-s", "ROBOTSTXT_OBEY=True", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        "--seeds", "/srv/seeds/blog.txt"]
    assert blog.command("/usr/bin/python3")[:4] == ["/usr/bin/python3", "-m", "crawler.cli",
                                                   "crawl"]


def test_the_crawl_command_accepts_crawl_argv(tmp_path: Path) -> None:
    """Every option crawl_argv emits is one ``crawler crawl`` knows (checked up to
    the output folder, which here is a file, so nothing is crawled)."""
    job = Job(name="j", source=tmp_path / "jobs.toml", seeds=("http://127.0.0.1:9/",),
              every=timedelta(hours=1), output=write(tmp_path / "blocker", "x"),
              max_pages=5, max_depth=1, allow_domain=("a.example",), user_agent="ua",
              recheck_after="1h30m", settings=(("DOWNLOAD_DELAY", "0"),))
    assert "--recheck-after" in job.crawl_argv()  # a sum: one grammar for both
    result = run_crawler("crawl", *job.crawl_argv())
    assert result.returncode == 2
    assert "not writable" in result.stderr, result.stderr


MINIMAL_JOB = '[jobs.j]\nseeds = ["https://a.example/"]\nevery = "1h"\n'


@pytest.mark.parametrize(("text", "where", "problem"), [
    ("[jobs.j\n", "", "invalid TOML"),
    ("[defaults]\noutput = 'x'\n", "", "no jobs"),
    ("[job.j]\nseeds = []\n", "", "unknown table [job]"),
    ("[defaults]\nseeds = ['https://a.example/']\n" + MINIMAL_JOB, "defaults:",
     "unknown key 'seeds' (seeds belong in each job)"),
    ("[defaults]\noutptu = 'x'\n" + MINIMAL_JOB, "defaults:", "unknown key 'outptu'"),
    (MINIMAL_JOB + "max_dept = 3\n", "j:", "unknown key 'max_dept'; known keys: allow_domain"),
    ('[jobs."bad/name"]\nseeds = ["https://a.example/"]\nevery = "1h"\n', "bad/name:",
     "job names are letters"),
    ("[jobs]\nj = 3\n", "j:", "must be a table"),
    ('[jobs.j]\nevery = "1h"\n', "j:", "needs seeds = [URL, ...] or seeds_file = FILE"),
    ('[jobs.j]\nseeds = ["ftp://a.example/"]\nevery = "1h"\n', "j:",
     "seed 'ftp://a.example/' is not an http(s) URL"),
    ('[jobs.j]\nseeds = "https://a.example/"\n', "j:", "needs exactly one of cron"),
    (MINIMAL_JOB + 'cron = "0 * * * *"\n', "j:", "needs exactly one of cron"),
    ('[jobs.j]\nseeds = ["https://a.example/"]\ncron = "61 * * * *"\n', "j:",
     "cron '61 * * * *' is not a valid five-field cron expression"),
    ('[jobs.j]\nseeds = ["https://a.example/"]\ncron = "0 0 * * * *"\n', "j:",
     "not a valid five-field cron expression"),
    ('[jobs.j]\nseeds = ["https://a.example/"]\nevery = "1 hour"\n', "j:",
     "every: '1 hour' is not a duration"),
    ('[jobs.j]\nseeds = ["https://a.example/"]\nevery = true\n', "j:",
     "every: a duration is a string"),
    ('[jobs.j]\nseeds = ["https://a.example/"]\nevery = "0m"\n', "j:", "must be more than zero"),
    (MINIMAL_JOB + 'timezone = "UTC"\n', "j:", "timezone only applies to cron"),
    ('[jobs.j]\nseeds = ["https://a.example/"]\ncron = "@daily"\ntimezone = "Mars/Base"\n',
     "j:", "unknown timezone 'Mars/Base'"),
    (MINIMAL_JOB + "max_depth = -1\n", "j:", "max_depth must be a whole number 0 or more"),
    (MINIMAL_JOB + "max_pages = true\n", "j:", "max_pages must be a whole number"),
    (MINIMAL_JOB + "max_pages = '10'\n", "j:", "max_pages must be a whole number"),
    (MINIMAL_JOB + "allow_domain = [1]\n", "j:", "allow_domain must be a list of strings"),
    (MINIMAL_JOB + "user_agent = ''\n", "j:", "user_agent must be a non-empty string"),
    (MINIMAL_JOB + "recheck_after = 'soon'\n", "j:", "recheck_after: 'soon' is not a duration"),
    (MINIMAL_JOB + "recheck_after = -5\n", "j:", "recheck_after: -5 is not a duration"),
    (MINIMAL_JOB + "recheck_after = true\n", "j:", "recheck_after: True is not a duration"),
    (MINIMAL_JOB + "timeout = '-1h'\n", "j:", "timeout: '-1h' is not a duration"),
    (MINIMAL_JOB + "settings = 3\n", "j:", "settings must be a table"),
    ("[defaults]\nsettings = []\n" + MINIMAL_JOB, "defaults:", "settings must be a table"),
    (MINIMAL_JOB + "settings = { CRAWLER_OUTPUT_DIR = 'x' }\n", "j:",
     "set CRAWLER_OUTPUT_DIR through output, not settings"),
    (MINIMAL_JOB + "settings = { DEPTH_LIMIT = 2 }\n", "j:", "through max_depth"),
    (MINIMAL_JOB + "settings = { 'A B' = 2 }\n", "j:",
     "setting name 'A B' is not a valid Scrapy setting name"),
    (MINIMAL_JOB + "settings = { X = [{ a = 1 }] }\n", "j:",
     "setting X: list items must be strings or numbers"),
    (MINIMAL_JOB + "settings = { X = ['a,b'] }\n", "j:", "list item 'a,b' contains a comma"),
    (MINIMAL_JOB + "settings = { X = 2030-01-01 }\n", "j:", "setting X: unsupported value"),
])
def test_config_errors(tmp_path: Path, text: str, where: str, problem: str) -> None:
    path = write(tmp_path / "jobs.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{where}"), message
    assert problem in message, message
    assert "\n" not in message


def test_unreadable_jobs_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: cannot read jobs file: No such file"):
        load_config(tmp_path / "nope.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b"# caf\xe9\n")
    with pytest.raises(ConfigError, match=r"latin\.toml: not UTF-8"):
        load_config(latin)


def test_job_schedule_replaces_default_schedule(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "jobs.toml", """
[defaults]
every = "1d"
[jobs.a]
seeds = ["https://a.example/"]
[jobs.b]
seeds = ["https://b.example/"]
cron = "15 4 * * *"
"""))
    a, b = config.jobs
    assert (a.every, a.cron) == (timedelta(days=1), None)
    assert (b.every, b.cron) == (None, "15 4 * * *")


def test_durations() -> None:
    assert parse_duration("30s") == timedelta(seconds=30)
    assert parse_duration("15m") == timedelta(minutes=15)
    assert parse_duration("6h") == timedelta(hours=6)
    assert parse_duration("1d") == timedelta(days=1)
    assert parse_duration("1w") == timedelta(weeks=1)
    assert parse_duration(" 1H30m ") == timedelta(minutes=90)
    assert parse_duration("1.5h") == timedelta(minutes=90)  # as crawler crawl --recheck-after
    assert parse_duration("90") == parse_duration(90) == timedelta(seconds=90)
    for bad in ("", "h", "1y", "-1h", "1h 30", "0", 0, True, None):
        with pytest.raises(ValueError):
            parse_duration(bad)
    assert format_duration(timedelta(days=8, minutes=5)) == "1w1d5m"
    assert setting_value(False) == "False" and setting_value(0.25) == "0.25"


# -- when jobs run ----------------------------------------------------------------

def test_cron_next_runs_with_a_fixed_clock() -> None:
    assert next_cron("0 * * * *", T0, "UTC") == datetime(2030, 1, 1, 11, 0, tzinfo=UTC)
    assert next_cron("*/15 * * * *", T0, "UTC") == datetime(2030, 1, 1, 10, 45, tzinfo=UTC)
    # strictly after: at 11:00 sharp the next hourly run is 12:00
    assert next_cron("0 * * * *", datetime(2030, 1, 1, 11, tzinfo=UTC), "UTC") == \
        datetime(2030, 1, 1, 12, tzinfo=UTC)
    assert next_cron("@daily", T0, "UTC") == datetime(2030, 1, 2, tzinfo=UTC)
    assert next_cron("0 9 * * 1-5", T0, "UTC") == datetime(2030, 1, 2, 9, tzinfo=UTC)  # Wed
    # 03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC in summer
    assert next_cron("0 3 * * *", T0, "Europe/Berlin") == datetime(2030, 1, 2, 2, tzinfo=UTC)
    summer = datetime(2030, 7, 1, 12, tzinfo=UTC)
    assert next_cron("0 3 * * *", summer, "Europe/Berlin") == datetime(2030, 7, 2, 1, tzinfo=UTC)


def test_cron_without_timezone_uses_local_time(monkeypatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        # 06:00 in New York is 11:00 UTC in winter, 10:00 UTC in summer
        assert next_cron("0 6 * * *", T0) == datetime(2030, 1, 1, 11, tzinfo=UTC)
        assert next_cron("0 6 * * *", datetime(2030, 7, 1, 12, tzinfo=UTC)) == \
            datetime(2030, 7, 2, 10, tzinfo=UTC)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_interval_next_runs() -> None:
    hour = timedelta(hours=1)
    assert next_interval(hour, T0, T0 + timedelta(minutes=5)) == T0 + hour
    # a run that overran two slots: the missed ones are skipped, the rhythm kept
    assert next_interval(hour, T0, T0 + timedelta(minutes=150)) == T0 + 3 * hour
    assert next_interval(hour, T0, T0 + hour) == T0 + 2 * hour
    job = Job(name="j", source=Path("/x/jobs.toml"), seeds=("https://a.example/",),
              every=hour, output=Path("/nonexistent"))
    assert next_run(job, T0) == T0  # never ran: now
    assert next_run(job, T0 + timedelta(minutes=1), previous=T0) == T0 + hour
    assert first_run(job, T0) == T0


def test_first_run_of_interval_job_follows_its_last_logged_run(tmp_path: Path) -> None:
    job = Job(name="j", source=tmp_path / "jobs.toml", seeds=("https://a.example/",),
              every=timedelta(hours=6), output=tmp_path)
    job.logs_dir.mkdir(parents=True)
    (job.logs_dir / "20300101T080000Z.log").write_text("")
    (job.logs_dir / "20300101T090000Z-1.log").write_text("")
    (job.logs_dir / "notes.txt").write_text("")
    assert first_run(job, T0) == datetime(2030, 1, 1, 15, tzinfo=UTC)
    assert first_run(job, T0 + timedelta(days=1)) == T0 + timedelta(days=1)  # overdue: now
    cron_job = Job(name="c", source=job.source, seeds=job.seeds, cron="0 0 * * *",
                   timezone="UTC", output=tmp_path)
    assert first_run(cron_job, T0) == datetime(2030, 1, 2, tzinfo=UTC)


def test_summary_lines() -> None:
    text = ("2030-01-01 [scrapy] INFO: Spider closed\n"
            "Crawl finished in 1.5 s\n  pages fetched:    3 (2.0 pages/s)\n"
            "  articles written: 1 (0.7 articles/s)\n# exit 0\n")
    assert summary_lines(text) == ("Crawl finished in 1.5 s", "  pages fetched:    3 (2.0 pages/s)",
                                   "  articles written: 1 (0.7 articles/s)")
    assert summary_lines("crawler: error: seeds file not found: x\n") == ()


# -- one run, with a stand-in for the crawl -------------------------------------------

def fake_python(tmp_path: Path, script: str) -> str:
    """An executable that stands in for ``python -m crawler.cli crawl ...``."""
    path = tmp_path / "fake-python"
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def stub_job(tmp_path: Path, **kwargs) -> Job:
    return Job(name="stub", source=tmp_path / "jobs.toml", seeds=("https://a.example/",),
               every=timedelta(hours=1), output=tmp_path / "archive", **kwargs)


def test_run_job_timeout(tmp_path: Path) -> None:
    python = fake_python(tmp_path, 'echo "crawling $*"; exec sleep 30')
    t0 = time.monotonic()
    res = run_job(stub_job(tmp_path, timeout=timedelta(seconds=1)), python=python)
    assert time.monotonic() - t0 < 10
    assert (res.outcome, res.exit_code) == ("timeout", EXIT_TIMEOUT)
    assert "timed out after 1s" in res.headline()
    log = res.log_path.read_text()
    assert "crawling -m crawler.cli crawl --job stub" in log


def test_run_job_kills_a_child_that_ignores_sigterm(tmp_path: Path) -> None:
    python = fake_python(tmp_path, "trap '' TERM; i=0; while [ $i -lt 300 ]; do sleep 0.1; "
                                   "i=$((i+1)); done")
    res = run_job(stub_job(tmp_path, timeout=timedelta(seconds=1)), python=python,
                  kill_after=0.5)
    assert (res.outcome, res.exit_code) == ("timeout", EXIT_TIMEOUT)
    assert res.duration < 10


def test_run_job_crash_and_stop(tmp_path: Path) -> None:
    crash = run_job(stub_job(tmp_path), python=fake_python(tmp_path, "kill -SEGV $$"))
    assert (crash.outcome, crash.exit_code) == ("failed", 128 + signal.SIGSEGV)
    assert "killed by signal 11" in crash.headline()

    from crawler.scheduling.scheduler import StopFlag
    stop = StopFlag()
    threading.Timer(0.3, stop.request).start()
    stopped = run_job(stub_job(tmp_path), stop=stop,
                      python=fake_python(tmp_path, "exec sleep 30"))
    assert stopped.outcome == "stopped" and stopped.duration < 10

    missing = run_job(stub_job(tmp_path), python=str(tmp_path / "no-such-python"))
    assert missing.outcome == "error" and "cannot start crawl" in missing.detail


def test_run_job_never_overlaps_a_running_run(tmp_path: Path) -> None:
    job = stub_job(tmp_path)
    job.logs_dir.mkdir(parents=True)
    lock = _Lock(job.logs_dir / ".lock")
    assert lock.acquire()
    try:
        res = run_job(job, python=fake_python(tmp_path, "exit 0"))
        assert (res.outcome, res.exit_code) == ("busy", EXIT_BUSY)
    finally:
        lock.release()
    assert run_job(job, python=fake_python(tmp_path, "exit 0")).outcome == "ok"


def test_unwritable_output_is_an_error_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path / "archive", "a file where the output folder should be")
    res = run_job(stub_job(tmp_path), python=fake_python(tmp_path, "exit 0"))
    assert res.outcome == "error" and "cannot use" in res.detail


# -- the scheduler, around real crawls ------------------------------------------------

class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start
        self.slept = 0.0

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += timedelta(seconds=seconds)


def test_scheduler_runs_jobs_and_survives_a_failing_one(tmp_path: Path, site, caplog) -> None:
    config = load_config(write(tmp_path / "jobs.toml", f"""
[defaults]
output = "archive"
{FAST}

[jobs.good]
seeds = ["{site.base_url}/"]
every = "1h"

[jobs.bad]
seeds_file = "missing-seeds.txt"
every = "1h"
"""))
    clock = FakeClock(T0)
    scheduler = Scheduler(config.jobs, clock=clock, sleep=clock.sleep, max_runs=3)
    with caplog.at_level(logging.INFO, logger="crawler.scheduling"):
        assert scheduler.run() == 3
    assert [(r.job, r.outcome, r.exit_code) for r in scheduler.results] == [
        ("good", "ok", 0), ("bad", "failed", 2), ("good", "ok", 0)]
    assert [r.started for r in scheduler.results] == [T0, T0, T0 + timedelta(hours=1)]
    assert clock.slept == pytest.approx(3600)

    good_logs = sorted((tmp_path / "archive" / "good" / "logs").glob("*.log"))
    assert [p.name for p in good_logs] == ["20300101T103000Z.log", "20300101T113000Z.log"]
    for path in good_logs:
        text = path.read_text()
        assert "Crawl finished in" in text and text.rstrip().endswith("# exit 0")
    records = [json.loads(line) for f in (tmp_path / "archive" / "good").glob("articles-*.jsonl")
               for line in f.read_text("utf-8").splitlines()]
    assert records and all(r["url"].startswith(site.base_url) for r in records)

    messages = [r.getMessage() for r in caplog.records]
    bad = [m for m in messages if m.startswith("bad: failed, exit 2")]
    assert len(bad) == 1 and "seeds file not found" in bad[0], messages
    assert [r.levelname for r in caplog.records if r.getMessage() == bad[0]] == ["ERROR"]
    assert sum(m.startswith("good: ok, exit 0 in ") for m in messages) == 2
    assert sum(m.startswith("good:   Crawl finished in") for m in messages) == 2
    assert any(m.startswith("good:   articles written:") for m in messages)
    assert "bad: next run at" in "\n".join(messages)


def test_scheduler_until_and_cron(tmp_path: Path) -> None:
    """A cron job's runs fall on its schedule; ``until`` ends the loop."""
    job = Job(name="tick", source=tmp_path / "jobs.toml", seeds=("https://a.example/",),
              cron="*/20 * * * *", timezone="UTC", output=tmp_path / "archive")
    clock = FakeClock(T0)
    scheduler = Scheduler([job], clock=clock, sleep=clock.sleep, until=T0 + timedelta(hours=1),
                          python=fake_python(tmp_path, "echo 'Crawl finished in 0.1 s'"))
    assert scheduler.run() == 3
    assert [r.started for r in scheduler.results] == [
        datetime(2030, 1, 1, h, m, tzinfo=UTC) for h, m in ((10, 40), (11, 0), (11, 20))]
    assert all(r.summary == ("Crawl finished in 0.1 s",) for r in scheduler.results)
    assert clock.now == T0 + timedelta(hours=1)


# -- the commands -----------------------------------------------------------------

def test_crawler_run_against_the_demo_site(tmp_path: Path, site) -> None:
    config = write(tmp_path / "jobs.toml", f"""
[defaults]
{FAST}
[jobs.gazette]
seeds = ["{site.base_url}/"]
cron = "0 * * * *"
max_depth = 3
""")
    result = run_crawler("run", "gazette", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "gazette: ok, exit 0 in" in result.stderr
    assert "gazette:   Crawl finished in" in result.stderr
    job = tmp_path / "archive" / "gazette"  # output defaults to archive/ beside the file
    records = [json.loads(line) for f in job.glob("articles-*.jsonl")
               for line in f.read_text("utf-8").splitlines()]
    assert len(records) >= 10
    assert list((job / "warc").glob("*.warc.gz"))
    assert len(list((job / "logs").glob("*.log"))) == 1


def test_crawler_run_exit_code_and_usage_errors(tmp_path: Path) -> None:
    config = write(tmp_path / "jobs.toml", """
[jobs.broken]
seeds_file = "nope.txt"
every = "1h"
""")
    result = run_crawler("run", "broken", "--config", str(config))
    assert result.returncode == 2, result.stderr
    assert "broken: failed, exit 2" in result.stderr and "seeds file not found" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["run", "broken"], "give the jobs file: crawler run JOB --config FILE"),
    (["run", "other", "--config", "{config}"], "no job 'other' (jobs: broken)"),
    (["run", "x", "--config", "{tmp}/none.toml"], "none.toml: cannot read jobs file"),
    (["run", "--config", "{config}"], "give one job name"),
    (["schedule"], "give one jobs file"),
    (["schedule", "{config}", "--job", "other"], "no job 'other'"),
    (["schedule", "{tmp}/bad.toml"], "bad.toml:j: needs seeds"),
])
def test_usage_errors_are_one_line(tmp_path: Path, capsys, monkeypatch, args: list[str],
                                   message: str) -> None:
    from crawler.cli import main

    monkeypatch.delenv("SCRAPY_SETTINGS_MODULE", raising=False)  # main() sets it

    config = write(tmp_path / "jobs.toml", '[jobs.broken]\nseeds_file = "x"\nevery = "1h"\n')
    write(tmp_path / "bad.toml", '[jobs.j]\nevery = "1h"\n')
    with pytest.raises(SystemExit) as info:
        main([a.format(config=config, tmp=tmp_path) for a in args])
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert info.value.code == 2 and len(lines) == 1, lines
    assert lines[0].startswith("crawler: error: ") and message in lines[0], lines[0]


def test_crawler_schedule_list(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("SCRAPY_SETTINGS_MODULE", raising=False)  # main() sets it
    config = write(tmp_path / "jobs.toml", """
[jobs.hourly]
seeds = ["https://a.example/"]
cron = "0 * * * *"
""")
    from crawler.cli import main

    with pytest.raises(SystemExit) as info:
        main(["schedule", str(config), "--list"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    assert "hourly: cron 0 * * * *; next run " in out
    assert f"crawler crawl --job hourly -o {tmp_path / 'archive'} https://a.example/" in out


def test_crawler_schedule_stops_cleanly_on_sigterm(tmp_path: Path, site) -> None:
    config = write(tmp_path / "jobs.toml", f"""
[defaults]
{FAST}
[jobs.gazette]
seeds = ["{site.base_url}/"]
every = "1h"
""")
    log = tmp_path / "scheduler.log"
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "schedule", str(config),
                             "--logfile", str(log)], cwd=ROOT,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while "gazette: starting run" not in (log.read_text() if log.exists() else ""):
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.05)
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    text = log.read_text()
    assert "received SIGTERM; stopping" in text
    assert "scheduler stopped after 1 run" in text
    assert "Traceback" not in text
    run_log = next((tmp_path / "archive" / "gazette" / "logs").glob("*.log")).read_text()
    assert "# exit" in run_log  # the crawl ended (by SIGTERM or done) before we did
