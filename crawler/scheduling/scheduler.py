"""When jobs are due, and running them: one ``crawler crawl`` subprocess per run.

- :func:`next_run`: cron schedules (croniter; the job's ``timezone`` or the
  machine's local time, like cron itself) and fixed intervals (``every``).
- :func:`run_job`: one run of a job as ``python -m crawler.cli crawl ...``,
  its output in ``OUTPUT/JOB/logs/<UTC timestamp>.log``, under a lock file so
  that two runs of one job never overlap (not even from two schedulers, or a
  scheduler and a cron line), with an optional timeout.
- :class:`Scheduler`: loops until stopped, running due jobs one at a time.
  Clock and sleep are injectable for tests, and ``max_runs``/``until`` end it.

A failing run (non-zero exit, crash, timeout, unreadable seeds file) is logged
and the scheduler goes on. SIGTERM or Ctrl-C stops it: a running crawl gets
SIGTERM (Scrapy's graceful shutdown: WARC files closed, summary printed) and,
if it is not done within ``kill_after`` seconds or a second signal arrives,
SIGKILL.
"""

from __future__ import annotations

import fcntl
import logging
import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import TextIO
from zoneinfo import ZoneInfo

from croniter import croniter

from crawler.scheduling.config import Job, format_duration

logger = logging.getLogger("crawler.scheduling")

#: Exit code of ``crawler run`` when the job is already running elsewhere (EX_TEMPFAIL).
EXIT_BUSY = 75
#: Exit code when the run hit the job's timeout (as timeout(1)).
EXIT_TIMEOUT = 124
#: Seconds between checks of a running child for stop requests and its timeout.
POLL_SECONDS = 0.2
#: The scheduler never sleeps longer than this at once (clock jumps, suspend).
MAX_SLEEP_SECONDS = 60.0
#: Log file names: UTC start time of the run.
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
_STAMP = re.compile(r"(\d{8}T\d{6}Z)(?:-\d+)?\.log")
#: The crawl's printed summary starts with this (crawler.report.summary.format_summary).
_SUMMARY_START = re.compile(r"^Crawl \S+ in ")


def utcnow() -> datetime:
    return datetime.now(UTC)


# -- when ------------------------------------------------------------------------

def next_cron(expr: str, after: datetime, zone: str | None = None) -> datetime:
    """The first time strictly after ``after`` (aware) that matches ``expr``,
    in ``zone`` (IANA name) or, without one, the machine's local time."""
    if zone:
        start = after.astimezone(ZoneInfo(zone))
        return croniter(expr, start).get_next(datetime).astimezone(UTC)
    local = after.astimezone().replace(tzinfo=None)  # local wall-clock time
    # A naive datetime's astimezone() applies the local rules of that date (DST).
    return croniter(expr, local).get_next(datetime).astimezone(UTC)


def next_interval(every: timedelta, previous: datetime, now: datetime) -> datetime:
    """The first slot ``previous + k * every`` (k >= 1) after ``now``: runs keep
    their rhythm, and slots missed while a run overran are skipped, not caught up."""
    if previous + every > now:
        return previous + every
    missed = math.floor((now - previous) / every)
    return previous + every * (missed + 1)


def next_run(job: Job, now: datetime, previous: datetime | None = None) -> datetime:
    """When ``job`` runs next. ``previous`` is the start of its last run (or last
    scheduled slot); an ``every`` job with none runs at once (``now``)."""
    if job.cron:
        return next_cron(job.cron, now, job.timezone)
    assert job.every is not None
    if previous is None:
        return now
    return next_interval(job.every, previous, now)


def last_run_start(job: Job) -> datetime | None:
    """Start of the job's latest run, from its log files' names (or None)."""
    try:
        names = [p.name for p in job.logs_dir.iterdir()]
    except OSError:
        return None
    stamps = [m.group(1) for m in map(_STAMP.fullmatch, names) if m]
    if not stamps:
        return None
    return datetime.strptime(max(stamps), STAMP_FORMAT).replace(tzinfo=UTC)


def first_run(job: Job, now: datetime) -> datetime:
    """When a freshly started scheduler runs ``job`` first: cron at its next
    match; ``every`` one interval after its last logged run, or now."""
    if job.cron:
        return next_cron(job.cron, now, job.timezone)
    assert job.every is not None
    last = last_run_start(job)
    if last is None or last > now:
        return now
    return max(now, last + job.every)


# -- one run ---------------------------------------------------------------------

@dataclass(frozen=True)
class RunResult:
    """What one run of a job came to."""

    job: str
    #: ``ok``, ``failed`` (non-zero exit), ``timeout``, ``stopped`` (by a signal
    #: to us), ``busy`` (already running elsewhere) or ``error`` (not started).
    outcome: str
    exit_code: int
    started: datetime
    duration: float
    log_path: Path | None = None
    #: The crawl's printed summary (``Crawl finished in ...`` and the lines below).
    summary: tuple[str, ...] = ()
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def headline(self) -> str:
        text = f"{self.job}: {self.outcome}, exit {self.exit_code} in {self.duration:.1f} s"
        if self.detail:
            text += f" ({self.detail})"
        if self.log_path is not None:
            text += f"; log {self.log_path}"
        return text


def summary_lines(text: str) -> tuple[str, ...]:
    """The last summary block the crawl printed, or ``()``."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if _SUMMARY_START.match(line)]
    if not starts:
        return ()
    block = [lines[starts[-1]]]
    for line in lines[starts[-1] + 1:]:
        if not line.startswith("  "):
            break
        block.append(line)
    return tuple(block)


def _log_path(logs_dir: Path, started: datetime) -> Path:
    stamp = started.astimezone(UTC).strftime(STAMP_FORMAT)
    path, n = logs_dir / f"{stamp}.log", 1
    while path.exists():
        path, n = logs_dir / f"{stamp}-{n}.log", n + 1
    return path


def _exit_code(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode  # killed by signal N: 128+N


class _Lock:
    """An exclusive, non-blocking flock on ``logs/.lock`` held for one run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: TextIO | None = None

    def acquire(self) -> bool:
        self.handle = open(self.path, "a+")  # noqa: SIM115 - held across the run
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            self.handle = None
            return False
        return True

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


@dataclass
class StopFlag:
    """Set by signal handlers: ``requested`` asks a running child to stop
    (SIGTERM), ``force`` to die now (SIGKILL)."""

    requested: threading.Event = field(default_factory=threading.Event)
    force: threading.Event = field(default_factory=threading.Event)

    def request(self) -> None:
        if self.requested.is_set():
            self.force.set()
        self.requested.set()


def run_job(job: Job, *, clock: Callable[[], datetime] = utcnow, stop: StopFlag | None = None,
            kill_after: float = 30.0, python: str | None = None,
            env: dict[str, str] | None = None) -> RunResult:
    """Run ``job`` once in a subprocess and wait for it; never raises for a
    failing crawl. ``stop`` (set by a signal handler) ends the child early."""
    stop = stop or StopFlag()
    started = clock()
    t0 = time.monotonic()

    def result(outcome: str, code: int, log_path: Path | None = None,
               summary: tuple[str, ...] = (), detail: str = "") -> RunResult:
        return RunResult(job.name, outcome, code, started, time.monotonic() - t0,
                         log_path, summary, detail)

    try:
        job.logs_dir.mkdir(parents=True, exist_ok=True)
        lock = _Lock(job.logs_dir / ".lock")
        if not lock.acquire():
            return result("busy", EXIT_BUSY, detail="another run of this job is in progress")
    except OSError as exc:
        return result("error", 1, detail=f"cannot use {job.logs_dir}: {exc.strerror or exc}")
    try:
        log_path = _log_path(job.logs_dir, started)
        cmd = job.command(python)
        outcome, detail = "ok", ""
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"# {started.isoformat()} job {job.name}: {subprocess.list2cmdline(cmd)}\n")
            log.flush()
            child_env = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}
            try:
                proc = subprocess.Popen(
                    cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    cwd=job.source.parent, env=child_env,
                    start_new_session=True,  # Ctrl-C reaches us; we stop the child
                )
            except OSError as exc:
                return result("error", 1, log_path, detail=f"cannot start crawl: {exc}")
            try:
                outcome, detail = _wait(proc, job, stop, t0, kill_after)
            except BaseException:  # e.g. KeyboardInterrupt without our handlers: no orphan
                _end(proc, kill_after)
                raise
            code = _exit_code(proc.returncode)
            log.write(f"# exit {code}\n")
        text = _tail(log_path)
        if outcome == "timeout":
            code = EXIT_TIMEOUT
        elif outcome == "ok" and code != 0:
            outcome = "failed"
            if code > 128:
                detail = f"killed by signal {code - 128}"
            else:
                last = [ln for ln in text.splitlines()
                        if ln.strip() and not ln.startswith("# ")]
                detail = last[-1].strip()[:200] if last and not summary_lines(text) else ""
        return result(outcome, code, log_path, summary_lines(text), detail)
    except OSError as exc:
        return result("error", 1, detail=f"{exc.strerror or exc}")
    finally:
        lock.release()


def _tail(path: Path, size: int = 64 * 1024) -> str:
    """The end of a (possibly huge) log file, where the summary is."""
    with open(path, "rb") as f:
        f.seek(max(0, f.seek(0, os.SEEK_END) - size))
        return f.read().decode("utf-8", errors="replace")


def _end(proc: subprocess.Popen[bytes], kill_after: float) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _wait(proc: subprocess.Popen[bytes], job: Job, stop: StopFlag, t0: float,
          kill_after: float) -> tuple[str, str]:
    """Wait for the child, ending it on a stop request or at the job's timeout."""
    deadline = t0 + job.timeout.total_seconds() if job.timeout else None
    outcome, detail, terminated_at = "ok", "", None
    while True:
        try:
            proc.wait(timeout=POLL_SECONDS)
            return outcome, detail
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if terminated_at is None:
            if stop.requested.is_set():
                outcome, detail = "stopped", "stop requested"
            elif job.timeout is not None and deadline is not None and now >= deadline:
                outcome, detail = "timeout", f"timed out after {format_duration(job.timeout)}"
            if outcome != "ok":
                logger.warning("%s: %s; sending SIGTERM to crawl (pid %d)",
                               job.name, detail, proc.pid)
                proc.terminate()
                terminated_at = now
        elif stop.force.is_set() or now - terminated_at >= kill_after:
            logger.warning("%s: crawl (pid %d) still running; killing it", job.name, proc.pid)
            proc.kill()
            proc.wait()
            return outcome, detail


def log_result(res: RunResult) -> None:
    """The run's headline and the crawl's summary, one log line each."""
    level = logging.INFO if res.ok else logging.WARNING if res.outcome == "busy" \
        else logging.ERROR
    logger.log(level, "%s", res.headline())
    for line in res.summary:
        logger.log(level, "%s:   %s", res.job, line.strip())


# -- the loop --------------------------------------------------------------------

class Scheduler:
    """Runs due jobs one at a time, forever or until ``max_runs`` runs are done
    or the clock reaches ``until``. ``clock`` returns aware datetimes;
    ``sleep(seconds)`` waits (the default wakes early when stopped)."""

    def __init__(self, jobs: Sequence[Job], *, clock: Callable[[], datetime] = utcnow,
                 sleep: Callable[[float], object] | None = None, max_runs: int | None = None,
                 until: datetime | None = None, kill_after: float = 30.0,
                 python: str | None = None, env: dict[str, str] | None = None) -> None:
        if not jobs:
            raise ValueError("no jobs to schedule")
        self.jobs = list(jobs)
        self.clock = clock
        self.stop_flag = StopFlag()
        self.sleep = sleep or self.stop_flag.requested.wait
        self.max_runs, self.until = max_runs, until
        self.kill_after, self.python, self.env = kill_after, python, env
        self.results: list[RunResult] = []
        self.due: dict[str, datetime] = {}

    # -- stopping --
    def stop(self) -> None:
        """Stop after (or, when called from a signal, by ending) the current run;
        a second call kills the running crawl at once."""
        self.stop_flag.request()

    @property
    def stopping(self) -> bool:
        return self.stop_flag.requested.is_set()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        again = " again; killing the running crawl" if self.stopping else "; stopping"
        logger.warning("received %s%s", name, again)
        self.stop()

    def install_signal_handlers(self) -> None:
        """SIGTERM, SIGINT and SIGHUP stop the scheduler cleanly (main thread only)."""
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)

    # -- running --
    def run_once(self, job: Job) -> RunResult:
        logger.info("%s: starting run", job.name)
        try:
            res = run_job(job, clock=self.clock, stop=self.stop_flag,
                          kill_after=self.kill_after, python=self.python, env=self.env)
        except Exception as exc:  # never let one job take the scheduler down
            logger.exception("%s: run crashed", job.name)
            res = RunResult(job.name, "error", 1, self.clock(), 0.0, detail=repr(exc))
        else:
            log_result(res)
        self.results.append(res)
        return res

    def run(self) -> int:
        """Loop until stopped; returns the number of runs done."""
        now = self.clock()
        order = {job.name: i for i, job in enumerate(self.jobs)}
        self.due = {job.name: first_run(job, now) for job in self.jobs}
        logger.info("scheduler started with %d job%s", len(self.jobs),
                    "" if len(self.jobs) == 1 else "s")
        for job in self.jobs:
            logger.info("%s: %s, first run %s", job.name, job.schedule,
                        _when(self.due[job.name], now))
        runs = 0
        while not self.stopping:
            now = self.clock()
            if self.until is not None and now >= self.until:
                break
            ready = [job for job in self.jobs if self.due[job.name] <= now]
            if not ready:
                wake = min(self.due.values())
                if self.until is not None:
                    wake = min(wake, self.until)
                self.sleep(min(max((wake - now).total_seconds(), 0.0), MAX_SLEEP_SECONDS))
                continue
            job = min(ready, key=lambda j: (self.due[j.name], order[j.name]))
            slot = self.due[job.name]
            self.run_once(job)
            runs += 1
            now = self.clock()
            self.due[job.name] = next_run(job, now, previous=slot)
            if not self.stopping:
                logger.info("%s: next run %s", job.name, _when(self.due[job.name], now))
            if self.max_runs is not None and runs >= self.max_runs:
                break
        logger.info("scheduler stopped after %d run%s", runs, "" if runs == 1 else "s")
        return runs


def _when(at: datetime, now: datetime) -> str:
    if at <= now:
        return "now"
    return f"at {at.astimezone().isoformat(timespec='seconds')} (in {_span(at - now)})"


def _span(delta: timedelta) -> str:
    """``2d 3h``, ``1h 5m``, ``12m 5s``, ``45s``: the two largest units."""
    seconds = max(0, math.ceil(delta.total_seconds()))
    parts: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size or (parts and len(parts) < 2):
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
        if len(parts) == 2:
            break
    return " ".join(parts) or "0s"


def setup_logging(log_file: str | None = None, level: str | int = "INFO",
                  enabled: bool = True) -> logging.Handler | None:
    """Send the scheduler's log (``crawler.scheduling``) to ``log_file`` or stderr."""
    if not enabled:
        logger.addHandler(logging.NullHandler())
        logger.propagate = False
        return None
    handler: logging.Handler = (logging.FileHandler(log_file, encoding="utf-8") if log_file
                                else logging.StreamHandler(sys.stderr))
    handler.setFormatter(logging.Formatter("%(asctime)s [%(levelname)s] %(message)s",
                                           "%Y-%m-%d %H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(level if isinstance(level, int) else level.upper())
    logger.propagate = False
    return handler
