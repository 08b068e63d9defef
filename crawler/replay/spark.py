"""``python -m crawler.replay.spark LISTING OUTPUT``: the re-extraction of
``crawler replay`` as a PySpark job, run the way Common Crawl's cc-pyspark runs
its jobs over WARC files. LISTING is a text file (any path Spark reads,
gzipped too) naming one WARC or WACZ per line; each Spark task replays its
share of them through the pure core (:func:`crawler.replay.reextract.replay`)
and OUTPUT is a folder of JSON lines part files (the records ``crawler replay``
writes, ``warc.filename`` being the path as listed) or of Parquet files (the
Arrow schema of ``crawler export``). docs/replay.md shows how to run it on a
cluster.

Where a task reads an archive depends on the listed path:

- a plain path or a ``file:`` URI is opened where the task runs (local mode,
  or a file system mounted on every worker);
- ``http:`` and ``https:`` (Common Crawl's ``https://data.commoncrawl.org/``)
  are streamed to a temporary file of the task;
- any other scheme (``hdfs:``, ``s3a:``, ``gs:``, ...), and plain paths with
  ``--hadoop-fs``, is read through Spark's Hadoop file systems
  (``SparkContext.binaryFiles``, which hands the task the whole file as one
  bytes object) and written to a temporary file of the task.

A task replays its files together, in listing order, so what carries from one
file to the next carries within a task only: a revisit whose original is in a
file of another task is not resolved, site templates are learnt per task, and
a URL captured in files of two tasks gives two records. By default each file
is a task of its own; ``--partitions N`` groups the files into N tasks.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import urllib.request
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawler.replay.reextract import ReplayOptions, ReplayStats, replay
from crawler.schema import Article
from crawler.warc.reader import Archive, ArchiveError, find_archives

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark import RDD, Accumulator, SparkContext
    from pyspark.sql import SparkSession
    from pyspark.sql.types import DataType, StructType

PROG = "python -m crawler.replay.spark"
FORMATS = ("jsonl", "parquet")
#: How long a download from an http(s) URL may stall before the file counts as failed.
DOWNLOAD_TIMEOUT_SECONDS = 60
#: Bytes copied at a time from a download to its temporary file.
CHUNK_BYTES = 1 << 20


class JobError(Exception):
    """A listing, an output or an option the job cannot run with."""


@dataclass(frozen=True)
class Source:
    """One line of the listing."""

    #: Its place in the listing: the files of a task are replayed in this order.
    index: int
    #: As listed: the ``warc.filename`` of its articles.
    listed: str
    #: Where it is read from: the listed path, or the base URL and the listed path.
    location: str
    #: Read through Spark's Hadoop file systems (else by the task itself).
    hadoop: bool = False


@dataclass
class JobResult:
    #: Paths in the listing.
    listed: int
    tasks: int
    counts: Counter[str] = field(default_factory=Counter)
    #: One line for each listed file that could not be read: "path: why".
    failed: list[str] = field(default_factory=list)


def replay_options(overrides: dict[str, str] | None = None,
                   template: bool = True) -> ReplayOptions:
    """The options of ``crawler replay``: the project's settings (and the
    ``-s`` overrides) through :mod:`crawler.options`; no crawler is started."""
    from scrapy.settings import Settings

    from crawler import options

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(overrides or {}, priority="cmdline")
    return options.replay_options(settings, template=template)


def _scheme(location: str) -> str:
    scheme = urlsplit(location).scheme.lower()
    return scheme if len(scheme) > 1 else ""  # "C:\..." is a path


def _source(index: int, listed: str, base_url: str | None, hadoop_fs: bool) -> Source:
    location = listed
    scheme = _scheme(listed)
    if not scheme and base_url:
        location = base_url.rstrip("/") + "/" + listed.lstrip("/")
        scheme = _scheme(location)
    elif not scheme and not hadoop_fs:
        location = os.path.abspath(listed)  # relative to where the job was started
    hadoop = scheme not in ("", "file", "http", "https") or (
        hadoop_fs and scheme in ("", "file"))
    return Source(index, listed, location, hadoop)


def read_listing(sc: SparkContext, listing: str, base_url: str | None = None,
                 hadoop_fs: bool = False) -> list[Source]:
    """The listing's paths, in order (blank lines and ``#`` comments skipped)."""
    sources: list[Source] = []
    for line in sc.textFile(listing).collect():
        listed = line.strip()
        if listed and not listed.startswith("#"):
            sources.append(_source(len(sources), listed, base_url, hadoop_fs))
    return sources


def _hadoop(sc: SparkContext, path: str) -> tuple[Any, Any]:
    """``path`` as a Hadoop Path, and its file system (on the driver, via py4j)."""
    jvm = sc._jvm
    assert jvm is not None
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    return hpath, hpath.getFileSystem(sc._jsc.hadoopConfiguration())


def hadoop_exists(sc: SparkContext, path: str) -> bool:
    """Whether ``path`` exists on its Hadoop file system."""
    hpath, fs = _hadoop(sc, path)
    return bool(fs.exists(hpath))


def _add_suffix(sc: SparkContext, folder: str, suffix: str) -> None:
    """``part-00000`` to ``part-00000.jsonl``: what the project's tools read
    as JSON lines (``saveAsTextFile`` takes no file name)."""
    hpath, fs = _hadoop(sc, folder)
    for status in fs.listStatus(hpath):
        part = status.getPath()
        if part.getName().startswith("part-"):
            fs.rename(part, part.suffix(suffix))


def _local_path(location: str) -> Path:
    if _scheme(location) == "file":
        return Path(urllib.request.url2pathname(urlsplit(location).path))
    return Path(location)


def _temp_file(folder: Path, source: Source, name: str) -> Path:
    path = folder / str(source.index) / (Path(urlsplit(name).path).name or "archive")
    path.parent.mkdir()
    return path


def _fetch(source: Source, data: tuple[str, bytes] | None, folder: Path) -> Path:
    """A local file holding the source: itself, or a download into ``folder``."""
    if data is not None:  # read by Hadoop
        path = _temp_file(folder, source, data[0])
        path.write_bytes(data[1])
        return path
    if _scheme(source.location) in ("http", "https"):
        path = _temp_file(folder, source, source.location)
        with (urllib.request.urlopen(source.location, timeout=DOWNLOAD_TIMEOUT_SECONDS) as r,
              open(path, "wb") as f):
            shutil.copyfileobj(r, f, CHUNK_BYTES)
        return path
    return _local_path(source.location)


def _listed_name(archive: Archive, local: Path, listed: str) -> str:
    name = listed
    if archive.path != local:  # a file of a listed folder
        name = listed.rstrip("/") + "/" + archive.path.relative_to(local).as_posix()
    return f"{name}#{archive.member}" if archive.member else name


def replay_task(items: Iterable[tuple[Source, tuple[str, bytes] | None]], *,
                options: ReplayOptions, counts: Accumulator[Counter[str]],
                failed: Accumulator[list[str]]) -> Iterator[Article]:
    """One Spark task: the articles of its files, replayed together in listing
    order (``items`` pairs each source with its bytes when Hadoop read it)."""
    stats = ReplayStats()
    with tempfile.TemporaryDirectory(prefix="crawler-spark-") as tmp:
        found: list[tuple[int, list[Archive], dict[str, str]]] = []
        for source, data in items:
            try:
                local = _fetch(source, data, Path(tmp))
                archives = find_archives([local])
            except (ArchiveError, OSError) as exc:  # urllib's errors are OSErrors
                failed.add([f"{source.listed}: {exc}"])
                continue
            if not archives:
                failed.add([f"{source.listed}: no WARC or WACZ files in it"])
                continue
            stats.inc("files")
            found.append((source.index, archives,
                          {a.name: _listed_name(a, local, source.listed) for a in archives}))
        found.sort(key=lambda f: f[0])
        names = {k: v for _, _, n in found for k, v in n.items()}
        # with no relative_to, replay names each archive by Archive.name
        for article in replay([a for _, archives, _ in found for a in archives], options, stats):
            if article.warc is not None:
                article.warc = replace(article.warc, filename=names.get(
                    article.warc.filename, article.warc.filename))
            yield article
    counts.add(stats.counts)


def _with_bytes(source: Source, pair: tuple[str, bytes]) -> tuple[Source, tuple[str, bytes]]:
    return source, pair


def inputs(sc: SparkContext, sources: list[Source], partitions: int | None,
           failed: list[str]) -> RDD[tuple[Source, tuple[str, bytes] | None]]:
    """The sources as an RDD, one file a partition or ``partitions`` of them;
    a Hadoop path that does not exist goes to ``failed``."""
    rdds: list[RDD[tuple[Source, tuple[str, bytes] | None]]] = []
    own = [(s, None) for s in sources if not s.hadoop]
    if own:
        rdds.append(sc.parallelize(own, min(partitions or len(own), len(own))))
    for source in sources:
        if not source.hadoop:
            continue
        if not hadoop_exists(sc, source.location):
            failed.append(f"{source.listed}: no such file")
            continue
        rdds.append(sc.binaryFiles(source.location).map(partial(_with_bytes, source)))
    rdd = sc.union(rdds) if len(rdds) > 1 else rdds[0] if rdds else sc.emptyRDD()
    if partitions and rdd.getNumPartitions() > partitions:
        rdd = rdd.coalesce(partitions)
    return rdd


def _spark_type(kind: pa.DataType) -> DataType:
    import pyarrow as pa
    from pyspark.sql import types as T

    if pa.types.is_string(kind):
        return T.StringType()
    if pa.types.is_int32(kind):
        return T.IntegerType()
    if pa.types.is_int64(kind):
        return T.LongType()
    if pa.types.is_list(kind):
        return T.ArrayType(_spark_type(kind.value_type), kind.value_field.nullable)
    if pa.types.is_struct(kind):
        return T.StructType([T.StructField(f.name, _spark_type(f.type), f.nullable)
                             for f in kind])
    raise TypeError(f"no Spark type for {kind}")


def spark_schema() -> StructType:
    """:func:`crawler.export.arrow_schema` in Spark's types: the same fields,
    types and nullability, each field's description as its comment."""
    from pyspark.sql import types as T

    from crawler.export import arrow_schema

    return T.StructType([
        T.StructField(f.name, _spark_type(f.type), f.nullable,
                      {"comment": f.metadata[b"description"].decode()}
                      if f.metadata and b"description" in f.metadata else None)
        for f in arrow_schema()])


def _accumulators(sc: SparkContext) -> tuple[Accumulator[Counter[str]],
                                             Accumulator[list[str]]]:
    """The job's counts (pages, articles, dropped/REASON, files) and its lines
    for files not read, summed over the tasks."""
    from pyspark import AccumulatorParam

    class CounterParam(AccumulatorParam[Counter[str]]):
        def zero(self, value: Counter[str]) -> Counter[str]:
            return Counter()

        def addInPlace(self, a: Counter[str], b: Counter[str]) -> Counter[str]:
            a.update(b)
            return a

    class ListParam(AccumulatorParam[list[str]]):
        def zero(self, value: list[str]) -> list[str]:
            return []

        def addInPlace(self, a: list[str], b: list[str]) -> list[str]:
            return a + b

    return sc.accumulator(Counter(), CounterParam()), sc.accumulator([], ListParam())


def run(spark: SparkSession, listing: str, output: str, *, fmt: str = "jsonl",
        options: ReplayOptions | None = None, partitions: int | None = None,
        base_url: str | None = None, hadoop_fs: bool = False) -> JobResult:
    """Replay the archives of ``listing`` into ``output`` (a new folder)."""
    if fmt not in FORMATS:
        raise JobError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    if partitions is not None and partitions < 1:
        raise JobError("--partitions must be 1 or more")
    sc = spark.sparkContext
    if not hadoop_exists(sc, listing):
        raise JobError(f"no such listing: {listing}")
    if hadoop_exists(sc, output):
        raise JobError(f"{output} exists: give the job a new output folder")
    sources = read_listing(sc, listing, base_url, hadoop_fs)
    if not sources:
        raise JobError(f"no paths in {listing}")
    result = JobResult(listed=len(sources), tasks=0)
    counts, failed = _accumulators(sc)
    rdd = inputs(sc, sources, partitions, result.failed)
    result.tasks = rdd.getNumPartitions()
    articles = rdd.mapPartitions(partial(replay_task, options=options or ReplayOptions(),
                                         counts=counts, failed=failed))
    if fmt == "jsonl":
        articles.map(Article.to_json).saveAsTextFile(output)
        _add_suffix(sc, output, ".jsonl")
    else:
        frame = spark.createDataFrame(articles.map(Article.to_dict), spark_schema())
        frame.write.option("compression", "zstd").parquet(output)
    result.counts = counts.value
    result.failed += failed.value
    return result


def _settings(pairs: list[str]) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise JobError(f"-s wants NAME=VALUE, not {pair!r}")
        settings[name] = value
    return settings


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    p.add_argument("listing", help="text file naming one WARC/WACZ per line "
                   "(any path Spark reads: file://, hdfs://, s3a://; .gz too)")
    p.add_argument("output", help="new folder for the part files (any path Spark writes)")
    p.add_argument("--format", choices=FORMATS, default="jsonl",
                   help="JSON lines (the records of crawler replay, default) or Parquet "
                   "(the schema of crawler export)")
    p.add_argument("--partitions", type=int, metavar="N",
                   help="replay the files in N tasks (default: one task per file)")
    p.add_argument("--input-base-url", metavar="URL",
                   help="prefix for relative paths in the listing, e.g. "
                   "https://data.commoncrawl.org/ or s3a://commoncrawl/")
    p.add_argument("--hadoop-fs", action="store_true",
                   help="read plain paths and file: URIs through Spark's Hadoop file "
                   "systems (plain paths then resolve against its default file system)")
    p.add_argument("--no-template", action="store_true",
                   help="do not learn and remove site templates")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a crawler setting, as for crawler replay (repeatable)")
    p.add_argument("--master", help="Spark master when not run by spark-submit "
                   "(default: local[*])")
    return p


def spark_error(exc: Exception) -> str:
    """The first line of a Spark error: its Java root cause's, when there is one."""
    java = getattr(exc, "java_exception", None)
    while java is not None and java.getCause() is not None:
        java = java.getCause()
    text = (str(java.toString()) if java is not None else str(exc)).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def main(argv: list[str] | None = None) -> int:
    opts = parser().parse_args(argv)
    started = time.monotonic()
    try:
        options = replay_options(_settings(opts.set), template=not opts.no_template)
    except (JobError, ValueError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    # pyspark checks for pandas as it starts, though the job does not use it
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas",
                            FutureWarning)
    if "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit: this python is
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers' too
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException
    from pyspark.sql import SparkSession

    owned = SparkSession.getActiveSession() is None
    builder: Any = SparkSession.builder.appName("crawler-replay")
    if opts.master:
        builder = builder.master(opts.master)
    spark = builder.getOrCreate()
    try:
        result = run(spark, opts.listing, opts.output, fmt=opts.format, options=options,
                     partitions=opts.partitions, base_url=opts.input_base_url,
                     hadoop_fs=opts.hadoop_fs)
    except JobError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except (PySparkException, Py4JJavaError) as exc:  # one line; Spark's log has the rest
        print(f"{PROG}: error: the Spark job failed: {spark_error(exc)}", file=sys.stderr)
        return 1
    finally:
        if owned:
            spark.stop()
    for line in result.failed:
        print(f"{PROG}: not read: {line}", file=sys.stderr)
    c = result.counts
    dropped = ", ".join(f"{k.removeprefix('dropped/')} {v}" for k, v in sorted(c.items())
                        if k.startswith("dropped/"))
    print(f"spark replay: done, {c['articles']} articles from {c['files']} of {result.listed} "
          f"listed paths in {result.tasks} tasks ({time.monotonic() - started:.1f} s); "
          f"not articles: {dropped or 'none'}", file=sys.stderr)
    return 1 if result.failed else 0


if __name__ == "__main__":
    # spark-submit runs this file as a script: its folder, first on sys.path,
    # would shadow top-level modules (pywb, wacz), and functions of __main__
    # would travel to the workers by value; the job runs from the package.
    if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
        del sys.path[0]
    from crawler.replay.spark import main as package_main

    sys.exit(package_main())
