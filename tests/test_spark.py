"""The replay as a Spark job (crawler/replay/spark.py), in local mode on two
cores: it gives the articles :func:`crawler.replay.reextract.replay` gives for
the same files, as JSON lines and as Parquet, whichever way a task reads them."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import zipfile
from collections import Counter
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.export import arrow_schema, field_names
from crawler.replay.reextract import ReplayStats, replay
from crawler.replay.spark import main, replay_options, run
from crawler.warc.reader import find_archives
from tests.conftest import ROOT
from tests.corpuswarcs import response_record

SITE = ROOT / "crawler" / "demo" / "site"
ARTICLES = sorted(SITE.glob("2026/*/*.html"))


def write_warc(path: Path, host: str, pages: list[Path], gzip: bool = True,
               revisit: bool = False) -> None:
    """The demo site's ``pages`` as captured from ``host``; with ``revisit``
    the first one again as a revisit of its original."""
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=gzip, warc_version="1.1")
        records = []
        for page in pages:
            url = f"http://{host}/{page.relative_to(SITE).as_posix()}"
            records.append(response_record(writer, url, page.read_bytes()))
            writer.write_record(records[-1])
        if revisit:
            original = records[0]
            url = original.rec_headers.get_header("WARC-Target-URI")
            record = writer.create_revisit_record(
                url, original.rec_headers.get_header("WARC-Payload-Digest"), url,
                original.rec_headers.get_header("WARC-Date"),
                http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                              protocol="HTTP/1.1"))  # as wget --warc-dedup
            record.rec_headers.add_header("WARC-Refers-To",
                                          original.rec_headers.get_header("WARC-Record-ID"))
            writer.write_record(record)


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> list[Path]:
    """A gzipped WARC, a plain one and a WACZ, each of one site of 8 or 9
    articles (enough for a site template); the first also has the home page
    and a revisit."""
    folder = tmp_path_factory.mktemp("archives")
    a, b, c = folder / "a.warc.gz", folder / "b.warc", folder / "c.wacz"
    write_warc(a, "a.example", [SITE / "index.html", *ARTICLES[:9]], revisit=True)
    write_warc(b, "b.example", ARTICLES[9:17], gzip=False)
    inner = folder / "data.warc.gz"
    write_warc(inner, "c.example", ARTICLES[17:])
    with zipfile.ZipFile(c, "w") as z:
        z.write(inner, "archive/data.warc.gz")
    inner.unlink()
    return [a, b, c]


def expected(archives: list[Path], listed: list[str],
             stats: ReplayStats | None = None) -> list[dict]:
    """What replay() gives for the archives, ``warc.filename`` as listed."""
    records = []
    for article in replay(find_archives(archives), replay_options(), stats):
        record = article.to_dict()
        for path, name in zip(archives, listed, strict=True):
            record["warc"]["filename"] = record["warc"]["filename"].replace(str(path), name)
        records.append(record)
    return sorted(records, key=json.dumps)


def listing(tmp_path: Path, lines: list[str]) -> str:
    path = tmp_path / "listing.txt"
    path.write_text("".join(f"{line}\n" for line in lines), "utf-8")
    return str(path)


def read_jsonl(folder: Path) -> list[dict]:
    return sorted((json.loads(line) for part in sorted(folder.glob("part-*.jsonl"))
                   for line in part.read_text("utf-8").splitlines()), key=json.dumps)


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1: its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_jsonl_is_what_replay_gives(spark_session, archives, tmp_path) -> None:
    a, b, c = archives
    names = [str(a), b.as_uri(), str(c)]  # a plain path and file: URIs
    out = tmp_path / "out"
    result = run(spark_session, listing(tmp_path, names), str(out), options=replay_options())
    records = read_jsonl(out)
    stats = ReplayStats()
    assert records == expected(archives, names, stats)
    assert len(records) == len(ARTICLES) + 1  # the home page is one too
    assert {r["warc"]["filename"] for r in records} == {
        str(a), b.as_uri(), f"{c}#archive/data.warc.gz"}
    assert result.tasks == 3 and result.failed == []  # one task per file
    assert result.counts == stats.counts + Counter(files=3)
    assert result.counts["dropped/duplicate"] == 1  # the revisit


def test_parquet_is_what_replay_gives_in_the_export_schema(spark_session, archives,
                                                           tmp_path) -> None:
    names = [str(p) for p in archives]
    out = tmp_path / "out"
    result = run(spark_session, listing(tmp_path, names), str(out), fmt="parquet",
                 options=replay_options(), partitions=2)
    table = pq.read_table(out)
    assert table.schema.names == field_names()
    assert [f.type for f in table.schema] == [f.type for f in arrow_schema()]
    assert sorted(table.to_pylist(), key=json.dumps) == expected(archives, names)
    assert result.tasks == 2


def test_hadoop_and_http_reads(spark_session, archives, tmp_path) -> None:
    """``b`` through Spark's Hadoop file systems, ``a`` and ``c`` downloaded
    from a base URL: the same articles, named as listed."""
    a, b, c = archives
    names = [a.name, b.as_uri(), c.name]
    out = tmp_path / "out"
    with serving(a.parent) as base:
        result = run(spark_session, listing(tmp_path, names), str(out),
                     options=replay_options(), base_url=base, hadoop_fs=True)
    assert result.failed == []
    assert read_jsonl(out) == expected(archives, names)


def test_what_does_not_carry_across_tasks(spark_session, archives, tmp_path) -> None:
    """A URL captured in two files is one article when the files share a task,
    two when they do not."""
    twice = tmp_path / "again.warc.gz"
    write_warc(twice, "a.example", ARTICLES[:1])
    names = [str(archives[0]), str(twice)]
    together = run(spark_session, listing(tmp_path, names), str(tmp_path / "one"),
                   options=replay_options(), partitions=1)
    apart = run(spark_session, listing(tmp_path, names), str(tmp_path / "two"),
                options=replay_options())
    assert (together.tasks, apart.tasks) == (1, 2)
    assert apart.counts["articles"] == together.counts["articles"] + 1
    assert together.counts["dropped/duplicate"] == apart.counts["dropped/duplicate"] + 1


def test_unreadable_files_are_one_line_each(spark_session, archives, tmp_path,
                                            capsys) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not an archive")
    out = tmp_path / "out"
    with serving(tmp_path) as base:
        lines = [str(archives[1]), str(tmp_path / "missing.warc.gz"), str(notes),
                 f"{base}gone.warc.gz", (tmp_path / "gone.warc").as_uri() + "x"]
        code = main([listing(tmp_path, lines), str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert len(read_jsonl(out)) == 8  # b's articles are all there
    failures = [line for line in err.splitlines() if "not read:" in line]
    assert len(failures) == 4, err
    assert "missing.warc.gz: no such file or folder" in err
    assert "notes.txt: not a WARC, ARC or WACZ file" in err
    assert "gone.warc.gz: HTTP Error 404" in err
    assert "8 articles from 1 of 5 listed paths" in err and "Traceback" not in err


def test_usage_errors_are_one_line(spark_session, archives, tmp_path, capsys) -> None:
    assert main([str(tmp_path / "none.txt"), str(tmp_path / "out")]) == 2
    assert main([listing(tmp_path, [str(archives[1])]), str(tmp_path)]) == 2
    assert main([listing(tmp_path, ["", "# nothing"]), str(tmp_path / "out")]) == 2
    assert main([listing(tmp_path, ["x"]), str(tmp_path / "o"), "-s", "oops"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": error: ")[1] for line in err] == [
        f"no such listing: {tmp_path / 'none.txt'}",
        f"{tmp_path} exists: give the job a new output folder",
        f"no paths in {tmp_path / 'listing.txt'}",
        "-s wants NAME=VALUE, not 'oops'"]


def test_a_failed_spark_job_is_one_line(spark_session, archives, tmp_path, capsys) -> None:
    """Spark cannot write the output: its root cause on one line, exit status 1."""
    code = main([listing(tmp_path, [str(archives[1])]), "/proc/crawler-out"])
    err = capsys.readouterr().err
    assert code == 1
    assert "error: the Spark job failed: java.io.IOException: Mkdirs failed" in err
    assert len(err.splitlines()) == 1


def test_docs_name_every_option() -> None:
    from crawler.replay.spark import parser

    text = (ROOT / "docs" / "replay.md").read_text("utf-8")
    section = text.split("## Re-extract on a cluster")[1].split("\n## ")[0]
    options = {o for a in parser()._actions for o in a.option_strings} - {"-h", "--help", "--set"}
    assert {o for o in options if f"`{o}" not in section} == set()
