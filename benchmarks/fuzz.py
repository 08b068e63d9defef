"""Fuzzing: hostile input against extraction, URL canonicalization and WARC
reading, with hypothesis.

    python -m benchmarks.fuzz [--examples 10000] [--seed 0] [--target NAME ...]

Each target (``benchmarks/fuzz_targets.py``, where the contract of each is
written down) gets ``--examples`` generated inputs. An input fails when the
target's contract is broken: an exception other than the documented one
escapes, or a property of the result does not hold. Failures do not stop the
run: all inputs are run, failures are grouped by exception type and place, and
for each group the count, the message and the shortest failing input are
printed. Prints per target: inputs run, failing inputs, distinct failures,
time. Exit status 1 when any input failed.

The same targets run in the test suite with fewer examples (``tests/test_fuzz.py``);
an input found here is added there as an ``@example`` when its bug is fixed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

from benchmarks.fuzz_targets import TARGETS, Target


@dataclass
class Failure:
    count: int = 0
    message: str = ""
    example: str = ""


@dataclass
class Result:
    name: str
    inputs: int = 0
    failing: int = 0
    seconds: float = 0.0
    failures: dict[str, Failure] = field(default_factory=dict)


def _place(frame: traceback.FrameSummary) -> str:
    path = Path(frame.filename)
    return f"{path.parent.name}/{path.name}:{frame.lineno}"


def where(exc: BaseException) -> str:
    """``Type at file:line``: the innermost frame in the project's code, and the
    innermost of all when that is elsewhere (a library the project called)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    ours = [f for f in frames if "/crawler/" in f.filename or "/benchmarks/" in f.filename]
    place = _place((ours or frames)[-1])
    if frames[-1] is not (ours or frames)[-1]:
        place += f" (raised in {_place(frames[-1])})"
    return f"{type(exc).__name__} at {place}"


def run_target(target: Target, examples: int, seed_value: int) -> Result:
    result = Result(target.name)

    @seed(seed_value)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(target.strategy)
    def fuzz(value: object) -> None:
        result.inputs += 1
        try:
            with contextlib.redirect_stderr(io.StringIO()):  # warcio's warnings
                target.check(value)
        except Exception as exc:  # every escape is a finding
            result.failing += 1
            failure = result.failures.setdefault(where(exc), Failure())
            failure.count += 1
            text = repr(value)
            if not failure.example or len(text) < len(failure.example):
                failure.example, failure.message = text, f"{type(exc).__name__}: {exc}"[:300]

    start = time.perf_counter()
    fuzz()
    result.seconds = time.perf_counter() - start
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fuzz", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=10_000, metavar="N",
                        help="generated inputs per target (default: 10000)")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed (default: 0)")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS),
                        help="run only this target (repeatable)")
    args = parser.parse_args(argv)
    # extraction and replay log every broken page they meet: expected here
    logging.disable(logging.CRITICAL)
    results = []
    print(f"{'target':<12} {'inputs':>7} {'failing':>8} {'distinct':>9} {'time s':>8} "
          f"{'ms/input':>9}", flush=True)
    for name in args.target or list(TARGETS):
        r = run_target(TARGETS[name], args.examples, args.seed)
        results.append(r)
        per = 1000 * r.seconds / r.inputs if r.inputs else 0.0
        print(f"{r.name:<12} {r.inputs:>7} {r.failing:>8} {len(r.failures):>9} "
              f"{r.seconds:>8.1f} {per:>9.2f}", flush=True)
        for place, f in sorted(r.failures.items(), key=lambda kv: -kv[1].count):
            print(f"  {f.count} inputs: {place}\n    {f.message}\n"
                  f"    shortest input: {f.example[:600]}", flush=True)
    return 1 if any(r.failing for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
