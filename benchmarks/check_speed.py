"""Speed of ``crawler check`` on a WARC file, beside warcio reading the same
file with its own digest check (what ``warcio check`` does), in the same run.

    python -m benchmarks.check_speed [--records 20000] [--rounds 3] [--code DIR] [--json FILE]

Writes one WARC of a ``warcinfo`` and ``--records`` response records (an
article page each, gzip per record, as crawlers write them: the file of
:mod:`benchmarks.replay_memory` without its video) into a temporary folder. Each round
times, in a fresh child process each, the check of the whole file by
``crawler.warc.check.check_warc`` (every record's structure, mandatory fields,
block and payload digests) and warcio's ``ArchiveIterator(check_digests=True)``
reading every record to its end; the two alternate which goes first from round
to round. Printed per round: both times and records per second, and the ratio
(ours / warcio's; the floor is warcio's own read, which ours does too); then the
median ratio and its spread. ``--code`` times another checkout's check (for a
before/after comparison) against the same file.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.replay_memory import write_warc

ROOT = Path(__file__).resolve().parents[1]

#: Child process: time one reader over the file (argv: code dir, system, path).
TIMED = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
system, path = sys.argv[2], sys.argv[3]
if system == "crawler check":
    from crawler.warc.check import check_warc
    start = time.perf_counter()
    problems = len(list(check_warc(Path(path))))
else:
    from warcio.archiveiterator import ArchiveIterator
    start = time.perf_counter()
    with open(path, "rb") as f:
        for record in ArchiveIterator(f, check_digests=True):
            record.content_stream().read()
    problems = 0
print(time.perf_counter() - start, problems)
"""


def timed(system: str, path: Path, code: Path) -> float:
    proc = subprocess.run([sys.executable, "-c", TIMED, str(code), system, str(path)],
                          capture_output=True, text=True, check=True, cwd=code)
    seconds, problems = proc.stdout.split()
    if int(problems):
        raise SystemExit(f"{system} found {problems} problems in a well-formed file")
    return float(seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose check is timed")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    systems = ("crawler check", "warcio read")
    rounds = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.warc.gz"
        write_warc(path, args.records, video_bytes=0)
        print(f"{args.records} response records and a warcinfo, "
              f"{path.stat().st_size / 1e6:.1f} MB; crawler check from {args.code}")
        for i in range(args.rounds):
            order = systems if i % 2 == 0 else systems[::-1]
            seconds = {name: timed(name, path, args.code.resolve()) for name in order}
            ratio = seconds["crawler check"] / seconds["warcio read"]
            rounds.append({"seconds": seconds, "ratio": ratio})
            print(f"round {i + 1}: " + ", ".join(
                f"{name} {seconds[name]:.2f} s ({args.records / seconds[name]:,.0f} records/s)"
                for name in systems) + f"; ratio {ratio:.2f}")
    ratios = [r["ratio"] for r in rounds]
    print(f"crawler check / warcio read: median {statistics.median(ratios):.2f} "
          f"(rounds {min(ratios):.2f} to {max(ratios):.2f})")
    if args.json:
        args.json.write_text(json.dumps({"records": args.records, "code": str(args.code),
                                         "rounds": rounds}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
