"""Article records for data tools: Parquet (an explicit Arrow schema with the
types of ``article.schema.json``), CSV (flattened) and JSON lines, written as
a stream. Formats are documented in docs/export.md. Pure: no Scrapy; pyarrow
is imported only for Parquet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from crawler.schema import SCHEMA_VERSION, json_schema

if TYPE_CHECKING:
    import pyarrow as pa

FORMATS = ("parquet", "csv", "jsonl")
#: Lists (``tags``, ``changed_fields``) are joined with this in CSV.
CSV_LIST_SEPARATOR = "; "
#: Records per Parquet row group (memory stays bounded by one group).
BATCH_SIZE = 1000


def field_names() -> list[str]:
    """The record's fields, in the published order."""
    return list(json_schema()["required"])


def arrow_schema() -> pa.Schema:
    """The Arrow schema of an article record: strings stay strings (dates and
    times as in JSON, ISO 8601), integers are int32/int64, lists are list
    columns, ``warc``/``previous``/``extractor`` are structs."""
    import pyarrow as pa

    def strings() -> pa.DataType:
        return pa.list_(pa.field("element", pa.string(), nullable=False))

    pointer = pa.struct([
        pa.field("filename", pa.string(), nullable=False),
        pa.field("offset", pa.int64(), nullable=False),
        pa.field("length", pa.int64(), nullable=False),
        pa.field("record_id", pa.string(), nullable=False),
    ])
    def objects(*names: str, required: tuple[str, ...] = ()) -> pa.DataType:
        return pa.list_(pa.field("element", pa.struct([
            pa.field(n, pa.string(), nullable=n not in required) for n in names]),
            nullable=False))

    types: dict[str, tuple[pa.DataType, bool]] = {
        "url": (pa.string(), False),
        "authors": (strings(), False),
        "tags": (strings(), False),
        "images": (objects("url", "caption", "credit", required=("url",)), False),
        "links": (objects("url", "text", required=("url", "text")), False),
        "alternates": (objects("language", "url", required=("language", "url")), False),
        "flags": (strings(), False),
        "status": (pa.int32(), True),
        "warc": (pointer, True),
        "extractor": (pa.struct([pa.field("name", pa.string(), nullable=False),
                                 pa.field("version", pa.string(), nullable=False)]), False),
        "version": (pa.int32(), True),
        "previous": (pointer, True),
        "changed_fields": (strings(), True),
        "schema_version": (pa.string(), False),
    }
    properties = json_schema()["properties"]
    fields = []
    for name in field_names():
        kind, nullable = types.get(name, (pa.string(), True))
        description = properties[name].get("description")
        fields.append(pa.field(name, kind, nullable=nullable,
                               metadata={"description": description} if description else None))
    return pa.schema(fields, metadata={"schema_version": SCHEMA_VERSION,
                                       "schema": "article.schema.json"})


def write_parquet(records: Iterable[dict[str, Any]], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append(record)
            if len(batch) >= BATCH_SIZE:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or not count:
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def csv_value(value: Any) -> str:
    """One CSV cell: null is empty, lists of strings are joined, objects and
    lists of objects are compact JSON."""
    if value is None:
        return ""
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, list):
        return CSV_LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def write_csv(records: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    """RFC 4180 CSV (CRLF line ends, quoted fields where needed), a header row."""
    names = field_names()
    writer = csv.writer(stream)
    writer.writerow(names)
    count = 0
    for record in records:
        writer.writerow([csv_value(record.get(name)) for name in names])
        count += 1
    return count


def write_jsonl(records: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    count = 0
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count
