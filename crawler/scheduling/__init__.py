"""Scheduled crawls: a TOML jobs file (:mod:`.config`) and a scheduler that
runs each job's ``crawler crawl`` in a subprocess when it is due
(:mod:`.scheduler`). ``crawler schedule FILE`` runs the scheduler forever;
``crawler run JOB --config FILE`` runs one job once, for cron or systemd.
See ``docs/scheduling.md``."""

from __future__ import annotations

from crawler.scheduling.config import ConfigError, Job, JobsConfig, load_config, parse_duration
from crawler.scheduling.scheduler import RunResult, Scheduler, next_run, run_job

__all__ = [
    "ConfigError", "Job", "JobsConfig", "RunResult", "Scheduler",
    "load_config", "next_run", "parse_duration", "run_job",
]
