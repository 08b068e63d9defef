"""Every recipe of docs/recipes.md runs, in order, on a demo crawl's output:
the shell blocks (jq, crawler demo/export) in bash, the Python blocks (pandas),
the SQL blocks statement by statement in DuckDB."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

RECIPES = ROOT / "docs" / "recipes.md"
BLOCK = re.compile(r"^```(sh|python|sql)\n(.*?)^```", re.MULTILINE | re.DOTALL)
SQL_RUNNER = """
import json, sys, duckdb
con = duckdb.connect()
for stmt in json.load(sys.stdin):
    rows = con.execute(stmt).fetchall()
    if stmt.lstrip().upper().startswith("SELECT"):
        assert rows and any(v is not None for v in rows[0]), (stmt, rows)
    print(rows[:3])
"""


def blocks() -> list[tuple[str, str]]:
    return BLOCK.findall(RECIPES.read_text("utf-8"))


def statements(sql: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return tmp_path_factory.mktemp("recipes"), env


def test_recipes_cover_the_tools() -> None:
    text = "".join(code for _, code in blocks())
    kinds = {kind for kind, _ in blocks()}
    assert kinds == {"sh", "python", "sql"}
    for needle in ("jq ", "read_json", "read_parquet", "read_json_auto", "'articles.parquet'",
                   "crawler export archive/demo --format parquet -o articles.parquet"):
        assert needle in text, needle


def test_every_recipe_runs_on_a_demo_crawl(workdir) -> None:
    cwd, env = workdir
    for n, (kind, code) in enumerate(blocks()):
        where = f"docs/recipes.md block {n} ({kind}):\n{code}"
        if kind == "sh":
            result = subprocess.run(["bash", "-e", "-c", code], cwd=cwd, env=env, check=False,
                                    capture_output=True, text=True, timeout=300)
        elif kind == "python":
            result = subprocess.run([sys.executable, "-W", "error::FutureWarning", "-c", code],
                                    cwd=cwd, env=env, capture_output=True, text=True,
                                    timeout=300, check=False)
        else:
            result = subprocess.run([sys.executable, "-c", SQL_RUNNER],
                                    input=json.dumps(statements(code)), cwd=cwd, env=env,
                                    capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, f"{where}\n{result.stderr[-3000:]}"
        assert result.stdout.strip(), where
        assert "Traceback" not in result.stderr and "Warning" not in result.stderr, \
            f"{where}\n{result.stderr[-3000:]}"
        if n == 0:  # the demo and the export
            assert (cwd / "archive" / "demo").is_dir() and (cwd / "articles.parquet").is_file()
