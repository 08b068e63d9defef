#!/usr/bin/env python3
"""Set up and run: ``python3 tasks.py demo`` or ``python3 tasks.py test``.

Needs only Python 3.11+. Creates ``.venv`` beside this file on first use,
upgrades pip (the bundled one skips ``lxml[html_clean]``), installs the
project with its test extras, then runs the demo crawl or the test suite.
Extra arguments are passed on (to ``crawler demo`` or to ``pytest``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("CRAWLER_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def run(*cmd: str | Path) -> None:
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT)


def ensure_venv() -> None:
    # tasks.py runs under any python3 at hand, older ones included: say why it stops
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit("crawler needs Python 3.11 or newer")
    if not (BIN / "python").exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    config = (ROOT / "pyproject.toml").stat().st_mtime
    if STAMP.exists() and STAMP.stat().st_mtime >= config:
        return
    print("Installing crawler and its dependencies ...", flush=True)
    run(BIN / "python", "-m", "pip", "install", "-q", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "-q", "-e", ".[test]")
    STAMP.touch()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test"):
        print(__doc__)
        return 2
    ensure_venv()
    task, rest = argv[0], argv[1:]
    if task == "demo":
        cmd = [BIN / "crawler", "demo", *rest]
    else:
        cmd = [BIN / "python", "-m", "pytest", *rest]
    return subprocess.run([str(c) for c in cmd], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
