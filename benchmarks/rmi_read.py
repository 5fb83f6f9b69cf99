"""How fast RMI templates are read: 500 generated template-shaped workbooks of mixed versions, each read by
hrdd.rmi.workbook (package checks, read-only openpyxl, the second formula look, the Checker's rules).

Run by hand: `.venv/bin/python benchmarks/rmi_read.py [--files 500]`. Needs ../shared/reference/rmi to build
the workbooks (no RMI file is used). Reports files per second and peak memory (tracemalloc, Python allocations;
and the process's maximum resident size).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hrdd.rmi.workbook import ReadLimits, read_template_file  # noqa: E402
from tests.domain.rmi.workbooks import FACTS, VERSIONS, build  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--smelters", type=int, default=40, help="extra smelter rows per file")
    args = parser.parse_args()
    if FACTS is None:
        sys.stderr.write("../shared/reference/rmi is absent: cannot build the workbooks\n")
        return 2
    limits = ReadLimits(25 * 2**20, 2000, 100 * 2**20, 100, 2**20, 50_000)
    samples = {key: build(key, extra_rows=args.smelters, products=[("P-1", "Laptop")]) for key in VERSIONS}
    files = [samples[VERSIONS[i % len(VERSIONS)]] for i in range(args.files)]
    # speed first, without tracemalloc (which slows every allocation); then memory over a sample
    started = time.perf_counter()
    smelters = problems = 0
    for content in files:
        reading = read_template_file(content, name="bench.xlsx", limits=limits)
        assert reading.refused is None, reading.refused
        smelters += len(reading.smelters)
        problems += len(reading.problems)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    for content in files[:50]:
        read_template_file(content, name="bench.xlsx", limits=limits)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.files} files ({len(VERSIONS)} versions, {args.smelters + 1}-{args.smelters + 4} smelter rows each)"
    )
    print(
        f"{elapsed:.1f} s, {args.files / elapsed:.1f} files/s, {smelters} smelter rows, {problems} problems"
    )
    print(f"peak Python memory while reading (50 files) {peak / 2**20:.1f} MB, max resident {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
