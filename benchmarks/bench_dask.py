#!/usr/bin/env python3
"""The Dask executor against the local executor on the shared benchmark DAG, in one sitting.

Times, as whole `runnable-jupyter run` processes, each in a fresh copy of the workload
(`../shared/bench/make_workload.py`: load -> 4 feature steps -> join -> train -> report), median
of N rounds with the variants interleaved within each round:

  local          --executor local (the default): the CLI's own pool of 2 worker processes
  dask-loopback  --executor dask --scheduler-address: a `dask scheduler` and two `dask worker`
                 processes (--nworkers 1 --nthreads 1) on 127.0.0.1, started once before the
                 rounds and kept, as a real cluster would be (its start is not timed)
  dask-local     --executor dask alone: a LocalCluster of 2 workers started and stopped by
                 each run (timed with it)

Every variant runs at most 2 steps at once (--max-parallel 2; 2 workers). Ratios are against
`local`: of the medians, and paired (the median of each round's ratio to that round's local
run, steadier on a shared machine). Results go to benchmarks/results/dask-DATE.json; nothing
asserts a time.

Usage: python benchmarks/bench_dask.py [-n 3] [--bench-dir ../shared/bench] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BENCH_DIR = REPO.parent / "shared" / "bench"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
BASELINE = "local"
START_WAIT_S = 120.0


def cli_command() -> list[str]:
    """The installed console script when there is one, else the module (same code)."""
    script = Path(sys.executable).with_name("runnable-jupyter")
    return [str(script)] if script.exists() else [sys.executable, "-m", "runnable_jupyter.cli"]


def environment() -> dict[str, str]:
    """The CLI and dask from this checkout's environment, for every process timed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


@contextmanager
def loopback_cluster(folder: Path) -> Iterator[str]:
    """A scheduler and two single-threaded workers on 127.0.0.1; yields the address."""
    dask = str(Path(sys.executable).with_name("dask"))
    scheduler_file = folder / "scheduler.json"
    env = environment()
    common = ["--no-dashboard"]
    processes = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", *common]
            + ["--scheduler-file", str(scheduler_file)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.monotonic() + START_WAIT_S
        while not scheduler_file.exists() or "address" not in scheduler_file.read_text():
            if time.monotonic() > deadline:
                raise TimeoutError("the dask scheduler did not start")
            time.sleep(0.2)
        address = str(json.loads(scheduler_file.read_text())["address"])
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    [dask, "worker", address, "--nworkers", "1", "--nthreads", "1"]
                    + ["--host", "127.0.0.1", *common],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        from distributed import Client

        with Client(address, timeout=START_WAIT_S) as client:
            client.wait_for_workers(2, timeout=START_WAIT_S)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(15)


def variants(address: str) -> dict[str, list[str]]:
    run = [*cli_command(), "run", "bench.pipeline.json", "--max-parallel", "2"]
    return {
        "local": run,
        "dask-loopback": [*run, "--executor", "dask", "--scheduler-address", address],
        "dask-local": [*run, "--executor", "dask"],
    }


def time_once(command: list[str], source: Path, scratch: Path, label: str) -> float | str:
    """Seconds of one whole-process run in a fresh copy, or the error text when it failed."""
    cwd = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=scratch)) / source.name
    shutil.copytree(source, cwd, ignore=shutil.ignore_patterns("*.runs", "*.catalog", "out"))
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=environment(), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    shutil.rmtree(cwd.parent, ignore_errors=True)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        return f"exit {done.returncode}: " + " | ".join(tail)
    return elapsed


def paired_ratio(times: list[float | str], baseline: list[float | str]) -> float | None:
    """The median over rounds of time / the baseline's time in the same round."""
    rounds = zip(times, baseline, strict=False)  # a variant may be timed alone (--only)
    pairs = [t / b for t, b in rounds if isinstance(t, float) and isinstance(b, float)]
    return statistics.median(pairs) if pairs else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--rounds", type=int, default=3, help="rounds (median of N)")
    parser.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH_DIR)
    parser.add_argument("--only", action="append", help="time only these variants")
    parser.add_argument("--no-save", action="store_true", help="do not write results JSON")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    runs: dict[str, list[float | str]] = {}
    try:
        workload = scratch / "workload"
        subprocess.run(
            [sys.executable, str(args.bench_dir / "make_workload.py"), str(workload)],
            check=True,
            capture_output=True,
        )
        with loopback_cluster(scratch) as address:
            chosen = {
                name: command
                for name, command in variants(address).items()
                if not args.only or name in args.only
            }
            runs = {name: [] for name in chosen}
            for round_number in range(1, args.rounds + 1):
                for name, command in chosen.items():
                    result = time_once(command, workload, scratch, name)
                    runs[name].append(result)
                    shown = f"{result:.2f} s" if isinstance(result, float) else f"FAILED {result}"
                    print(f"round {round_number}/{args.rounds}  {name:<14} {shown}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    medians = {
        name: statistics.median(times) if all(isinstance(t, float) for t in times) else None
        for name, times in runs.items()
    }
    baseline = medians.get(BASELINE)
    ratios = {
        name: median / baseline if median and baseline else None for name, median in medians.items()
    }
    # Each round's ratio to the local run of the same round: on a shared machine the load moves
    # between rounds more than between the variants of one round.
    paired = {name: paired_ratio(times, runs.get(BASELINE, [])) for name, times in runs.items()}
    print(f"\nmedian of {args.rounds} (whole process, wall seconds; ratio vs {BASELINE})")
    print(f"{'variant':<14} {'seconds':>8} {'ratio':>6} {'paired':>7}")
    for name, median in medians.items():
        ratio, pair = ratios[name], paired[name]
        print(
            f"{name:<14} {f'{median:.2f}' if median else 'failed':>8} "
            f"{f'{ratio:.2f}' if ratio else '-':>6} {f'{pair:.2f}' if pair else '-':>7}"
        )

    if not args.no_save:
        now = datetime.now(timezone.utc)
        report = {
            "time": now.isoformat(timespec="seconds"),
            "rounds": args.rounds,
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "load_average_after": os.getloadavg(),
            },
            "baseline": BASELINE,
            "variants": {
                name: {
                    "runs_s": runs[name],
                    "median_s": medians[name],
                    "ratio": ratios[name],
                    "paired_ratio": paired[name],
                }
                for name in runs
            },
        }
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        target = RESULTS_DIR / f"dask-{now.strftime('%Y-%m-%d')}.json"
        target.write_text(json.dumps(report, indent=1) + "\n")
        print(f"\nwrote {target.relative_to(REPO)}")
    return 0 if medians and all(m is not None for m in medians.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
