"""Hostile and broken input: one crawl of the mock site's ``/hostile/`` corner
(tests/mockhostile.py) through the ``crawler`` CLI, then, per case: no crash
and the crawl goes on, a stat, a log line, and what the WARC holds.

The crawl runs with ``-L DEBUG`` (Scrapy's own lines included) and a short
``DOWNLOAD_TIMEOUT`` for the stalling server. The IDN host ``bücher.localhost``
is resolved to 127.0.0.1 by tests/localhost_resolver.py (RFC 6761), so that
page is really fetched, offline.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests import mockhostile as hostile
from tests.conftest import run_crawler
from tests.mockhostile import MANIFEST
from tests.mockserver import MockServer

pytestmark = pytest.mark.slow  # one crawl of about 30 s (the stalling server times out 3 times)

TIMEOUT = 6
BACKOFF = 0.5
IDN_ASCII = "xn--bcher-kva.localhost"
SETTINGS = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=0", "RETRY_TIMES=2",
            f"DOWNLOAD_TIMEOUT={TIMEOUT}", f"CRAWLER_RETRY_BACKOFF_SECONDS={BACKOFF}",
            "DNS_RESOLVER=tests.localhost_resolver.LocalhostResolver"]


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as srv:  # its own: fresh per-path state (429s, 503s)
        yield srv


def scrapy_stats(log: str) -> dict[str, Any]:
    """The stats Scrapy dumps at the end of the log (times left out)."""
    dump = log.split("Dumping Scrapy stats:\n", 1)[1]
    dump = dump[:dump.index("}\n") + 1]
    return ast.literal_eval(re.sub(r"datetime\.datetime\([^)]*\)", "None", dump))


@pytest.fixture(scope="module")
def crawl(server: MockServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("hostile")
    summary = out / "summary.json"
    args = ["crawl", server.url(MANIFEST["index"]), "-o", str(out), "--job", "hostile",
            "--max-depth", "1", "--allow-domain", hostile.IDN_HOST, "--summary-json",
            str(summary), "-L", "DEBUG"]
    for setting in SETTINGS:
        args += ["-s", setting]
    result = run_crawler(*args)
    assert result.returncode == 0, result.stderr[-3000:]
    job = out / "hostile"
    records = [json.loads(line) for f in sorted(job.glob("articles-*.jsonl"))
               for line in f.read_text("utf-8").splitlines()]
    responses = []
    for path in sorted((job / "warc").glob("*.warc.gz")):
        with open(path, "rb") as f:
            for rec in ArchiveIterator(f):
                if rec.rec_type == "response":
                    responses.append((rec.rec_headers, rec.http_headers, rec.raw_stream.read()))
    return {"log": result.stderr, "stdout": result.stdout, "job": job, "records": records,
            "responses": responses,
            "requests": server.requests(), "stats": scrapy_stats(result.stderr),
            "summary": json.loads(summary.read_text())}


def requests_to(crawl: dict[str, Any], path: str) -> list[dict[str, Any]]:
    return [r for r in crawl["requests"] if r["path"] == path]


def captured(crawl: dict[str, Any], url: str) -> list[tuple[Any, Any, bytes]]:
    return [r for r in crawl["responses"] if r[0].get_header("WARC-Target-URI") == url]


def logged(crawl: dict[str, Any], *parts: str) -> list[str]:
    """Log lines holding every one of ``parts``."""
    return [ln for ln in crawl["log"].splitlines() if all(p in ln for p in parts)]


def test_the_crawl_ends_normally_with_every_good_article(crawl, server) -> None:
    assert crawl["summary"]["finish_reason"] == "finished"
    assert "Traceback" not in crawl["log"]
    paths = Counter(urlsplit(r["url"]).path for r in crawl["records"])
    assert dict(paths) == {p: 1 for p in [*MANIFEST["articles"], MANIFEST["idn_article"]]}
    for record in crawl["records"]:
        path = urlsplit(record["url"]).path
        if path in MANIFEST["articles"]:
            assert MANIFEST["articles"][path] in record["text"], path
        assert record["warc"] is not None


def test_warcs_pass_warcio_check(crawl) -> None:
    for path in (crawl["job"] / "warc").glob("*.warc.gz"):
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)],
                               check=False, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_mislabelled_and_missing_charsets(crawl, server) -> None:
    stats = crawl["stats"]
    assert stats["extract/charset/mislabelled"] == len(MANIFEST["mislabelled"])
    assert stats["extract/charset/undeclared"] == len(MANIFEST["undeclared"])
    for path in MANIFEST["mislabelled"]:
        assert len(logged(crawl, "Charset mislabelled on", server.url(path))) == 1
    for path in MANIFEST["mislabelled"] + MANIFEST["undeclared"]:
        # the text is right (checked above) and the WARC keeps the bytes and header as sent
        [(_, http, payload)] = captured(crawl, server.url(path))
        assert hostile.CHARSET_SENTENCE.encode("cp1252") in payload \
            or hostile.CHARSET_SENTENCE.encode("utf-8") in payload
    [(_, http, _)] = captured(crawl, server.url(MANIFEST["mislabelled"][0]))
    assert http.get_header("Content-Type") == "text/html; charset=utf-8"


def test_ten_megabyte_pages(crawl, server) -> None:
    for path in MANIFEST["big"]:
        assert logged(crawl, "larger than download warn size", server.url(path))
        assert [len(r[2]) for r in captured(crawl, server.url(path))][:1] == [hostile.BIG_SIZE]
    # inline data is skipped by extraction (its article is written); 300,000 elements are not
    assert crawl["stats"]["extract/dropped/too_large"] == 1
    assert logged(crawl, "Dropped: too_large:", server.url(MANIFEST["too_large"]))


def test_gzip_bomb_stops_at_download_maxsize(crawl, server) -> None:
    url = server.url(MANIFEST["gzip_bomb"])
    assert crawl["stats"]["fetch/failed/too_large_decompressed"] == 1
    assert logged(crawl, "exceeded DOWNLOAD_MAXSIZE", "during decompression", url)
    assert logged(crawl, "Fetch failed (too_large_decompressed):", url)
    # captured as sent: 4 MiB of gzip, never the 4 GiB it expands to
    captures = captured(crawl, url)
    assert captures
    for _, http, payload in captures:
        assert http.get_header("Content-Encoding") == "gzip"
        assert payload == hostile.gzip_bomb()


def test_binary_bytes_served_as_html(crawl, server) -> None:
    url = server.url(MANIFEST["binary"])
    assert crawl["stats"]["extract/dropped/binary"] == 1
    assert logged(crawl, "INFO: Dropped: binary:", url)
    [(_, _, payload)] = captured(crawl, url)
    assert payload == hostile.binary_bytes()


def test_response_shorter_than_its_content_length(crawl, server) -> None:
    url = server.url(MANIFEST["truncated"])
    stats = crawl["stats"]
    assert stats["fetch/failed/data_loss"] == 1
    assert stats["retry/reason_count/scrapy.exceptions.ResponseDataLossError"] == 2
    assert stats["warc/truncated"] == 3
    assert len(requests_to(crawl, MANIFEST["truncated"])) == 3
    assert logged(crawl, "Fetch failed (data_loss):", url, "connection closed after")
    full = hostile.page("truncated", "Cut short").encode()
    captures = captured(crawl, url)
    assert len(captures) == 3  # each attempt, kept as received and marked
    for headers, http, payload in captures:
        assert headers.get_header("WARC-Truncated") == "disconnect"
        assert http.get_header("X-Crawler-Orig-Content-Length") == str(len(full))
        assert payload == full[:int(len(full) * hostile.TRUNCATED_SHARE)]


def test_endless_redirects(crawl, server) -> None:
    stats = crawl["stats"]
    # a chain of new URLs: REDIRECT_MAX_TIMES (10) hops, then given up
    hops = [f"/hostile/loop/{n}" for n in range(1, 12)]
    assert [len(requests_to(crawl, p)) for p in hops] == [1] * 11
    assert not requests_to(crawl, "/hostile/loop/12")
    assert stats["fetch/failed/too_many_redirects"] == 1
    assert logged(crawl, "Fetch failed (too_many_redirects):", server.url(hops[0]),
                  "max redirections reached")
    assert all(captured(crawl, server.url(p))[0][1].get_statuscode() == "302" for p in hops)
    # a cycle: each URL once, then the way back is refused
    a, b = MANIFEST["cycle"]
    assert len(requests_to(crawl, a)) == len(requests_to(crawl, b)) == 1
    assert stats["fetch/failed/redirect_loop"] == 1
    assert logged(crawl, "Fetch failed (redirect_loop):", server.url(a), "redirected back to")


def test_stalling_server_times_out(crawl, server) -> None:
    url = server.url(MANIFEST["stall"])
    stats = crawl["stats"]
    assert len(requests_to(crawl, MANIFEST["stall"])) == 3
    assert stats["fetch/failed/timeout"] == 1
    assert stats["retry/reason_count/scrapy.exceptions.DownloadTimeoutError"] >= 2
    assert logged(crawl, "Fetch failed (timeout):", url, f"longer than {float(TIMEOUT)} seconds")
    # the headers and first bytes did arrive, but Scrapy discards a response
    # that times out before response_downloaded: nothing to capture
    assert captured(crawl, url) == []


def test_429_retry_after_is_honoured(crawl, server) -> None:
    assert crawl["stats"]["retry/retry_after"] == 2
    for path, seconds in MANIFEST["rate_limited"].items():
        seen = requests_to(crawl, path)
        # the server answers 429 again to a retry that comes too early
        assert [r["status"] for r in seen] == [429, 200]
        # (an HTTP date has whole seconds: the server rounds its deadline down)
        assert seen[1]["time"] - seen[0]["time"] >= seconds - path.endswith("-date.html")
        assert logged(crawl, "Retrying", server.url(path), "429 Too Many Requests; Retry-After:")
        assert [r[1].get_statuscode() for r in captured(crawl, server.url(path))] == ["429", "200"]


def test_503_is_retried_with_backoff(crawl, server) -> None:
    path = MANIFEST["unavailable"]
    seen = requests_to(crawl, path)
    assert [r["status"] for r in seen] == [503] * hostile.UNAVAILABLE_TIMES + [200]
    gaps = [later["time"] - earlier["time"] for earlier, later in pairwise(seen)]
    assert gaps[0] >= BACKOFF and gaps[1] >= 2 * BACKOFF
    assert logged(crawl, f"Retrying {server.url(path)} in {BACKOFF:.1f} s "
                         "(503 Service Unavailable; backoff)")
    assert logged(crawl, f"Retrying {server.url(path)} in {2 * BACKOFF:.1f} s")
    assert crawl["stats"]["retry/reason_count/503 Service Unavailable"] == 2


def test_html_nested_5000_levels_deep(crawl, server) -> None:
    url = server.url(MANIFEST["deep"])
    assert crawl["stats"]["extract/removed/deep_nesting"] > hostile.DEEP_LEVELS - 256
    assert logged(crawl, "Flattened", url, "nested deeper than the HTML parser allows")
    assert captured(crawl, url)


def test_empty_body(crawl, server) -> None:
    url = server.url(MANIFEST["empty"])
    assert crawl["stats"]["extract/dropped/empty"] >= 1
    assert logged(crawl, "Dropped: empty:", url)
    [(_, http, payload)] = captured(crawl, url)
    assert http.get_statuscode() == "200" and payload == b""


def test_odd_urls_are_fetched_once_as_escaped(crawl, server) -> None:
    expected = Counter(MANIFEST["odd_links"].values())
    assert expected["/hostile/caf%C3%A9.html"] == 2  # linked twice, both spellings
    for path in expected:
        assert len(requests_to(crawl, path)) == 1, path
        assert len(captured(crawl, server.url(path))) == 1, path
        assert [r["url"] for r in crawl["records"] if r["url"] == server.url(path)]


def test_idn_host(crawl, server) -> None:
    port = urlsplit(server.base).port
    url = f"http://{IDN_ASCII}:{port}{MANIFEST['idn_article']}"
    [request] = requests_to(crawl, MANIFEST["idn_article"])
    assert request["headers"]["Host"] == f"{IDN_ASCII}:{port}"
    assert [r["url"] for r in crawl["records"] if IDN_ASCII in r["url"]] == [url]
    assert len(captured(crawl, url)) == 1
    assert crawl["summary"]["finish_reason"] == "finished"


def test_log_lines_are_single_lines(crawl) -> None:
    ours = [ln for ln in crawl["log"].splitlines()
            if "Fetch failed (" in ln or "Charset mislabelled" in ln or "Flattened" in ln
            or "Retrying http" in ln]
    assert len(ours) >= 15
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[[\w.]+\] (INFO|WARNING): ", ln)
               for ln in ours)


def test_stats_are_in_the_summary(crawl) -> None:
    dropped = crawl["summary"]["dropped"]
    assert dropped["binary"] == 1 and dropped["too_large"] == 1
    assert crawl["summary"]["failed"] == {
        "data_loss": 1, "redirect_loop": 1, "timeout": 1, "too_large_decompressed": 1,
        "too_many_redirects": 1}
    assert "failed fetches:   data_loss 1, redirect_loop 1, timeout 1" in crawl["stdout"]

