"""Shared fixtures: the mock site (a subprocess on 127.0.0.1), a private
redis-server, and a helper that runs ``crawler`` as users do, in a subprocess."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def run_crawler(*args: str, cwd: Path | None = None, timeout: float = 300,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m crawler.cli ARGS`` and return the completed process."""
    full_env = {**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        capture_output=True, text=True, cwd=cwd or ROOT, timeout=timeout, env=full_env,
    )


@pytest.fixture(scope="session")
def mockserver():
    from tests.mockserver import MockServer

    with MockServer() as server:
        yield server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url():
    """A private redis-server on 127.0.0.1 for the session (CI installs it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (CI must install Debian's redis-server)")
        pytest.skip("redis-server is not installed")
    from benchmarks.distributed import start_redis

    proc, port = start_redis(binary)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)
