"""Reading a job's article records back from its JSON lines files, the one
reader of them, in three modes:

- :func:`read_lines` gives every line as it is (complete or cut, parsed or
  not): what ``crawler check`` validates;
- :func:`tolerant_records` skips what a killed crawl may leave (a last line
  without its newline, a line that is not a record): what a resumed crawl
  reconciles;
- :func:`iter_records` is strict (a bad line raises :class:`RecordError`) and
  gives every record, or the latest version of each article (one per URL:
  the highest ``version``, the last written on a tie): export, report, WACZ.
  Streams: two passes over the files, only positions are held in memory.

Pure: no Scrapy."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from crawler.jobfolder import JobFolderError, article_files, one_job


class RecordError(ValueError):
    """A path that is not a job folder or JSON lines file, or a line that is not a record."""


def jsonl_files(paths: Iterable[str | Path]) -> list[Path]:
    """The JSON lines files of ``paths``: a job folder's article files (in
    name order, which is the order they were written), those of the one job in
    an output root, or files as given."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:
                found.extend(article_files(one_job(path)))
            except JobFolderError as exc:
                raise RecordError(str(exc)) from None
        elif path.is_file():
            found.append(path)
        else:
            raise RecordError(f"no such file or folder: {path}")
    return found


class Line(NamedTuple):
    path: Path
    number: int
    #: It ends with its newline (a killed writer may leave the last one cut).
    complete: bool
    #: The parsed JSON; None when it is not JSON (``error`` says why).
    data: Any
    error: str | None

    @property
    def record(self) -> dict[str, Any] | None:
        """The article record on the line, or None (``error`` says why)."""
        return self.data if self.error is None else None


def read_lines(path: Path) -> Iterator[Line]:
    """Every non-blank line of one JSON lines file, parsed where it can be."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            complete = raw.endswith(b"\n")
            try:
                data = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as exc:
                yield Line(path, number, complete, None, f"not JSON: {exc}")
                continue
            error = None if isinstance(data, dict) and isinstance(data.get("url"), str) \
                else "not an article record"
            yield Line(path, number, complete, data, error)


def tolerant_records(files: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """The records of complete, parsable lines; each file is read up to a
    line cut short (what a kill leaves)."""
    for path in files:
        for line in read_lines(path):
            if not line.complete:
                break
            if line.record is not None:
                yield line.record


def _lines(files: list[Path]) -> Iterator[tuple[int, Path, int, dict[str, Any]]]:
    position = 0
    for path in files:
        for line in read_lines(path):
            if line.record is None:
                raise RecordError(f"{path}:{line.number}: {line.error}")
            yield position, path, line.number, line.record
            position += 1


def iter_records(files: list[Path], all_versions: bool = False,
                 every: Callable[[dict[str, Any]], None] | None = None
                 ) -> Iterator[dict[str, Any]]:
    """The records of ``files`` in the order written; unless ``all_versions``,
    only the latest version of each article. ``every`` is called with every
    record (all versions) before the first one is yielded."""
    if all_versions:
        for _, _, _, record in _lines(files):
            if every is not None:
                every(record)
            yield record
        return
    latest: dict[str, tuple[int, int]] = {}  # url -> (version, position)
    for position, _, _, record in _lines(files):
        if every is not None:
            every(record)
        version = record.get("version") or 0
        best = latest.get(record["url"])
        if best is None or version >= best[0]:
            latest[record["url"]] = (version, position)
    keep = {position for _, position in latest.values()}
    for position, _, _, record in _lines(files):
        if position in keep:
            yield record
