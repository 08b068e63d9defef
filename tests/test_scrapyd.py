"""Deploying to Scrapyd as docs/scheduling.md says: a real scrapyd on a free
127.0.0.1 port, ``scrapyd-deploy`` of (a copy of) this project, ``schedule.json``
of the ``article`` spider against the bundled demo site, ``listjobs.json`` until
it finishes, then its articles.

Needs ``scrapyd`` and ``scrapyd-client`` (installed by CI, not by this test);
skipped without them, except under CI=true where their absence is a failure.
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from crawler.demo.server import DemoServer
from tests.conftest import ROOT, free_port

MANIFEST = json.loads((ROOT / "crawler" / "demo" / "manifest.json").read_text("utf-8"))


def _require(module: str) -> None:
    try:
        __import__(module)
    except ImportError:
        message = (f"{module} is not installed (CI installs scrapyd==1.6.0 and "
                   "scrapyd-client==2.0.3, see docs/scheduling.md)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def scrapyd(tmp_path):
    """A scrapyd on a free port with every folder under tmp_path; yields its URL."""
    _require("scrapyd")
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    conf = configparser.ConfigParser()
    conf["scrapyd"] = {
        "bind_address": "127.0.0.1", "http_port": str(port), "poll_interval": "0.2",
        "eggs_dir": str(home / "eggs"), "logs_dir": str(home / "logs"),
        "items_dir": str(home / "items"), "dbs_dir": str(home / "dbs"),
    }
    with open(home / "scrapyd.conf", "w") as f:
        conf.write(f)
    # scrapyd reads ./scrapyd.conf, then ~/.scrapyd.conf: HOME keeps a developer's out.
    env = {**os.environ, "HOME": str(home), "PYTHONWARNINGS": "ignore"}
    log = open(home / "scrapyd.out", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "scrapyd", "--pidfile="], cwd=home, env=env,
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if api(base, "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("scrapyd did not start:\n" + (home / "scrapyd.out").read_text()[-3000:])
            time.sleep(0.1)
        yield base, home
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def deploy(base: str, tmp_path: Path) -> dict:
    """``scrapyd-deploy`` from a copy of the project (it writes setup.py, build/
    and *.egg-info beside scrapy.cfg), with the copy's [deploy] url pointed at ``base``."""
    _require("scrapyd_client")
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md", "scrapy.cfg"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(ROOT / "crawler", project / "crawler",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    cfg = configparser.ConfigParser()
    cfg.read(project / "scrapy.cfg")
    assert cfg.get("deploy", "project") == "crawler"
    cfg.set("deploy", "url", base + "/")
    with open(project / "scrapy.cfg", "w") as f:
        cfg.write(f)
    result = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "--version", "1"],
        cwd=project, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    if "module_name" in answer.get("message", ""):
        pytest.fail("the egg names no settings module: pyproject.toml needs "
                    '[project.entry-points.scrapy] settings = "crawler.settings"')
    assert answer["status"] == "ok", answer
    return answer


def test_deploy_and_schedule_article_spider(scrapyd, tmp_path) -> None:
    base, home = scrapyd
    answer = deploy(base, tmp_path)
    assert answer["project"] == "crawler" and answer["spiders"] == 1
    assert api(base, "listspiders.json?project=crawler")["spiders"] == ["article"]

    out = tmp_path / "archive"
    with DemoServer() as site:
        site.start()
        job = api(base, "schedule.json", [
            ("project", "crawler"), ("spider", "article"), ("start", site.base_url + "/"),
            ("setting", f"CRAWLER_OUTPUT_DIR={out}"), ("setting", "CRAWLER_JOB=scrapyd"),
            ("setting", "DOWNLOAD_DELAY=0"), ("setting", "AUTOTHROTTLE_ENABLED=False"),
            ("setting", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
        ])
        assert job["status"] == "ok", job
        deadline = time.monotonic() + 90
        while True:
            jobs = api(base, "listjobs.json?project=crawler")
            finished = [j for j in jobs["finished"] if j["id"] == job["jobid"]]
            if finished:
                break
            assert time.monotonic() < deadline, jobs
            time.sleep(0.3)

    log_file = home / "logs" / "crawler" / "article" / f"{job['jobid']}.log"
    log = log_file.read_text("utf-8")
    assert "Traceback" not in log and "] ERROR:" not in log, log[-3000:]
    assert "'finish_reason': 'finished'" in log, log[-3000:]
    records = [json.loads(line) for f in (out / "scrapyd").glob("articles-*.jsonl")
               for line in f.read_text("utf-8").splitlines()]
    assert len(records) == len(MANIFEST["articles"])
    assert all(r["text"] for r in records)
    assert list((out / "scrapyd" / "warc").glob("*.warc.gz"))
