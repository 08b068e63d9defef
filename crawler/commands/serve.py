"""``crawler serve PATH [PATH ...]``: browse a crawl's WARC captures in pywb.

PATH is a job folder, a folder of WARC files or WARC files. The files are
symlinked into a temporary pywb collection named after the job, indexed with
pywb's ``wb-manager``, and served with pywb's ``wayback`` (from the tools venv,
:mod:`crawler.replay.sidecar`) until Ctrl-C. ``--setup`` only installs pywb.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.replay.pywb import (
    build_collection,
    collection_name,
    find_archives,
    first_page,
    wayback_argv,
)
from crawler.replay.sidecar import ToolsError, ensure_tools_venv, tool_env

WILDCARD_HOSTS = ("0.0.0.0", "::", "")
STARTUP_TIMEOUT = 60.0


def _url_host(host: str) -> str:
    """How to reach ``host`` from this machine, in a URL."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} on {host} is in use; pick another with --port N",
                                 print_help=False) from None
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                             print_help=False) from None


def wait_until_listening(proc: subprocess.Popen, host: str, port: int,
                         timeout: float = STARTUP_TIMEOUT) -> bool:
    """True once something accepts connections on host:port; False if
    ``proc`` exits first or ``timeout`` passes."""
    connect_host = _url_host(host).strip("[]")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection((connect_host, port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: have the kernel send SIGTERM to pywb if ``crawler serve`` dies."""
    with contextlib.suppress(Exception):  # best effort: Linux only
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Command(ScrapyCommand):
    requires_crawler_process = False
    requires_project = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[--port N] [--host ADDR] PATH [PATH ...] | --setup"

    def short_desc(self) -> str:
        return "Browse a crawl's WARC captures in pywb (web archive replay)"

    def long_desc(self) -> str:
        return ("Serve a job folder, a folder of WARC files or WARC files with pywb "
                "until Ctrl-C. pywb runs from its own venv (CRAWLER_TOOLS_VENV, default "
                "~/.cache/crawler/tools-venv), set up on first use; --setup only does that.")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--port", type=int, default=8080, metavar="N",
                            help="port to listen on (default: 8080)")
        parser.add_argument("--host", default="127.0.0.1", metavar="ADDR",
                            help="address to listen on (default: 127.0.0.1, this machine only)")
        parser.add_argument("--setup", action="store_true",
                            help="only install pywb into the tools venv, then exit")
        parser.add_argument("--no-sandbox", dest="sandbox", action="store_false",
                            help="serve archived pages in this server's origin (pywb's "
                                 "default): JavaScript-heavy pages replay better, but their "
                                 "scripts can read every page of the server")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if opts.setup:
            if args:
                raise UsageError("--setup takes no PATH", print_help=False)
            return
        if not args:
            raise UsageError("give a job folder, a folder of WARC files or WARC files",
                             print_help=False)
        if not 0 < opts.port < 65536:
            raise UsageError("--port must be between 1 and 65535", print_help=False)
        try:
            self.archives = find_archives(args)
        except (FileNotFoundError, ValueError) as exc:
            raise UsageError(str(exc), print_help=False) from None
        if not self.archives.files:
            hint = " (only files still being written, *.open)" if self.archives.open_files else ""
            raise UsageError(f"no WARC files in {' '.join(args)}{hint}", print_help=False)
        check_port_free(opts.host, opts.port)

    def _setup(self) -> Path:
        try:
            return ensure_tools_venv(settings=self.settings)
        except ToolsError as exc:
            print(f"crawler: error: {exc}", file=sys.stderr)
            sys.exit(1)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            self._run(args, opts)
        except KeyboardInterrupt:  # Ctrl-C while installing or indexing
            print("interrupted", file=sys.stderr)
            self.exitcode = 130

    def _run(self, args: list[str], opts: argparse.Namespace) -> None:
        venv = self._setup()
        if opts.setup:
            print(f"Replay tools (pywb, wacz) are ready in {venv}")
            return
        for path in self.archives.open_files:
            print(f"warning: skipping {path}: still being written", file=sys.stderr)
        if opts.host in WILDCARD_HOSTS:
            print(f"warning: listening on {opts.host or '0.0.0.0'}: the archive is reachable "
                  "from other machines too", file=sys.stderr)
        if not opts.sandbox:
            print("warning: --no-sandbox: archived pages' scripts run in this server's "
                  "origin and can read all of it", file=sys.stderr)
        name = collection_name(args)
        workdir = Path(tempfile.mkdtemp(prefix="crawler-serve-"))
        try:
            try:
                root = build_collection(self.archives.files, workdir, name, venv=venv,
                                        sandbox=opts.sandbox)
            except RuntimeError as exc:
                print(f"crawler: error: {exc}", file=sys.stderr)
                self.exitcode = 1
                return
            self.exitcode = self._serve(root, name, opts.host, opts.port, venv)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _serve(self, root: Path, name: str, host: str, port: int, venv: Path) -> int:
        argv = wayback_argv(root, host=host, port=port, venv=venv)
        env = tool_env(venv)
        stopping = False
        proc = subprocess.Popen(argv, cwd=root, env=env, stdin=subprocess.DEVNULL,
                                start_new_session=True,
                                preexec_fn=_die_with_parent)

        def forward(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True
            if proc.poll() is None:
                # pywb (gevent) prints a traceback on SIGINT; SIGTERM stops it quietly
                proc.send_signal(signal.SIGTERM)

        previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            if wait_until_listening(proc, host, port):
                base = f"http://{_url_host(host)}:{port}"
                count = len(self.archives.files)
                print(f"Serving {count} WARC file{'s' if count != 1 else ''} as collection "
                      f"{name!r}:\n  {base}/{name}/", flush=True)
                page = first_page(root, name)
                if page:
                    print(f"  start page: {base}/{name}/{page[0]}/{page[1]}", flush=True)
                print("Press Ctrl-C to stop.", flush=True)
            elif proc.poll() is None and not stopping:
                print(f"crawler: error: pywb did not start listening on {host}:{port} "
                      f"within {STARTUP_TIMEOUT:.0f} s", file=sys.stderr)
                proc.terminate()
            while True:
                try:
                    code = proc.wait()
                    break
                except KeyboardInterrupt:  # pragma: no cover - signal handler raced
                    forward(signal.SIGINT, None)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if proc.poll() is None:
                proc.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(10)
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        if stopping:
            print("pywb stopped.", flush=True)
            return 0
        print(f"crawler: error: pywb exited with code {code}", file=sys.stderr)
        return code if code > 0 else 1
