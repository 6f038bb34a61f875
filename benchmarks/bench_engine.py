#!/usr/bin/env python3
"""Wall time of the engine beside plain papermill on the shared benchmark DAG, in one sitting.

Times, as whole processes, each in a fresh copy of the workload (median of N rounds; the
variants are interleaved within a round so that machine noise hits them alike):

  cli            `runnable-jupyter run bench.pipeline.json` (kernels forked by the zygote)
  cli-no-zygote  the same with RUNNABLE_JUPYTER_KERNEL_ZYGOTE=0 (every kernel started normally)
  papermill-api  papermill API loop over order.txt, one process (shared run_papermill_api.py)
  papermill-api-2w  the same with its minimal 2-worker DAG scheduler (--workers 2)
  papermill-cli  one `papermill` process per notebook (shared run_papermill_cli.sh)
  example        `runnable-jupyter run wine.pipeline.json` (examples/, a different workload)

Ratios are against papermill-api. After each `cli*` run two more figures come from its folder:

  per-step overhead  each step's attempt wall time (run log) minus the summed papermill cell
                     durations of its executed notebook (kernel start, notebook I/O, parameters,
                     run-log saves), median over the steps of all rounds; and of it, the
                     kernel's start (papermill's start to the first cell's start)
  skip-unchanged     wall time (and CPU time) of `run --skip-unchanged` right after (nothing
                     changed), whole process, median of SKIP_SAMPLES per round

Every process runs with bytecode caching on (PYTHONPYCACHEPREFIX in the scratch folder, warmed
by a first run), as an installed package would, even where PYTHONDONTWRITEBYTECODE is set.
Results go to benchmarks/results/engine-DATE.json. Nothing here asserts a time: numbers are
for reading, and drift between machines and runs.

Usage: python benchmarks/bench_engine.py [-n 3] [--bench-dir /work/shared/bench] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BENCH_DIR = REPO.parent / "shared" / "bench"
BASELINE = "papermill-api"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
SKIP_SAMPLES = 3
ZYGOTE_SWITCH = "RUNNABLE_JUPYTER_KERNEL_ZYGOTE"


@dataclass
class Variant:
    name: str
    description: str
    workload: str  # "bench" (the shared DAG) or "example" (examples/)
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)  # on top of `environment()`


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
        Variant(
            "cli-no-zygote",
            "runnable-jupyter run, kernels started normally",
            "bench",
            [*cli_command(), "run", "bench.pipeline.json"],
            {ZYGOTE_SWITCH: "0"},
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


def environment(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    # the CLI from this checkout, and the venv's `papermill` first on PATH for the shell loop
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


# What the timed processes import, imported once untimed so that their bytecode is cached.
WARM_IMPORTS = "import papermill, nbclient, ipykernel.kernelapp, pandas, numpy"


def fresh_copy(source: Path, scratch: Path, label: str) -> Path:
    target = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=scratch)) / source.name
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.runs", "*.catalog", "out"))
    return target


@dataclass
class Sample:
    seconds: float | str  # the error text when the run failed
    step_overheads: list[float] = field(default_factory=list)
    kernel_waits: list[float] = field(default_factory=list)
    skip_unchanged: list[float] = field(default_factory=list)
    skip_unchanged_cpu: list[float] = field(default_factory=list)


def step_overheads(folder: Path) -> list[float]:
    """Per step of the run in `folder`: attempt wall time minus its cells' papermill time."""
    [run_log] = folder.glob("*.runs/*/run.json")
    overheads = []
    for step in json.loads(run_log.read_text())["steps"].values():
        for attempt in step["attempts"]:
            if attempt["status"] != "succeeded" or not attempt.get("output_notebook"):
                continue
            cells = json.loads(Path(attempt["output_notebook"]).read_text())["cells"]
            executed = sum(
                (cell.get("metadata", {}).get("papermill") or {}).get("duration") or 0.0
                for cell in cells
            )
            overheads.append(attempt["duration_s"] - executed)
    return overheads


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def kernel_waits(folder: Path) -> list[float]:
    """Per step of the run in `folder`: papermill's start to its first cell's start (the
    kernel's start and readiness, as the step waits for them)."""
    [run_log] = folder.glob("*.runs/*/run.json")
    waits = []
    for step in json.loads(run_log.read_text())["steps"].values():
        for attempt in step["attempts"]:
            if attempt["status"] != "succeeded" or not attempt.get("output_notebook"):
                continue
            nb = json.loads(Path(attempt["output_notebook"]).read_text())
            starts = [
                (cell.get("metadata", {}).get("papermill") or {}).get("start_time")
                for cell in nb["cells"]
            ]
            first = next((start for start in starts if start), None)
            if first:
                begun = datetime.fromisoformat(nb["metadata"]["papermill"]["start_time"])
                waits.append((datetime.fromisoformat(first) - begun).total_seconds())
    return waits


def run_process(
    command: list[str], cwd: Path, env: dict[str, str], cpu: list[float] | None = None
) -> float | str:
    """Wall seconds of the process (or its error text); its CPU seconds appended to `cpu`."""
    started, cpu_before = time.perf_counter(), children_cpu_s()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if cpu is not None:
        cpu.append(children_cpu_s() - cpu_before)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        return f"exit {done.returncode}: " + " | ".join(tail)
    return elapsed


def time_once(variant: Variant, source: Path, scratch: Path) -> Sample:
    """One whole-process run in a fresh copy (and, for the CLI on the DAG, the step overheads
    and `--skip-unchanged` times in that copy)."""
    cwd = fresh_copy(source, scratch, variant.name)
    env = environment(scratch) | variant.env
    try:
        sample = Sample(run_process(variant.command, cwd, env))
        if isinstance(sample.seconds, float) and variant.name.startswith("cli"):
            sample.step_overheads = step_overheads(cwd)
            sample.kernel_waits = kernel_waits(cwd)
            for _ in range(SKIP_SAMPLES):
                again = run_process(
                    [*variant.command, "--skip-unchanged"], cwd, env, sample.skip_unchanged_cpu
                )
                if isinstance(again, float):
                    sample.skip_unchanged.append(again)
        return sample
    finally:
        shutil.rmtree(cwd.parent, ignore_errors=True)


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
        # Not timed: writes the bytecode caches every later process reads.
        run_process([*cli_command(), "--help"], workload, environment(scratch))
        run_process([sys.executable, "-c", WARM_IMPORTS], workload, environment(scratch))
        samples: dict[str, list[Sample]] = {v.name: [] for v in chosen}
        for round_number in range(1, args.rounds + 1):
            for variant in chosen:
                sample = time_once(variant, sources[variant.workload], scratch)
                samples[variant.name].append(sample)
                result = sample.seconds
                shown = f"{result:.2f} s" if isinstance(result, float) else f"FAILED {result}"
                if sample.step_overheads:
                    shown += (
                        f"  step overhead median {statistics.median(sample.step_overheads):.3f} s"
                    )
                if sample.skip_unchanged:
                    shown += f"  skip-unchanged {statistics.median(sample.skip_unchanged):.2f} s"
                print(f"round {round_number}/{args.rounds}  {variant.name:<17} {shown}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    runs = {name: [s.seconds for s in got] for name, got in samples.items()}
    overheads = {name: [o for s in got for o in s.step_overheads] for name, got in samples.items()}
    waits = {name: [w for s in got for w in s.kernel_waits] for name, got in samples.items()}
    skips = {name: [t for s in got for t in s.skip_unchanged] for name, got in samples.items()}
    skip_cpu = {
        name: [t for s in got for t in s.skip_unchanged_cpu] for name, got in samples.items()
    }
    medians: dict[str, float | None] = {}
    for name, times in runs.items():
        timed = [t for t in times if isinstance(t, float)]
        medians[name] = statistics.median(timed) if timed and len(timed) == len(times) else None
    baseline = medians.get(BASELINE)

    def ratio_of(variant: Variant) -> float | None:
        median = medians[variant.name]
        if median is None or not baseline or variant.workload != "bench":
            return None
        return median / baseline

    print(f"\nmedian of {args.rounds} (whole process, wall seconds; ratio vs {BASELINE})")
    print(f"{'variant':<18} {'seconds':>8} {'ratio':>6}  description")
    for variant in chosen:
        median, ratio = medians[variant.name], ratio_of(variant)
        print(
            f"{variant.name:<18} {f'{median:.2f}' if median else 'failed':>8} "
            f"{f'{ratio:.2f}' if ratio else '-':>6}  {variant.description}"
        )
    # On a machine whose load swings, a round's variants share its load: ratios within rounds.
    base_runs = runs.get(BASELINE, [])
    for variant in chosen:
        paired = [
            t / b
            for t, b in zip(runs[variant.name], base_runs, strict=False)
            if isinstance(t, float) and isinstance(b, float) and variant.workload == "bench"
        ]
        if paired and variant.name != BASELINE:
            shown = ", ".join(f"{r:.2f}" for r in paired)
            print(
                f"{variant.name}: per-round ratios {shown} (median {statistics.median(paired):.2f})"
            )
    for name in runs:
        if overheads[name]:
            print(
                f"{name}: per-step overhead median {statistics.median(overheads[name]):.3f} s "
                f"(min {min(overheads[name]):.3f}, max {max(overheads[name]):.3f}, "
                f"{len(overheads[name])} steps), of which the kernel's start "
                f"{statistics.median(waits[name]):.3f} s"
            )
        if skips[name]:
            print(
                f"{name}: run --skip-unchanged median {statistics.median(skips[name]):.3f} s "
                f"(CPU {statistics.median(skip_cpu[name]):.3f} s)"
            )
    print(f"load average after: {os.getloadavg()}")

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
                "shared": "other engineers' work ran meanwhile on the same 2 cores",
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
                    "step_overheads_s": overheads[v.name],
                    "step_overhead_median_s": (
                        statistics.median(overheads[v.name]) if overheads[v.name] else None
                    ),
                    "kernel_waits_s": waits[v.name],
                    "skip_unchanged_s": skips[v.name],
                    "skip_unchanged_median_s": (
                        statistics.median(skips[v.name]) if skips[v.name] else None
                    ),
                    "skip_unchanged_cpu_s": skip_cpu[v.name],
                    "ratio_vs_baseline": ratio_of(v),
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
