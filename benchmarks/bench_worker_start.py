#!/usr/bin/env python3
"""What importing the step engine costs a worker process, with and without papermill's HDFS
client (`startup.import_papermill_without_hdfs`), in one sitting.

Each sample is a new interpreter that does what a local executor worker does before its first
job (`skip_format_checker_imports`, then `executors.step_execution`), the two ways interleaved.
It reports the median CPU (user+system) and wall of the child and the ratio of the medians.
Usage: python benchmarks/bench_worker_start.py [-n 15] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = """
from runnable_jupyter.startup import import_papermill_without_hdfs, skip_format_checker_imports
skip_format_checker_imports()
if {lean}:
    import_papermill_without_hdfs()
from runnable_jupyter.executors.step_execution import execute_step
"""


def sample(lean: bool) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one child interpreter."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", CHILD.format(lean=lean)], cwd=REPO, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=15, help="samples per way (default 15)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    samples: dict[str, list[tuple[float, float]]] = {"papermill as is": [], "without HDFS": []}
    sample(False)  # warm the page cache and the bytecode
    for _ in range(args.n):
        samples["papermill as is"].append(sample(False))
        samples["without HDFS"].append(sample(True))
    results = {
        way: {
            "cpu_s": round(statistics.median(cpu for cpu, _ in values), 3),
            "wall_s": round(statistics.median(wall for _, wall in values), 3),
        }
        for way, values in samples.items()
    }
    ratio = results["without HDFS"]["cpu_s"] / results["papermill as is"]["cpu_s"]
    for way, figures in results.items():
        print(f"{way:16s} CPU {figures['cpu_s']:.3f} s   wall {figures['wall_s']:.3f} s")
    print(f"CPU ratio (without HDFS / as is): {ratio:.2f}, medians of {args.n}")
    if args.json:
        report = {"samples": args.n, "results": results, "cpu_ratio": round(ratio, 3)}
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
