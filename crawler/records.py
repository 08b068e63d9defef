"""Reading a job's article records back from its JSON lines files: every
record, or the latest version of each article (one per URL: the highest
``version``, the last written on a tie). Streams: two passes over the files,
only positions are held in memory. Pure: no Scrapy."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

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


def _lines(files: list[Path]) -> Iterator[tuple[int, Path, int, dict[str, Any]]]:
    position = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise RecordError(f"{path}:{number}: not JSON: {exc}") from None
                if not isinstance(record, dict) or not isinstance(record.get("url"), str):
                    raise RecordError(f"{path}:{number}: not an article record")
                yield position, path, number, record
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
