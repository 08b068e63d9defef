"""Load a page in headless Chromium (Debian's ``chromium``) and report what
happened: a PNG screenshot, the console errors and warnings, uncaught
exceptions, and every network request the page made.

It speaks the DevTools protocol over ``--remote-debugging-pipe`` (JSON
messages separated by NUL bytes on file descriptors 3 and 4), so no websocket
client and no port are needed."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "chromium"


@dataclass
class PageLoad:
    screenshot: bytes
    #: ``"<kind>: <text>"``: uncaught exceptions, console errors/warnings, log errors.
    errors: list[str] = field(default_factory=list)
    #: URLs of every request the page made (the page itself included).
    requests: list[str] = field(default_factory=list)
    #: What the ``evaluate`` expression returned (JSON value).
    value: Any = None


def available() -> bool:
    return shutil.which(CHROMIUM) is not None


class _Pipe:
    def __init__(self, proc: subprocess.Popen, write_fd: int, read_fd: int, timeout: float) -> None:
        self.proc, self.write_fd, self.read_fd = proc, write_fd, read_fd
        self.deadline = time.monotonic() + timeout
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def receive(self) -> dict:
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self.read_fd], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self.read_fd, 1 << 16)
            if not chunk:
                raise RuntimeError(f"chromium exited ({self.proc.poll()})")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def wait_for(self, method: str) -> dict:
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        while True:
            event = self.receive()
            if event.get("method") == method:
                return event
            self.events.append(event)


def _errors(events: list[dict[str, Any]]) -> list[str]:
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            found.append(f"exception: {text}")
        elif (method == "Runtime.consoleAPICalled"
              and params["type"] in ("error", "warning", "assert")):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            found.append(f"console.{params['type']}: {args}")
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            found.append(f"log {params['entry']['source']}: {params['entry']['text']}")
    return found


def _high_pipe() -> tuple[int, int]:
    """A pipe on descriptors above 9, so bash's ``3<&N 4>&M`` cannot overwrite
    one end with the other (dash takes no descriptor above 9: bash it is)."""
    ends = []
    for fd in os.pipe():
        ends.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10))
        os.close(fd)
    return ends[0], ends[1]


def load(path: Path | str, width: int = 1200, height: int = 900, timeout: float = 60,
         evaluate: str | None = None, settle: float = 0.0) -> PageLoad:
    """Open ``path`` (a local HTML file, or an http URL), wait for its load event
    and ``settle`` seconds more, screenshot the whole page, run ``evaluate`` (a
    JavaScript expression) if given, and close the browser."""
    url = path if isinstance(path, str) else path.resolve().as_uri()
    to_chrome_r, to_chrome_w = _high_pipe()
    from_chrome_r, from_chrome_w = _high_pipe()
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        command = (f'exec {CHROMIUM} --headless --no-sandbox --disable-gpu --no-first-run '
                   f'--remote-debugging-pipe --user-data-dir="$1" about:blank '
                   f'3<&{to_chrome_r} 4>&{from_chrome_w}')
        proc = subprocess.Popen(["bash", "-c", command, "bash", profile],
                                pass_fds=(to_chrome_r, from_chrome_w),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        pipe = _Pipe(proc, to_chrome_w, from_chrome_r, timeout)
        try:
            target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = pipe.send("Target.attachToTarget",
                                {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                pipe.send(f"{domain}.enable", session=session)
            pipe.send("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                session=session)
            pipe.send("Page.navigate", {"url": url}, session=session)
            pipe.wait_for("Page.loadEventFired")
            time.sleep(settle)
            shot = pipe.send("Page.captureScreenshot",
                             {"format": "png", "captureBeyondViewport": True}, session=session)
            result = pipe.send("Runtime.evaluate", {"expression": evaluate or "null",
                                                    "returnByValue": True}, session=session)
            events = [e for e in pipe.events if e.get("sessionId") == session]
            requests = [e["params"]["request"]["url"] for e in events
                        if e.get("method") == "Network.requestWillBeSent"]
            with contextlib.suppress(RuntimeError):
                pipe.send("Browser.close")
            return PageLoad(screenshot=base64.b64decode(shot["data"]), errors=_errors(events),
                            requests=requests, value=result.get("result", {}).get("value"))
        finally:
            os.close(to_chrome_w)
            os.close(from_chrome_r)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG (from its IHDR chunk)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
