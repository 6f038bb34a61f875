#!/usr/bin/env python3
"""Wall time of the engine beside plain papermill on the shared benchmark DAG, in one sitting.

Times, as whole processes, each in a fresh copy of the workload (median of N rounds; the
variants are interleaved within a round so that machine noise hits them alike):

  cli            `runnable-jupyter run bench.pipeline.json`
  papermill-api  papermill API loop over order.txt, one process (shared run_papermill_api.py)
  papermill-api-2w  the same with its minimal 2-worker DAG scheduler (--workers 2)
  papermill-cli  one `papermill` process per notebook (shared run_papermill_cli.sh)
  example        `runnable-jupyter run wine.pipeline.json` (examples/, a different workload)

Ratios are against papermill-api. Results go to benchmarks/results/engine-DATE.json. Nothing
here asserts a time: numbers are for reading, and drift between machines and runs.

Usage: python benchmarks/bench_engine.py [-n 3] [--bench-dir /work/shared/bench] [--only NAME]
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
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BENCH_DIR = REPO.parent / "shared" / "bench"
BASELINE = "papermill-api"
RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Variant:
    name: str
    description: str
    workload: str  # "bench" (the shared DAG) or "example" (examples/)
    command: list[str]


def cli_command() -> list[str]:
    """The installed console script when there is one, else the module (same code)."""
    script = Path(sys.executable).with_name("runnable-jupyter")
    return [str(script)] if script.exists() else [sys.executable, "-m", "runnable_jupyter.cli"]


def variants(bench_dir: Path) -> list[Variant]:
    api = [sys.executable, str(bench_dir / "run_papermill_api.py")]
    return [
        Variant(
            "cli",
            "runnable-jupyter run (CLI process)",
            "bench",
            [*cli_command(), "run", "bench.pipeline.json"],
        ),
        Variant(BASELINE, "papermill API loop, one process", "bench", api),
        Variant(
            "papermill-api-2w",
            "papermill API, 2-worker DAG scheduler",
            "bench",
            [*api, "--workers", "2"],
        ),
        Variant(
            "papermill-cli",
            "papermill CLI, one process per notebook",
            "bench",
            ["sh", str(bench_dir / "run_papermill_cli.sh")],
        ),
        Variant(
            "example",
            "runnable-jupyter run examples/wine.pipeline.json",
            "example",
            [*cli_command(), "run", "wine.pipeline.json"],
        ),
    ]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    # the CLI from this checkout, and the venv's `papermill` first on PATH for the shell loop
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def fresh_copy(source: Path, scratch: Path, label: str) -> Path:
    target = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=scratch)) / source.name
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.runs", "*.catalog", "out"))
    return target


def time_once(variant: Variant, source: Path, scratch: Path) -> float | str:
    """Seconds of one whole-process run in a fresh copy, or the error text when it failed."""
    cwd = fresh_copy(source, scratch, variant.name)
    started = time.perf_counter()
    done = subprocess.run(
        variant.command, cwd=cwd, env=environment(), capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    shutil.rmtree(cwd.parent, ignore_errors=True)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        return f"exit {done.returncode}: " + " | ".join(tail)
    return elapsed


def package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--rounds", type=int, default=3, help="rounds (median of N)")
    parser.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH_DIR)
    parser.add_argument("--only", action="append", help="time only these variants")
    parser.add_argument("--no-save", action="store_true", help="do not write results JSON")
    args = parser.parse_args()

    chosen = [v for v in variants(args.bench_dir) if not args.only or v.name in args.only]
    scratch = Path(tempfile.mkdtemp(prefix="bench-engine-"))
    try:
        workload = scratch / "workload"
        subprocess.run(
            [sys.executable, str(args.bench_dir / "make_workload.py"), str(workload)],
            check=True,
            capture_output=True,
        )
        sources = {"bench": workload, "example": REPO / "examples"}
        runs: dict[str, list[float | str]] = {v.name: [] for v in chosen}
        for round_number in range(1, args.rounds + 1):
            for variant in chosen:
                result = time_once(variant, sources[variant.workload], scratch)
                runs[variant.name].append(result)
                shown = f"{result:.2f} s" if isinstance(result, float) else f"FAILED {result}"
                print(f"round {round_number}/{args.rounds}  {variant.name:<17} {shown}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    medians = {
        name: statistics.median(times)
        if times and all(isinstance(t, float) for t in times)
        else None
        for name, times in runs.items()
    }
    baseline = medians.get(BASELINE)
    print(f"\nmedian of {args.rounds} (whole process, wall seconds; ratio vs {BASELINE})")
    print(f"{'variant':<18} {'seconds':>8} {'ratio':>6}  description")
    for variant in chosen:
        median = medians[variant.name]
        ratio = median / baseline if median and baseline and variant.workload == "bench" else None
        print(
            f"{variant.name:<18} {f'{median:.2f}' if median else 'failed':>8} "
            f"{f'{ratio:.2f}' if ratio else '-':>6}  {variant.description}"
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
                "papermill": package_version("papermill"),
                "nbclient": package_version("nbclient"),
            },
            "baseline": BASELINE,
            "variants": {
                v.name: {
                    "description": v.description,
                    "command": v.command,
                    "workload": v.workload,
                    "runs_s": runs[v.name],
                    "median_s": medians[v.name],
                    "ratio_vs_baseline": (
                        medians[v.name] / baseline
                        if medians[v.name] and baseline and v.workload == "bench"
                        else None
                    ),
                }
                for v in chosen
            },
        }
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        target = RESULTS_DIR / f"engine-{now.strftime('%Y-%m-%d')}.json"
        target.write_text(json.dumps(report, indent=1) + "\n")
        print(f"\nwrote {target.relative_to(REPO)}")
    return 0 if all(m is not None for m in medians.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
