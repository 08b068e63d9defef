"""The tools venv: a separate virtual environment for pywb and py-wacz.

pywb 2.10 cannot share a venv with the crawler (it pins ``redis==2.10.6`` and
``werkzeug``, and monkey-patches everything with gevent), so ``crawler serve``
and ``crawler wacz`` run its programs (``wayback``, ``wb-manager``,
``cdx-indexer``) and py-wacz's ``wacz`` as subprocesses from a venv of their
own. py-wacz does not need pywb, but it brings frictionless and a dozen other
packages the crawler has no use for, so it lives there too.

Where: the ``CRAWLER_TOOLS_VENV`` setting or environment variable, else
``~/.cache/crawler/tools-venv``. :func:`ensure_tools_venv` creates it with
``python -m venv``, upgrades pip and installs :data:`REQUIREMENTS` once; a
stamp file inside records the requirement list, and the venv is rebuilt when
the list changes. ``crawler serve --setup`` does only that.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from crawler.filelock import wait_lock

#: What the tools venv holds, pinned. ``setuptools<81`` keeps ``pkg_resources``
#: (removed in setuptools 81) for the packages of pywb's tree that still import it.
REQUIREMENTS: tuple[str, ...] = ("pywb==2.10.0", "wacz==0.6.0", "setuptools<81")

SETTING = "CRAWLER_TOOLS_VENV"
DEFAULT_DIR = Path("~/.cache/crawler/tools-venv")
STAMP_NAME = ".crawler-tools-requirements.txt"
LOG_NAME = "install.log"


class ToolsError(RuntimeError):
    """The tools venv could not be set up, or a tool is missing from it."""


def tools_venv_dir(settings: Mapping | None = None) -> Path:
    """The tools venv's folder: setting, else environment, else the default."""
    value = settings.get(SETTING) if settings is not None else None
    value = value or os.environ.get(SETTING)
    return Path(value or DEFAULT_DIR).expanduser().absolute()


def _bin(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


def _python(venv: Path) -> Path:
    return _bin(venv) / ("python.exe" if os.name == "nt" else "python")


def stamp_text(requirements: tuple[str, ...] = REQUIREMENTS) -> str:
    return "".join(f"{req}\n" for req in requirements)


def is_ready(venv: Path, requirements: tuple[str, ...] = REQUIREMENTS) -> bool:
    """True when ``venv`` holds exactly ``requirements`` (per its stamp)."""
    stamp = venv / STAMP_NAME
    try:
        return _python(venv).exists() and stamp.read_text() == stamp_text(requirements)
    except OSError:
        return False


@contextlib.contextmanager
def _lock(venv: Path) -> Iterator[None]:
    """Serialize installs (CI's ``--setup`` and a test run, two shells)."""
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f".{venv.name}.lock", "w") as fh:
        wait_lock(fh.fileno())  # released when the file closes
        yield


def _last_error_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith("ERROR:") or "Error" in line:
            return line
    return lines[-1] if lines else "no output"


def _step(cmd: list[str], what: str, venv: Path, log: Path) -> None:
    with open(log, "a") as fh:
        fh.write(f"$ {' '.join(cmd)}\n")
        fh.flush()
        proc = subprocess.run(cmd, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env=tool_env(venv, require=False))
        fh.write(proc.stdout)
    if proc.returncode != 0:
        raise ToolsError(f"{what} failed (exit {proc.returncode}: "
                         f"{_last_error_line(proc.stdout)}); full log: {log}")


def ensure_tools_venv(venv: Path | None = None, *, settings: Mapping | None = None,
                      requirements: tuple[str, ...] = REQUIREMENTS,
                      quiet: bool = False) -> Path:
    """Create the tools venv and install ``requirements`` unless already done.

    Returns the venv's folder. Raises :class:`ToolsError` with a one-line
    message when creating it or installing fails (no network, no wheel...).
    """
    venv = (venv or tools_venv_dir(settings)).expanduser().absolute()
    if is_ready(venv, requirements):
        return venv
    with _lock(venv):
        if is_ready(venv, requirements):  # another process did it meanwhile
            return venv
        if not quiet:
            print(f"Setting up the replay tools ({' '.join(requirements)}) in {venv}; "
                  "one time, takes a minute or two ...", file=sys.stderr, flush=True)
        with contextlib.suppress(FileNotFoundError):
            (venv / STAMP_NAME).unlink()
        log = venv.parent / f"{venv.name}-{LOG_NAME}"
        log.write_text("")
        if venv.exists() and not (venv / "pyvenv.cfg").exists():
            raise ToolsError(f"{venv} exists and is not a virtual environment; "
                             f"remove it or set {SETTING} to another folder")
        _step([sys.executable, "-m", "venv", "--clear", str(venv)],
              f"creating the tools venv {venv}", venv, log)
        py = str(_python(venv))
        pip = [py, "-m", "pip", "--disable-pip-version-check", "--no-input"]
        _step([*pip, "install", "--upgrade", "pip"], "upgrading pip in the tools venv", venv, log)
        _step([*pip, "install", *requirements],
              f"installing {' '.join(requirements)} into {venv}", venv, log)
        (venv / STAMP_NAME).write_text(stamp_text(requirements))
        if not quiet:
            print(f"Replay tools ready in {venv}", file=sys.stderr, flush=True)
    return venv


def tool_path(name: str, venv: Path | None = None, *, settings: Mapping | None = None,
              ensure: bool = True) -> Path:
    """Path of program ``name`` (``wayback``, ``wb-manager``, ``wacz``, ...) in
    the tools venv; sets the venv up first unless ``ensure`` is false."""
    venv = (venv or tools_venv_dir(settings)).expanduser().absolute()
    if ensure:
        ensure_tools_venv(venv)
    path = _bin(venv) / name
    if not path.exists():
        raise ToolsError(f"{name} not found in the tools venv {venv}; "
                         "run 'crawler serve --setup'")
    return path


def tool_env(venv: Path | None = None, *, settings: Mapping | None = None,
             require: bool = True) -> dict[str, str]:
    """Environment for running a tool: the tools venv first on PATH, and none
    of the crawler venv's Python variables leaking into it."""
    venv = (venv or tools_venv_dir(settings)).expanduser().absolute()
    if require and not _python(venv).exists():
        raise ToolsError(f"no tools venv at {venv}; run 'crawler serve --setup'")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = os.pathsep.join([str(_bin(venv)), env.get("PATH", os.defpath)])
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def remove_tools_venv(venv: Path | None = None, *, settings: Mapping | None = None) -> None:
    """Delete the tools venv (it is recreated on next use)."""
    venv = (venv or tools_venv_dir(settings)).expanduser().absolute()
    shutil.rmtree(venv, ignore_errors=True)
