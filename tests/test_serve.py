"""``crawler serve``: a real pywb (``wayback`` from the tools venv) replays a
demo crawl on 127.0.0.1. The tools venv is the default one
(``~/.cache/crawler/tools-venv``, or ``CRAWLER_TOOLS_VENV``), installed on
first use; CI installs it beforehand with ``crawler serve --setup``."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import lxml.html
import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

from crawler.demo.server import MANIFEST as MANIFEST_FILE
from crawler.replay import sidecar
from crawler.replay.pywb import (
    build_collection,
    collection_name,
    find_archives,
    read_index,
    wayback_argv,
)
from tests.conftest import ROOT, free_port, run_crawler

MANIFEST = json.loads(MANIFEST_FILE.read_text("utf-8"))


def fetch(url: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"server exited with {proc.returncode}"
        try:
            fetch(url, timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def normalize(text: str) -> str:
    return " ".join(text.split())



@pytest.fixture(scope="module")
def pywb(tools_venv, demo_job, tmp_path_factory):
    """pywb's wayback serving the demo job, started as ``crawler serve`` does."""
    job, _ = demo_job
    root = build_collection(find_archives([job]).files,
                            tmp_path_factory.mktemp("pywb-root"), collection_name([job]))
    port = free_port()
    log = root / "wayback.log"
    with open(log, "wb") as log_fh:
        proc = subprocess.Popen(wayback_argv(root, port=port), cwd=root, env=sidecar.tool_env(),
                                stdin=subprocess.DEVNULL, stdout=log_fh, stderr=log_fh)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", proc)
        yield root, f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def capture(job: Path, record: dict):
    """(14-digit timestamp, HTTP payload bytes) of an article's WARC response record."""
    with open(job / record["warc"]["filename"], "rb") as fh:
        fh.seek(record["warc"]["offset"])
        rec = next(iter(ArchiveIterator(fh)))
        assert rec.rec_type == "response"
        assert rec.rec_headers.get_header("WARC-Target-URI") == record["url"]
        return iso_date_to_timestamp(rec.rec_headers.get_header("WARC-Date")), rec.raw_stream.read()


def test_collection_links_and_indexes_every_capture(pywb, demo_job) -> None:
    root, _ = pywb
    job, records = demo_job
    archive = root / "collections" / "demo" / "archive"
    links = list(archive.iterdir())
    assert links and all(p.is_symlink() for p in links)
    assert {p.resolve() for p in links} == {p.resolve() for p in (job / "warc").glob("*.warc.gz")}
    responses = set()
    for path in (job / "warc").glob("*.warc.gz"):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response":
                    responses.add((iso_date_to_timestamp(rec.rec_headers.get_header("WARC-Date")),
                                   rec.rec_headers.get_header("WARC-Target-URI")))
    indexed = {(e["timestamp"], e["url"]) for e in read_index(root, "demo")}
    assert indexed == responses
    assert {r["url"] for r in records} <= {url for _, url in indexed}


def test_raw_replay_is_byte_identical(pywb, demo_job) -> None:
    _, base = pywb
    job, records = demo_job
    for record in records:
        ts, payload = capture(job, record)
        status, body = fetch(f"{base}/demo/{ts}id_/{record['url']}")
        assert status == 200, record["url"]
        assert body == payload, record["url"]
        assert record["title"] in lxml.html.fromstring(body).findtext(".//title")


def test_replay_page_shows_the_article(pywb, demo_job) -> None:
    _, base = pywb
    job, records = demo_job
    expected = {a["title"]: a for a in MANIFEST["articles"]}
    for record in records[:5]:
        ts, _ = capture(job, record)
        # the replay URL a person opens: pywb's frame (banner) around the capture
        status, frame = fetch(f"{base}/demo/{ts}/{record['url']}")
        assert status == 200
        assert b"wb_frame.js" in frame and record["url"].encode() in frame
        # the page inside the frame: the capture, links rewritten into the archive
        status, page = fetch(f"{base}/demo/{ts}mp_/{record['url']}")
        assert status == 200
        text = normalize(lxml.html.fromstring(page).text_content())
        assert normalize(record["title"]) in text
        for paragraph in record["text"].split("\n")[:3]:
            assert normalize(paragraph) in text, (record["url"], paragraph)
        for sentence in expected[record["title"]]["must_have"]:
            assert normalize(sentence) in text
        assert f"{base}/demo/".encode() in page  # links point into the archive


def listening(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            addr, hexport = fields[1].split(":")
            if int(hexport, 16) == port and fields[3] == "0A":  # TCP_LISTEN
                found.add(addr)
    return found


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_crawler_serve_binds_loopback_and_stops_on_ctrl_c(tools_venv, demo_job) -> None:
    job, _ = demo_job
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "serve", str(job), "--port", str(port)],
        cwd=ROOT, env={**os.environ, "PYTHONWARNINGS": "ignore"}, text=True,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as in a terminal
    )
    try:
        lines = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = proc.stdout.readline()
            assert line, f"serve exited: {proc.wait()} {proc.stderr.read()[-2000:]}"
            lines.append(line)
        out = "".join(lines)
        assert f"http://127.0.0.1:{port}/demo/" in out
        assert fetch(f"http://127.0.0.1:{port}/demo/")[0] == 200
        # the real socket: 127.0.0.1 only, never 0.0.0.0 / ::
        assert listening(port) == {"0100007F"}
        (wayback,) = children(proc.pid)
        argv = Path(f"/proc/{wayback}/cmdline").read_bytes().split(b"\0")
        assert argv[argv.index(b"--bind") + 1] == b"127.0.0.1"
        collection_root = Path(argv[argv.index(b"--directory") + 1].decode())
        assert (collection_root / "collections" / "demo" / "indexes" / "index.cdxj").exists()

        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C
        assert proc.wait(20) == 0
        assert "pywb stopped." in proc.stdout.read()
        err = proc.stderr.read()
        assert "Traceback" not in err and "KeyboardInterrupt" not in err
        assert not Path(f"/proc/{wayback}").exists()  # stopped and reaped
        assert not collection_root.exists()
        assert not listening(port)
    finally:
        stop(proc)
        proc.stdout.close()
        proc.stderr.close()


def test_wayback_argv_defaults_to_loopback(tools_venv, tmp_path) -> None:
    argv = wayback_argv(tmp_path)
    assert argv[0] == str(sidecar.tool_path("wayback"))
    assert argv[argv.index("--bind") + 1] == "127.0.0.1"


def test_serve_setup_and_usage_errors(tools_venv, tmp_path) -> None:
    result = run_crawler("serve", "--setup")
    assert result.returncode == 0, result.stderr
    assert str(tools_venv) in result.stdout
    result = run_crawler("serve")
    assert result.returncode == 2 and "give a job folder" in result.stderr
    result = run_crawler("serve", str(tmp_path / "nope"))
    assert result.returncode == 2 and "no such file or folder" in result.stderr
    (tmp_path / "a.warc.gz.open").write_bytes(b"")
    result = run_crawler("serve", str(tmp_path))
    assert result.returncode == 2 and "still being written" in result.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        (tmp_path / "b.warc.gz").write_bytes(b"")
        result = run_crawler("serve", str(tmp_path), "--port", str(busy.getsockname()[1]))
    assert result.returncode == 2 and "is in use" in result.stderr


def test_find_archives_and_collection_name(tmp_path) -> None:
    job = tmp_path / "my.job"
    (job / "warc").mkdir(parents=True)
    (job / "warc" / "a.warc.gz").write_bytes(b"")
    (job / "warc" / "b.warc.gz.open").write_bytes(b"")
    (job / ".pywb" / "x").mkdir(parents=True)
    (job / ".pywb" / "x" / "c.warc.gz").write_bytes(b"")
    (job / "articles-1.jsonl").write_text("")
    found = find_archives([job])
    assert [p.name for p in found.files] == ["a.warc.gz"]
    assert [p.name for p in found.open_files] == ["b.warc.gz.open"]
    assert collection_name([job]) == "my-job"
    assert collection_name([job / "warc"]) == "my-job"
    assert collection_name([job / "warc" / "a.warc.gz"]) == "my-job"
    assert collection_name([job, tmp_path]) == "crawl"
    with pytest.raises(ValueError):
        find_archives([job / "articles-1.jsonl"])


def test_tools_venv_location_and_stamp(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(sidecar.SETTING, raising=False)
    assert sidecar.tools_venv_dir() == Path("~/.cache/crawler/tools-venv").expanduser()
    monkeypatch.setenv(sidecar.SETTING, str(tmp_path / "env"))
    assert sidecar.tools_venv_dir() == tmp_path / "env"
    assert sidecar.tools_venv_dir({sidecar.SETTING: str(tmp_path / "set")}) == tmp_path / "set"
    # a venv whose stamp lists other requirements is not ready (gets reinstalled)
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    (venv / sidecar.STAMP_NAME).write_text(sidecar.stamp_text(("pywb==2.9.0",)))
    assert not sidecar.is_ready(venv)
    (venv / sidecar.STAMP_NAME).write_text(sidecar.stamp_text())
    assert sidecar.is_ready(venv)


def test_failed_install_is_one_line(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # no registry: pip fails at once, offline
    with pytest.raises(sidecar.ToolsError) as info:
        sidecar.ensure_tools_venv(tmp_path / "venv", requirements=("crawler-no-such-pkg==0.0.0",),
                                  quiet=True)
    message = str(info.value)
    assert "\n" not in message
    assert "installing crawler-no-such-pkg==0.0.0" in message and "install.log" in message
