"""CDXJ indexes of WARC files, written by cdxj-indexer (not by hand).

Each file is indexed on its own: a file cdxj-indexer cannot read (corrupt,
gzipped as one stream, unreadable) is left out of the index and named, with
the reason, and every other file is indexed."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

with warnings.catch_warnings():
    # cdxj-indexer imports pyamf (for AMF requests), whose adapters import
    # pkg_resources: setuptools 67 and later warn about that on stderr, once a
    # run of replay, check or index, with nothing for the user to do about it.
    # The one import of cdxj-indexer (the live index takes its names from here).
    warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
    from cdxj_indexer.main import CDXJIndexer as CDXJIndexer
    from cdxj_indexer.main import SortingWriter as SortingWriter

from crawler.compat import install_warcio
from crawler.jobfolder import scan
from crawler.warc.walk import one_line

install_warcio()  # Ctrl-C gets through warcio's header decoder while indexing

logger = logging.getLogger(__name__)
INDEX_NAME = "index.cdxj"


@dataclass(frozen=True)
class Unindexed:
    """A file left out of an index, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: not indexed: {self.reason}"


class _Lines(list[str]):
    """One file's index lines, held until the whole file has been read."""

    def write(self, line: str) -> None:
        self.append(line)


class _Indexer(CDXJIndexer):
    """cdxj-indexer, a file at a time: a file that fails adds no line."""

    def __init__(self, failed: list[Unindexed], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.failed = failed

    def process_one(self, input_: Any, output: Any, filename: str) -> None:
        lines = _Lines()
        try:
            super().process_one(input_, lines, filename)
        except OSError:
            raise
        except Exception as exc:  # cdxj-indexer and warcio on broken bytes: many types
            self.failed.append(Unindexed(Path(filename), _reason(exc)))
            return
        for line in lines:
            output.write(line)


def _reason(exc: BaseException) -> str:
    if "non-chunked gzip" in str(exc):  # warcio's ArchiveIterator.GZIP_ERR_MSG
        return ("gzipped as one stream, not one gzip member per record: recompress it "
                "with: warcio recompress IN OUT")
    return f"unreadable, truncated or corrupt ('crawler check' says where): {one_line(exc)}"


def index_files(warcs: Sequence[Path], output: Path,
                root: Path | None = None) -> list[Unindexed]:
    """Write a sorted CDXJ index of ``warcs`` to ``output`` (atomically);
    filenames in it are relative to ``root`` (default: the output's folder).
    The files that could not be indexed are left out and returned."""
    root = root or output.parent
    failed: list[Unindexed] = []
    readable = []
    for path in warcs:
        try:
            with open(path, "rb") as f:
                f.read(1)
        except OSError as exc:
            failed.append(Unindexed(path, one_line(exc)))
        else:
            readable.append(path)
    tmp = output.with_name(f"{output.name}.{os.getpid()}.tmp")  # workers may share a folder
    try:
        _Indexer(failed, output=str(tmp), inputs=[str(p) for p in readable], sort=True,
                 dir_root=str(root), post_append=False).process_all()
    except BaseException:  # disk full: no half index left behind
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(output)
    return failed


def write_cdxj(warcs: Sequence[Path], output: Path, root: Path | None = None) -> Path:
    """:func:`index_files`, the files left out logged as warnings; the output path."""
    for unindexed in index_files(warcs, output, root):
        logger.warning("%s", unindexed)
    return output


def warcs_in(folder: Path) -> list[Path]:
    """Closed WARC files in a folder (``.open`` files are still being written)."""
    return scan([folder]).warcs
