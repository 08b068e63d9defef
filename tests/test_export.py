"""``crawler export``: a job of two runs against the mock site (one article gets
a second version, one has a title full of CSV and HTML specials) exported as
Parquet (read back with DuckDB and pandas), CSV (read back with the csv
module) and JSON lines, each compared with the job's own JSON lines."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from crawler.export import arrow_schema, csv_value, field_names
from crawler.jsonl import RecordError, iter_records, jsonl_files
from crawler.schema import json_schema
from tests.conftest import FAST as CRAWL_FAST
from tests.conftest import run_cli, run_crawler
from tests.mockserver import MANIFEST, MockServer

FAST = [*CRAWL_FAST, "--max-depth", "3"]
CHANGED = "/articles/library.html"
ODD = "/articles/harbour.html"
ODD_TITLE = 'Harbour plan: "yes", 12, 3; <b>bold</b> & done'


@pytest.fixture(scope="module")
def job(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export")
    odd = {ODD: {"title": ODD_TITLE}}
    with MockServer(state={"articles": odd}) as server:
        for state in ({"articles": odd}, {"articles": {**odd, CHANGED: {"paragraphs": [
                "Correction: the library now opens until ten on weeknights, not nine."]
                + MANIFEST["articles"][CHANGED]["must_have"] * 2}}}):
            server.set_state(state)
            result = run_crawler("crawl", server.url("/"), "-o", str(out), "--job", "x",
                                 "--recheck-after", "0s", *FAST)
            assert result.returncode == 0, result.stderr[-3000:]
    return out / "x"


def lines(job: Path) -> list[dict]:
    return [json.loads(line) for f in sorted(job.glob("articles-*.jsonl"))
            for line in f.read_text("utf-8").splitlines()]


def latest(job: Path) -> list[dict]:
    by_url: dict[str, dict] = {}
    for record in lines(job):
        if record["url"] not in by_url or record["version"] >= by_url[record["url"]]["version"]:
            by_url[record["url"]] = record
    return sorted(by_url.values(), key=lambda r: r["url"])


def export(job: Path, *args: str) -> str:
    result = run_crawler("export", str(job), *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_the_job_has_two_versions_of_one_article(job: Path) -> None:
    records = lines(job)
    assert len(records) == len(MANIFEST["articles"]) + 1
    assert len(latest(job)) == len(MANIFEST["articles"])
    assert sorted(r["version"] for r in records if urlsplit(r["url"]).path == CHANGED) == [1, 2]
    # the canonical page's record, never its AMP copy's, whichever was fetched first
    assert {urlsplit(r["url"]).path for r in records} == set(MANIFEST["articles"])


def test_arrow_schema_has_the_record_fields_in_order() -> None:
    schema = arrow_schema()
    assert schema.names == field_names() == list(json_schema()["properties"])
    assert str(schema.field("tags").type) == "list<element: string not null>"
    assert schema.field("warc").type.names == ["filename", "offset", "length", "record_id"]
    assert not schema.field("url").nullable and schema.field("title").nullable
    assert schema.metadata[b"schema_version"] == b"2.0"
    assert schema.field("published").metadata[b"description"].startswith(b"When the story")
    assert schema.field("images").type.value_type.field("caption").nullable


def test_parquet_read_with_duckdb_is_the_latest_versions(job: Path, tmp_path: Path) -> None:
    path = tmp_path / "articles.parquet"
    export(job, "--format", "parquet", "-o", str(path))
    assert pq.read_schema(path).equals(arrow_schema(), check_metadata=True)
    rel = duckdb.sql(f"SELECT * FROM read_parquet('{path}') ORDER BY url")
    rows = [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]
    assert rows == latest(job)
    changed = next(r for r in rows if urlsplit(r["url"]).path == CHANGED)
    assert changed["version"] == 2 and changed["previous"]["offset"] >= 0
    types = dict(duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{path}')")
                 .fetchall()[i][:2] for i in range(len(rows[0])))
    assert types["tags"] == "VARCHAR[]" and types["status"] == "INTEGER"
    assert types["warc"].startswith("STRUCT(filename VARCHAR, \"offset\" BIGINT")


def plain(value: Any) -> Any:
    """A pandas cell as plain Python."""
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, np.integer):
        return int(value)
    if value is None or (np.isscalar(value) and pd.isna(value)):
        return None
    return value


def test_parquet_read_with_pandas_has_every_version(job: Path, tmp_path: Path) -> None:
    path = tmp_path / "all.parquet"
    export(job, "--all-versions", "-o", str(path))  # format from the extension
    df = pd.read_parquet(path)
    assert list(df.columns) == field_names()
    assert str(df["version"].dtype) == "int32"
    rows = [{k: plain(v) for k, v in row.items()} for row in df.to_dict("records")]
    assert rows == lines(job)  # same records, same order
    assert df.loc[df["url"].str.endswith(ODD), "title"].tolist() == [ODD_TITLE]


def test_csv_flattens_lists_and_objects(job: Path, tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    export(job, "--format", "csv", "-o", str(path))
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == field_names()
    by_url = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    expected = latest(job)
    assert len(by_url) == len(rows) - 1 == len(expected)
    for record in expected:
        row = by_url[record["url"]]
        assert row == {k: csv_value(v) for k, v in record.items()}
        assert row["tags"] == "; ".join(record["tags"])
        assert json.loads(row["warc"]) == record["warc"]
        assert row["text"] == record["text"] and "\n" in row["text"]  # quoted, lines kept
        assert row["comments"] == (record["comments"] or "")
    odd = next(r for url, r in by_url.items() if url.endswith(ODD))
    assert odd["title"] == ODD_TITLE


def test_jsonl_round_trip(job: Path, tmp_path: Path) -> None:
    everything = tmp_path / "all.jsonl"
    export(job, "--format", "jsonl", "--all-versions", "-o", str(everything))
    original = [line for f in sorted(job.glob("articles-*.jsonl"))
                for line in f.read_text("utf-8").splitlines()]
    assert everything.read_text("utf-8").splitlines() == original  # byte for byte
    latest_only = export(job, "--format", "jsonl", "-o", "-")
    assert sorted(map(json.loads, latest_only.splitlines()), key=lambda r: r["url"]) == latest(job)


def test_csv_to_stdout(job: Path) -> None:
    out = export(job, "--format", "csv", "-o", "-")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert len(rows) == len(MANIFEST["articles"]) + 1


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "x.parquet"], "give a job folder"),
    (["{job}"], "give the output file"),
    (["{job}", "-o", "x.txt"], "give --format"),
    (["{job}", "--format", "parquet", "-o", "-"], "Parquet needs a file"),
    (["{job}/nothing-here", "-o", "x.csv"], "no such file or folder"),
])
def test_usage_errors(job: Path, args: list[str], message: str) -> None:
    result = run_cli("export", *[a.replace("{job}", str(job)) for a in args])
    assert result.returncode == 2
    assert message in result.stderr


def test_latest_version_wins_and_ties_go_to_the_last_written(tmp_path: Path) -> None:
    a = tmp_path / "articles-1.jsonl"
    b = tmp_path / "articles-2.jsonl"
    a.write_text('{"url":"u1","version":2,"n":1}\n{"url":"u2","version":1,"n":2}\n\n')
    b.write_text('{"url":"u1","version":1,"n":3}\n{"url":"u2","version":1,"n":4}\n')
    files = jsonl_files([tmp_path])
    assert files == [a, b]
    assert [r["n"] for r in iter_records(files)] == [1, 4]
    assert [r["n"] for r in iter_records(files, all_versions=True)] == [1, 2, 3, 4]
    seen: list[dict] = []
    assert [r["n"] for r in iter_records(files, every=seen.append)] == [1, 4]
    assert [r["n"] for r in seen] == [1, 2, 3, 4]
    b.write_text('{"url":"u1"}\nnot json\n')
    with pytest.raises(RecordError, match=r"articles-2\.jsonl:2: not JSON"):
        list(iter_records(files))
