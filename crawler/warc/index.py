"""CDXJ indexes of WARC files, written by cdxj-indexer (not by hand)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer

from crawler.jobfolder import scan

INDEX_NAME = "index.cdxj"


def write_cdxj(warcs: Sequence[Path], output: Path, root: Path | None = None) -> Path:
    """Write a sorted CDXJ index of ``warcs`` to ``output`` (atomically);
    filenames in it are relative to ``root`` (default: the output's folder)."""
    root = root or output.parent
    tmp = output.with_name(f"{output.name}.{os.getpid()}.tmp")  # workers may share a folder
    try:
        CDXJIndexer(output=str(tmp), inputs=[str(p) for p in warcs], sort=True,
                    dir_root=str(root), post_append=False).process_all()
    except BaseException:  # disk full: no half index left behind
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(output)
    return output


def warcs_in(folder: Path) -> list[Path]:
    """Closed WARC files in a folder (``.open`` files are still being written)."""
    return scan([folder]).warcs
