"""The jobs file: TOML parsed into frozen :class:`Job` objects.

::

    [defaults]                 # optional, merged into every job
    output = "archive"         # relative to this file
    settings = { DOWNLOAD_DELAY = 1.0 }

    [jobs.gazette]
    seeds = ["https://news.example/"]      # and/or seeds_file = "seeds.txt"
    cron = "0 * * * *"                     # exactly one of cron / every
    max_depth = 4
    settings = { CONCURRENT_REQUESTS_PER_DOMAIN = 1 }

Every problem is reported as one :class:`ConfigError` line,
``FILE:JOB: problem`` (``FILE: problem`` for the file as a whole).
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from crawler.frontier.urls import is_http_url
from crawler.jobs import format_duration as format_seconds
from crawler.jobs import parse_duration as seconds_of

#: Keys a job may have; ``[defaults]`` may have all of them but the seeds.
JOB_KEYS = frozenset({
    "seeds", "seeds_file", "cron", "every", "timezone", "timeout", "output",
    "max_pages", "max_depth", "allow_domain", "user_agent", "recheck_after", "settings",
})
DEFAULT_KEYS = JOB_KEYS - {"seeds", "seeds_file"}
#: Output folder when neither the job nor ``[defaults]`` names one (relative to the file).
DEFAULT_OUTPUT = "archive"

_JOB_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_SETTING_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Settings that the job's own keys control; setting them too would be ambiguous.
_RESERVED_SETTINGS = {
    "CRAWLER_OUTPUT_DIR": "output", "CRAWLER_JOB": "the job's name",
    "CLOSESPIDER_PAGECOUNT": "max_pages", "DEPTH_LIMIT": "max_depth",
    "USER_AGENT": "user_agent",
}


class ConfigError(ValueError):
    """A problem in the jobs file, worded ``FILE:JOB: problem``."""


def parse_duration(value: str | int | float) -> timedelta:
    """``30s``, ``15m``, ``6h``, ``1d``, ``1w``, a sum such as ``1h30m``, or a
    number of seconds (:func:`crawler.jobs.parse_duration`, which ``crawler
    crawl --recheck-after`` uses too), more than zero."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"a duration is a string such as '6h', not {value!r}")
    try:
        seconds = seconds_of(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a duration (use e.g. 30s, 15m, 6h, 1d, 1w)") \
            from None
    if seconds <= 0:
        raise ValueError(f"duration {value!r} must be more than zero")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """The inverse of :func:`parse_duration`: ``timedelta(hours=1, minutes=30)`` -> ``1h30m``."""
    return format_seconds(delta.total_seconds())


def valid_cron(expr: str) -> bool:
    """Five-field cron expressions (``m h dom mon dow``) and ``@hourly``-style aliases."""
    if expr.startswith("@"):
        return croniter.is_valid(expr)
    return len(expr.split()) == 5 and croniter.is_valid(expr)


def setting_value(value: Any) -> str:
    """A TOML value as the text of ``-s NAME=VALUE``, read back by Scrapy's
    ``getbool``/``getint``/``getfloat``/``getlist``/``getdict``."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (int, float, str)):
                raise ValueError("list items must be strings or numbers")
            if "," in str(item):
                raise ValueError(f"list item {item!r} contains a comma")
            items.append(str(item))
        return ",".join(items)
    if isinstance(value, dict):
        return json.dumps(value, default=str, separators=(",", ":"))
    raise ValueError(f"unsupported value {value!r}")


@dataclass(frozen=True)
class Job:
    """One scheduled crawl. Paths are absolute (resolved against the jobs file)."""

    name: str
    source: Path
    seeds: tuple[str, ...] = ()
    seeds_file: Path | None = None
    cron: str | None = None
    every: timedelta | None = None
    timezone: str | None = None
    timeout: timedelta | None = None
    output: Path = Path(DEFAULT_OUTPUT)
    max_pages: int | None = None
    max_depth: int | None = None
    allow_domain: tuple[str, ...] = ()
    user_agent: str | None = None
    recheck_after: str | None = None
    #: ``(NAME, VALUE-as-text)`` pairs for ``-s NAME=VALUE``, in file order.
    settings: tuple[tuple[str, str], ...] = ()

    @property
    def job_dir(self) -> Path:
        """Where ``crawler crawl --job NAME -o OUTPUT`` writes: ``OUTPUT/NAME``."""
        return self.output / self.name

    @property
    def logs_dir(self) -> Path:
        return self.job_dir / "logs"

    @property
    def schedule(self) -> str:
        """Human-readable schedule: ``cron 0 * * * *`` or ``every 6h``."""
        if self.cron:
            return f"cron {self.cron}" + (f" ({self.timezone})" if self.timezone else "")
        assert self.every is not None
        return f"every {format_duration(self.every)}"

    def crawl_argv(self) -> list[str]:
        """Arguments after ``crawler crawl``:
        ``--job NAME -o OUTPUT [options] [-s K=V ...] [--seeds FILE] [SEED ...]``."""
        argv = ["--job", self.name, "-o", str(self.output)]
        if self.max_pages is not None:
            argv += ["--max-pages", str(self.max_pages)]
        if self.max_depth is not None:
            argv += ["--max-depth", str(self.max_depth)]
        for domain in self.allow_domain:
            argv += ["--allow-domain", domain]
        if self.user_agent:
            argv += ["--user-agent", self.user_agent]
        if self.recheck_after:
            argv += ["--recheck-after", self.recheck_after]
        for name, value in self.settings:
            argv += ["-s", f"{name}={value}"]
        if self.seeds_file is not None:
            argv += ["--seeds", str(self.seeds_file)]
        return argv + list(self.seeds)

    def command(self, python: str | None = None) -> list[str]:
        """The full command line of one run: ``python -m crawler.cli crawl ...``."""
        return [python or sys.executable, "-m", "crawler.cli", "crawl", *self.crawl_argv()]


@dataclass(frozen=True)
class JobsConfig:
    path: Path
    jobs: tuple[Job, ...]

    def job(self, name: str) -> Job:
        for job in self.jobs:
            if job.name == name:
                return job
        known = ", ".join(j.name for j in self.jobs)
        raise KeyError(f"{self.path}: no job {name!r} (jobs: {known})")

    @property
    def names(self) -> list[str]:
        return [job.name for job in self.jobs]


class _Checker:
    """Validates one job's merged table; every error names the file and the job."""

    def __init__(self, label: str, where: str, base: Path) -> None:
        self.label, self.where, self.base = label, where, base

    def fail(self, problem: str) -> ConfigError:
        return ConfigError(f"{self.label}:{self.where}: {problem}")

    def string(self, table: Mapping[str, Any], key: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{key} must be a non-empty string, not {value!r}")
        return value.strip()

    def strings(self, table: Mapping[str, Any], key: str) -> tuple[str, ...]:
        value = table.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            raise self.fail(f"{key} must be a list of strings, not {value!r}")
        return tuple(v.strip() for v in value)

    def count(self, table: Mapping[str, Any], key: str) -> int | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(f"{key} must be a whole number 0 or more, not {value!r}")
        return value

    def duration(self, table: Mapping[str, Any], key: str) -> timedelta | None:
        value = table.get(key)
        if value is None:
            return None
        try:
            return parse_duration(value)
        except ValueError as exc:
            raise self.fail(f"{key}: {exc}") from None

    def path_value(self, table: Mapping[str, Any], key: str) -> Path | None:
        value = self.string(table, key)
        if value is None:
            return None
        path = Path(value).expanduser()
        return path if path.is_absolute() else (self.base / path).resolve()

    def settings(self, table: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        pairs = []
        for name, value in table.items():
            if not _SETTING_NAME.fullmatch(name):
                raise self.fail(f"setting name {name!r} is not a valid Scrapy setting name")
            if name in _RESERVED_SETTINGS:
                raise self.fail(f"set {name} through {_RESERVED_SETTINGS[name]}, "
                                "not settings")
            try:
                pairs.append((name, setting_value(value)))
            except ValueError as exc:
                raise self.fail(f"setting {name}: {exc}") from None
        return tuple(pairs)


def _unknown(table: Mapping[str, Any], allowed: frozenset[str], checker: _Checker) -> None:
    for key in table:
        if key not in allowed:
            hint = (" (seeds belong in each job)" if key in JOB_KEYS
                    else f"; known keys: {', '.join(sorted(allowed))}")
            raise checker.fail(f"unknown key {key!r}{hint}")


def _settings_table(table: Mapping[str, Any], checker: _Checker) -> dict[str, Any]:
    value = table.get("settings", {})
    if not isinstance(value, dict):
        raise checker.fail(f"settings must be a table such as {{ DOWNLOAD_DELAY = 1.0 }}, "
                           f"not {value!r}")
    return value


def parse_job(name: str, table: Any, defaults: Mapping[str, Any], path: Path,
              label: str | None = None) -> Job:
    """One ``[jobs.NAME]`` table merged with ``[defaults]``; ``path`` is the jobs
    file (relative paths are resolved against its folder), ``label`` how errors
    name it."""
    label = label or str(path)
    check = _Checker(label, name, path.parent)
    if not _JOB_NAME.fullmatch(name):
        raise check.fail("job names are letters, digits, '.', '_' and '-' "
                         "(it names the output folder)")
    if not isinstance(table, dict):
        raise check.fail("must be a table: [jobs." + name + "]")
    _unknown(table, JOB_KEYS, check)
    settings = {**_settings_table(defaults, _Checker(label, "defaults", path.parent)),
                **_settings_table(table, check)}
    merged = {**defaults, **table, "settings": settings}
    if "cron" in table or "every" in table:  # the job's own schedule replaces the default one
        for key in ("cron", "every"):
            if key not in table:
                merged.pop(key, None)

    seeds = check.strings(merged, "seeds")
    for url in seeds:
        if not is_http_url(url):
            raise check.fail(f"seed {url!r} is not an http(s) URL")
    seeds_file = check.path_value(merged, "seeds_file")
    if not seeds and seeds_file is None:
        raise check.fail("needs seeds = [URL, ...] or seeds_file = FILE")

    cron = check.string(merged, "cron")
    every = check.duration(merged, "every")
    if (cron is None) == (every is None):
        raise check.fail("needs exactly one of cron = \"m h dom mon dow\" or every = \"6h\"")
    if cron is not None and not valid_cron(cron):
        raise check.fail(f"cron {cron!r} is not a valid five-field cron expression")
    zone = check.string(merged, "timezone")
    if zone is not None:
        if cron is None:
            raise check.fail("timezone only applies to cron schedules")
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise check.fail(f"unknown timezone {zone!r}") from None

    recheck = merged.get("recheck_after")
    if recheck is not None:  # passed on as text, so checked as `crawler crawl` will
        try:  # (as text, a TOML boolean, date or table is no duration either)
            seconds_of(str(recheck))
        except ValueError:
            raise check.fail(f"recheck_after: {recheck!r} is not a duration "
                             "(use e.g. 30m, 6h, 1d)") from None
        recheck = str(recheck).strip()
    return Job(
        name=name, source=path, seeds=seeds, seeds_file=seeds_file,
        cron=cron, every=every, timezone=zone, timeout=check.duration(merged, "timeout"),
        output=check.path_value(merged, "output") or (path.parent / DEFAULT_OUTPUT).resolve(),
        max_pages=check.count(merged, "max_pages"), max_depth=check.count(merged, "max_depth"),
        allow_domain=check.strings(merged, "allow_domain"),
        user_agent=check.string(merged, "user_agent"), recheck_after=recheck,
        settings=check.settings(settings),
    )


def parse_config(data: Mapping[str, Any], path: Path, label: str | None = None) -> JobsConfig:
    """Jobs from an already-parsed TOML document. ``path`` is the jobs file
    (relative paths are resolved against its folder), ``label`` how errors name it."""
    path = path.resolve()
    label = label or str(path)
    for key in data:
        if key not in ("defaults", "jobs"):
            raise ConfigError(f"{label}: unknown table [{key}] "
                              "(expected [defaults] and [jobs.NAME])")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise ConfigError(f"{label}: [defaults] must be a table")
    _unknown(defaults, DEFAULT_KEYS, _Checker(label, "defaults", path.parent))
    jobs = data.get("jobs")
    if not isinstance(jobs, dict) or not jobs:
        raise ConfigError(f"{label}: no jobs; add at least one [jobs.NAME] table")
    return JobsConfig(path=path, jobs=tuple(parse_job(name, table, defaults, path, label)
                                            for name, table in jobs.items()))


def load_config(path: str | Path) -> JobsConfig:
    """Read and validate a jobs file; raises :class:`ConfigError`."""
    path = Path(path).expanduser()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read jobs file: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return parse_config(data, path, str(path))
