"""Shared fixtures: the mock site (a subprocess on 127.0.0.1), the real
components some tests need (a private redis-server, the tools venv with pywb,
Debian's chromium, Spark in local mode), and a helper that runs ``crawler`` as users do, in a
subprocess.

A test that asks for a component's fixture gets that component's marker
(``redis``, ``pywb``, ``chromium``, ``spark``), so ``pytest -m "not chromium"`` leaves
those tests out. A missing component skips its tests on a workstation and fails
them under CI (``CI`` set), where ``.ci/run`` installs every one."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


#: Settings for a crawl of a local test site when politeness, retry timing and
#: the extraction pool are not what is tested: no per-site delay or throttle,
#: retries 50 ms apart (the same retries, 3 s less on the mock site's broken
#: page), and extraction in the crawl's process (no pool of two processes to
#: start). Modules that test the pool add POOL after FAST (the last -s wins).
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
        "-s", "CRAWLER_RETRY_BACKOFF_SECONDS=0.05", "-s", "CRAWLER_EXTRACT_PROCESSES=0"]
#: The extraction pool as users get it on a machine of two cores or more.
POOL = ["-s", "CRAWLER_EXTRACT_PROCESSES=2"]


def resource_record(n: int) -> bytes:
    """A minimal WARC ``resource`` record (10 bytes of text), numbered ``n``."""
    return (f"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:{n}>\r\n"
            f"WARC-Target-URI: https://example.org/{n}\r\nWARC-Date: 2026-01-01T00:00:00Z\r\n"
            "Content-Type: text/plain\r\nContent-Length: 10\r\n\r\n").encode() \
        + b"x" * 10 + b"\r\n\r\n"


def run_crawler(*args: str, cwd: Path | None = None, timeout: float = 300,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m crawler.cli ARGS`` and return the completed process."""
    full_env = {**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        capture_output=True, text=True, cwd=cwd or ROOT, timeout=timeout, env=full_env,
    )


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``crawler ARGS`` in this process, for a command that stops on a usage
    error before it crawls or serves anything: the exit code and the printed
    text as :func:`run_crawler` gives them, without a process start."""
    from crawler.cli import main

    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exit_:
            code = exit_.code
    if not isinstance(code, int):  # sys.exit("message") prints it and exits 1
        err.write(f"{code}\n" if code is not None else "")
        code = 0 if code is None else 1
    return subprocess.CompletedProcess(["crawler", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def mockserver():
    from tests.mockserver import MockServer

    with MockServer() as server:
        yield server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: fixture name -> the marker of the real component it starts or finds
COMPONENT_MARKERS = {"redis_url": "redis", "tools_venv": "pywb", "chromium": "chromium",
                     "spark_session": "spark"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in COMPONENT_MARKERS:
                item.add_marker(COMPONENT_MARKERS[fixture])


def missing(component: str) -> None:
    """Skip (workstation) or fail (CI) a test whose component is not installed."""
    if os.environ.get("CI"):
        pytest.fail(f"{component} is not installed (.ci/run installs it)")
    pytest.skip(f"{component} is not installed")


@pytest.fixture(scope="session")
def redis_url():
    """A private redis-server on 127.0.0.1 for the session (CI installs it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing("Debian's redis-server")
    from benchmarks.distributed import start_redis

    proc, port = start_redis(binary)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def tools_venv() -> Path:
    """The tools venv (pywb, py-wacz), installed once if it is not there."""
    from crawler.replay import sidecar

    return sidecar.ensure_tools_venv()


@pytest.fixture(scope="session")
def chromium() -> None:
    """Debian's chromium, which ``tests/browser.py`` drives headless."""
    from tests import browser

    if not browser.available():
        missing("Debian's chromium")


@pytest.fixture(scope="session")
def spark_session():
    """Spark in local mode on two cores, one session for the test session (it
    takes seconds to start): pyspark from the test extra on Debian's Java. Its
    Python workers are this interpreter; everything binds to 127.0.0.1."""
    if shutil.which("java") is None:
        missing("Java (Debian's default-jre-headless)")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        missing("pyspark (the spark extra)")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYSPARK_PYTHON", sys.executable)
        env.setenv("SPARK_LOCAL_IP", "127.0.0.1")
        session = (SparkSession.builder.master("local[2]").appName("crawler-tests")
                   .config("spark.ui.enabled", "false")
                   .config("spark.driver.host", "127.0.0.1")
                   .getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


@pytest.fixture(scope="session")
def demo_job(tmp_path_factory) -> tuple[Path, list[dict]]:
    """One ``crawler demo`` run shared by every module that only reads its job
    folder: (job folder, its article records). Under pytest-xdist the first
    worker to ask crawls and the others wait for it (a file lock in the run's
    shared temporary folder). A test that changes the folder copies it first."""
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    out = shared / "shared-demo"
    with FileLock(str(shared / "shared-demo.lock")):
        if not (out / "done").exists():
            shutil.rmtree(out, ignore_errors=True)
            result = run_crawler("demo", "-o", str(out))
            assert result.returncode == 0, result.stderr[-3000:]
            (out / "done").touch()
    job = out / "demo"
    records = [json.loads(line) for f in sorted(job.glob("articles-*.jsonl"))
               for line in f.read_text("utf-8").splitlines()]
    from crawler.demo.server import MANIFEST

    manifest = json.loads(MANIFEST.read_text("utf-8"))
    assert len(records) == len(manifest["articles"])
    return job, records
