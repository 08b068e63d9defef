from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from crawler.schema import validator
from tests.conftest import DATA, resource_record, run_cli, run_crawler


def one_line_error(result) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_non_http_url_is_refused(tmp_path: Path) -> None:
    line = one_line_error(run_crawler("crawl", "ftp://example.com/", "-o", str(tmp_path)))
    assert line == "crawler: error: not an http(s) URL: 'ftp://example.com/'"


def test_missing_seeds_file(tmp_path: Path) -> None:
    line = one_line_error(run_crawler("crawl", "--seeds", str(tmp_path / "nope.txt")))
    assert "seeds file not found" in line


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    line = one_line_error(run_crawler("crawl", "http://127.0.0.1:9/", "-o", str(blocker)))
    assert "not writable" in line


def test_unknown_command_and_option() -> None:
    assert "unknown command" in one_line_error(run_crawler("fly"))
    assert "unrecognized option --bogus" in one_line_error(
        run_crawler("crawl", "--bogus", "http://x.org/"))


def test_extract_prints_one_valid_line_per_file_in_order() -> None:
    files = [DATA / "pages" / "article_comments.html", DATA / "pages" / "product.html",
             DATA / "pages" / "article_shift_jis.html"]
    result = run_crawler("extract", *map(str, files), "--url", "https://gazette.example/a")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3
    check = validator()
    for record in records:
        assert not list(check.iter_errors(record))
        assert record["warc"] is None
    assert records[0]["title"] == "Breakwater to be rebuilt" and records[0]["reason"] is None
    # not an article: the reason says so, and the text a user asked for is there
    assert records[1]["reason"] == "listing_page"
    assert records[1]["text"].startswith("A solid brass storm lantern")
    assert records[2]["language"] == "ja"


def test_the_article_bar_moves_the_verdict_not_the_text() -> None:
    page = str(DATA / "pages" / "article_comments.html")
    url = ("--url", "https://gazette.example/a")
    default = json.loads(run_crawler("extract", page, *url).stdout)
    strict = run_crawler("extract", page, *url, "-s", "CRAWLER_ARTICLE_MIN_PROBABILITY=1")
    assert strict.returncode == 0, strict.stderr
    record = json.loads(strict.stdout)
    assert default["reason"] is None and record["reason"] is not None
    assert record["text"] == default["text"]
    lenient = json.loads(run_crawler("extract", str(DATA / "pages" / "product.html"), *url,
                                     "-s", "CRAWLER_ARTICLE_MIN_PROBABILITY=0").stdout)
    assert lenient["reason"] is None


def test_a_bad_article_bar_is_a_one_line_error(tmp_path: Path) -> None:
    page = str(DATA / "pages" / "article_comments.html")
    for args in (["extract", page], ["crawl", "http://127.0.0.1:9/", "-o", str(tmp_path)],
                 ["replay", str(tmp_path)],
                 ["worker", "--redis", "redis://127.0.0.1:1/0", "--job", "w", "-o", str(tmp_path)]):
        line = one_line_error(run_crawler(*args, "-s", "CRAWLER_ARTICLE_MIN_PROBABILITY=2"))
        assert line == ("crawler: error: CRAWLER_ARTICLE_MIN_PROBABILITY must be a number "
                        "from 0 to 1, not '2'")


def test_extract_missing_file() -> None:
    assert "no such file" in one_line_error(run_crawler("extract", "/nonexistent.html"))


def test_worker_refuses_seeds_and_scope_of_its_own(tmp_path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("http://127.0.0.1:1/\n")
    for extra in (["--seeds", str(seeds)], ["--allow-domain", "example.org"]):
        result = run_cli("worker", "--redis", "redis://127.0.0.1:1/0", "--job", "w", *extra,
                             "-o", str(tmp_path))
        assert result.returncode == 2
        assert "a worker takes its seeds and scope from the crawl it joins" in result.stderr


def test_the_console_module_imports_no_scrapy() -> None:
    """Extraction workers (multiprocessing spawn) import the parent's ``__main__``,
    which is ``crawler.cli``: it must not drag Scrapy, Twisted or OpenSSL into them."""
    code = ("import sys, crawler.cli; print(sorted({m.split('.')[0] for m in sys.modules}"
            " & {'scrapy', 'twisted', 'OpenSSL'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_ctrl_c_is_one_line_and_exit_code_130(monkeypatch) -> None:
    from crawler.commands import export

    def pressed(self, args, opts) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(export.Command, "run", pressed)
    result = run_cli("export", "somewhere")
    assert (result.returncode, result.stderr) == (130, "crawler export: interrupted\n")


def test_ctrl_c_stops_a_check_of_a_big_archive_at_once(tmp_path: Path) -> None:
    """A real SIGINT, sent once the check has the archive open."""
    import gzip
    import os
    import signal
    import time

    archive = tmp_path / "big.warc.gz"
    with archive.open("wb") as f:
        for n in range(20_000):
            f.write(gzip.compress(resource_record(n)))
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    check = subprocess.Popen([sys.executable, "-m", "crawler.cli", "check", str(archive)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                             # Python's own Ctrl-C handler, even if the tests ignore SIGINT
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    fds = Path(f"/proc/{check.pid}/fd")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and check.poll() is None:
        try:
            if any(os.readlink(fd) == str(archive) for fd in fds.iterdir()):
                break
        except OSError:  # an fd closed while looking
            pass
        time.sleep(0.01)
    check.send_signal(signal.SIGINT)
    out, err = check.communicate(timeout=60)
    assert (check.returncode, err) == (130, "crawler check: interrupted\n")
    assert out == ""
