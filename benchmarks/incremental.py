"""Cost of a re-run: requests and bytes of a second crawl of an unchanged site
against the first, on the local mock site (tests/mockserver.py).

    python -m benchmarks.incremental
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.mockserver import MockServer  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "--max-depth", "3"]


def crawl(server: MockServer, out: Path, *extra: str) -> dict:
    summary = out / "summary.json"
    subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", server.url("/"), "-o", str(out),
                    "--job", "bench", "--summary-json", str(summary), "-L", "WARNING", *FAST,
                    *extra], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return json.loads(summary.read_text())


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp, MockServer() as server:
        out = Path(tmp)
        first = crawl(server, out)
        second = crawl(server, out, "--recheck-after", "0s")
        later = crawl(server, out)  # default policy: articles not due for a re-check
    rows = [("first run", first), ("second run, re-check all (--recheck-after 0s)", second),
            ("second run, default --recheck-after 1d", later)]
    print(f"{'run':<48}{'requests':>9}{'bytes':>10}{'articles':>9}{'ratio req':>10}"
          f"{'ratio bytes':>12}")
    for name, s in rows:
        print(f"{name:<48}{s['requests']:>9}{s['bytes_received']:>10}{s['articles_written']:>9}"
              f"{s['requests'] / first['requests']:>10.2f}"
              f"{s['bytes_received'] / first['bytes_received']:>12.2f}")
    print("\n304 answers in the re-check run:", second["responses_by_status"].get("304", 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
