#!/usr/bin/env python3
"""What one step's kernel costs, forked by the zygote or started the normal way, in one sitting.

Runs a two-cell notebook as a step N times per path with `execute_step` in this process (as a
worker does), the paths interleaved step by step, and reports medians of:

  step wall      `execute_step` from call to return (kernel start, cells, shutdown, writes)
  to first cell  from the call to the first cell's start
  kernel CPU     user+system CPU of the kernel process when its first cell runs (psutil), i.e.
                 what starting it cost the machine
  worker CPU     CPU of this process per step (papermill, nbclient, notebook I/O)

and how long the zygote takes to fork a kernel (request sent to pid received).

On a loaded machine the wall times stretch with the load; the CPU figures are what carry over.
Usage: python benchmarks/bench_kernel_start.py [-n 8]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # as our processes do

import nbformat  # noqa: E402

from runnable_jupyter.executors.interface import StepJob  # noqa: E402
from runnable_jupyter.executors.step_execution import execute_step  # noqa: E402
from runnable_jupyter.executors.step_preparation import ZYGOTE_SWITCH  # noqa: E402
from runnable_jupyter.executors.zygote_client import KernelZygote, process_zygotes  # noqa: E402

FORKS: list[float] = []  # seconds of each KernelZygote.fork_kernel call (request to pid)
_fork_kernel = KernelZygote.fork_kernel


def timed_fork_kernel(self: KernelZygote, *args: Any, **kwargs: Any) -> int:
    started = time.perf_counter()
    try:
        return _fork_kernel(self, *args, **kwargs)
    finally:
        FORKS.append(time.perf_counter() - started)


KernelZygote.fork_kernel = timed_fork_kernel  # type: ignore[method-assign]

FIRST_CELL = (
    "import json, os, psutil\n"
    "_cpu = psutil.Process().cpu_times()\n"
    "print(json.dumps({'kernel_cpu': _cpu.user + _cpu.system}))"
)


def one_step(folder: Path, number: int) -> dict[str, float]:
    job = StepJob(
        run_id="20261203T000000-bench0",
        step_id=f"s{number}",
        notebook=str(folder / "step.ipynb"),
        cwd=str(folder),
        output_notebook=str(folder / "out" / f"s{number}.ipynb"),
        log_file=str(folder / "out" / f"s{number}.log"),
        access_log=str(folder / "out" / f"s{number}.jsonl"),
    )
    first_cell: list[float] = []
    cpu, started = time.process_time(), time.perf_counter()
    result = execute_step(job, lambda _: first_cell.append(time.perf_counter()))
    wall, worker_cpu = time.perf_counter() - started, time.process_time() - cpu
    if result.status.value != "succeeded":
        raise SystemExit(f"the step failed: {result.error}")
    output = nbformat.read(job.output_notebook, 4)  # type: ignore[no-untyped-call]
    kernel_cpu = json.loads(output.cells[0].outputs[0]["text"])["kernel_cpu"]
    return {
        "step_wall_s": wall,
        "to_first_cell_s": first_cell[0] - started,
        "kernel_cpu_s": kernel_cpu,
        "worker_cpu_s": worker_cpu,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--steps", type=int, default=8, help="steps per path")
    args = parser.parse_args()
    paths = {"zygote": "1", "normal": "0"}
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in paths}
    with tempfile.TemporaryDirectory(prefix="bench-kernel-") as scratch:
        folder = Path(scratch)
        nb = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nb.cells = [nbformat.v4.new_code_cell(FIRST_CELL), nbformat.v4.new_code_cell("x = 1")]  # type: ignore[no-untyped-call]
        nbformat.write(nb, folder / "step.ipynb")  # type: ignore[no-untyped-call]
        try:
            for switch in paths.values():  # untimed: the zygote starts, caches warm
                os.environ[ZYGOTE_SWITCH] = switch
                one_step(folder, 0)
            for number in range(1, args.steps + 1):
                for name, switch in paths.items():
                    os.environ[ZYGOTE_SWITCH] = switch
                    samples[name].append(one_step(folder, number))
        finally:
            process_zygotes().stop_all()
    print(f"median of {args.steps} steps per path; load average after {os.getloadavg()}")
    forks = FORKS[1:]  # the first one waited for the zygote to start
    print(
        f"zygote fork (request to pid): median {statistics.median(forks) * 1000:.1f} ms, "
        f"max {max(forks) * 1000:.1f} ms"
    )
    print(
        f"{'path':<8} {'step wall':>10} {'to 1st cell':>12} {'kernel CPU':>11} {'worker CPU':>11}"
    )
    for name, got in samples.items():
        row = {key: statistics.median(s[key] for s in got) for key in got[0]}
        print(
            f"{name:<8} {row['step_wall_s']:>9.3f}s {row['to_first_cell_s']:>11.3f}s "
            f"{row['kernel_cpu_s']:>10.3f}s {row['worker_cpu_s']:>10.3f}s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
