"""Memory of ``crawler replay`` against record size: peak RSS on a WARC holding
one 400 MB ``video/mp4`` response record among a few HTML pages, beside the
peak on the same WARC without the video.

    python -m benchmarks.replay_memory [--video-mb 400] [--pages 20] [--out DIR] [--code DIR]

Writes both WARCs (per-record gzip, as crawlers write them; the video's bytes
do not compress, as a real video's do not) into ``--out`` (a temporary folder
by default), runs ``crawler replay -q`` on each in a child process and reads the
child's own peak RSS (``ru_maxrss`` from ``wait4``). Printed: both peaks, their
ratio (the target: close to 1, memory flat in record size) and whether both
replays gave the same articles. ``--code`` runs another checkout's ``crawler``
(for a before/after comparison).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from benchmarks.memory import article  # noqa: E402


class Noise(io.RawIOBase):
    """``size`` bytes that do not compress, made as they are read."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = min(len(buffer), self.left, 1 << 20)
        buffer[:n] = os.urandom(n)
        self.left -= n
        return n


def write_warc(path: Path, pages: int, video_bytes: int) -> None:
    html = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                            protocol="HTTP/1.1")
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "benchmark"}))
        for i in range(pages):
            if video_bytes and i == pages // 2:
                video = StatusAndHeaders("200 OK", [("Content-Type", "video/mp4")],
                                         protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(
                    "https://news.example/media/clip.mp4", "response",
                    payload=io.BufferedReader(Noise(video_bytes), 1 << 20),
                    length=video_bytes, http_headers=video))
            body = article(i, pages)
            writer.write_record(writer.create_warc_record(
                f"https://news.example/a/{i}.html", "response", payload=io.BytesIO(body),
                length=len(body), http_headers=html))


def replay_peak(warc: Path, out: Path, code: Path) -> tuple[float, float, list[str]]:
    """(peak RSS in MB, seconds, article URLs) of ``crawler replay -q`` on ``warc``."""
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "crawler.cli", "replay", "-q", "-o",
                              str(out), str(warc)], cwd=code, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    assert child.stderr is not None
    errors = child.stderr.read().decode()
    if child.returncode != 0:
        raise SystemExit(f"replay of {warc} failed ({child.returncode}): {errors[-2000:]}")
    urls = sorted(json.loads(line)["url"] for line in out.read_text().splitlines())
    return usage.ru_maxrss / 1024, seconds, urls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--video-mb", type=int, default=400)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--out", type=Path, help="folder for the WARCs (default: temporary)")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose crawler runs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="replay-memory-") as tmp:
        folder = args.out or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        with_video, without = folder / "with-video.warc.gz", folder / "without-video.warc.gz"
        started = time.monotonic()
        write_warc(with_video, args.pages, args.video_mb << 20)
        write_warc(without, args.pages, 0)
        print(f"wrote {with_video} ({with_video.stat().st_size >> 20} MB) and {without} "
              f"in {time.monotonic() - started:.0f} s", file=sys.stderr)
        peak_video, s_video, urls_video = replay_peak(with_video, folder / "video.jsonl",
                                                      args.code)
        peak_plain, s_plain, urls_plain = replay_peak(without, folder / "plain.jsonl", args.code)
    print(f"crawler replay peak RSS ({args.code}):")
    print(f"  with one {args.video_mb} MB video/mp4 record: {peak_video:7.1f} MB ({s_video:.1f} s)")
    print(f"  without it:                          {peak_plain:7.1f} MB ({s_plain:.1f} s)")
    print(f"  ratio: {peak_video / peak_plain:.2f}")
    print(f"  same {len(urls_plain)} articles: {urls_video == urls_plain}")


if __name__ == "__main__":
    main()
