"""Listing a pipeline with many runs: `GET runs` on 10,000 recorded runs, index against re-reading.

Writes N run folders (realistic run logs of an 8-step run, as an earlier version left them: no
index), then measures in the same sitting:

- `read every run log`: `RunStore.list()`, what `GET runs` did before the run index (baseline);
- `index build`: the first listing, which builds the index from the run logs (once per folder);
- `manager, page of 50` / `manager, all N`: `RunManager.list_runs` with the index warm;
- `HTTP GET runs (limit 50)` / `(limit 1000)`: a real Jupyter Server on 127.0.0.1, next to
  `HTTP GET version`, the floor of any request (authentication, a new connection each time);
- `save (status change)`: one run log save that changes a summary, with N runs in the index
  (what every step status change costs).

Prints medians and ratios and writes `benchmarks/results/run-listing-DATE.json`.

    .venv/bin/python benchmarks/bench_run_listing.py [--runs 10000] [--samples 30]

Not a test: the numbers depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_server_latency import Client, free_port, start_server, wait_until_up

from runnable_jupyter.runlog.models import (
    Attempt,
    RunAttempt,
    RunLog,
    RunStatus,
    StepRecord,
    StepStatus,
    new_run_id,
)
from runnable_jupyter.runlog.store import RunStore
from runnable_jupyter.runs.manager import RunManager

RESULTS = Path(__file__).resolve().parent / "results"
STEPS = ["load", "clean", "f1", "f2", "f3", "f4", "join", "train"]
PIPELINE = "bench.pipeline.json"


def run_log(index: int, runs_dir: Path) -> RunLog:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=index)
    run_id = new_run_id(start)
    log = RunLog(
        run_id=run_id,
        pipeline=PIPELINE,
        pipeline_sha256="0" * 64,
        status=RunStatus.succeeded,
        start=start,
        end=start + timedelta(seconds=40),
        attempts=[RunAttempt(number=1, start=start, steps=STEPS)],
        run_dir=str(runs_dir / run_id),
    )
    for step in STEPS:
        attempt = Attempt(
            number=1,
            status=StepStatus.succeeded,
            start=start,
            end=start + timedelta(seconds=5),
            duration_s=5.0,
            output_notebook=str(runs_dir / run_id / f"{step}.ipynb"),
            log_file=str(runs_dir / run_id / f"{step}.log"),
        )
        log.steps[step] = StepRecord(
            id=step,
            notebook=f"{step}.ipynb",
            status=StepStatus.succeeded,
            source_sha256="1" * 64,
            parameters={"alpha": 0.5},
            attempts=[attempt],
            fingerprint="2" * 64,
        )
    return log


def write_runs(root: Path, count: int) -> Path:
    steps = [{"id": step, "notebook": f"{step}.ipynb"} for step in STEPS]
    (root / PIPELINE).write_text(json.dumps({"version": 1, "steps": steps}), encoding="utf-8")
    runs_dir = root / "bench.runs"
    for index in range(count):
        log = run_log(index, runs_dir)
        (runs_dir / log.run_id).mkdir(parents=True)
        (runs_dir / log.run_id / "run.json").write_text(log.model_dump_json(), encoding="utf-8")
    return runs_dir


def median_ms(action: Callable[[], object], samples: int) -> float:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 2)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="bench-listing-"))
    try:
        root = workdir / "root"
        root.mkdir()
        runs_dir = write_runs(root, args.runs)
        timings: dict[str, float] = {}
        timings["read every run log"] = median_ms(lambda: RunStore(runs_dir).list(), 3)
        started = time.perf_counter()
        RunStore(runs_dir).summaries()
        timings["index build"] = round((time.perf_counter() - started) * 1000, 2)
        manager = RunManager(root=root)
        timings["manager, page of 50"] = median_ms(
            lambda: manager.list_runs(PIPELINE, limit=50), args.samples
        )
        timings[f"manager, all {args.runs}"] = median_ms(
            lambda: manager.list_runs(PIPELINE), max(3, args.samples // 5)
        )
        store, log = RunStore(runs_dir), run_log(args.runs, runs_dir)
        statuses = [RunStatus.running, RunStatus.succeeded]

        def save_status_change() -> None:
            log.status = statuses[0] if log.status == statuses[1] else statuses[1]
            store.save(log)

        timings["save (status change)"] = median_ms(save_status_change, args.samples)
        timings.update(http_timings(root, args))
        baseline = timings["read every run log"]
        return {
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "loadavg": os.getloadavg(),
            },
            "runs": args.runs,
            "median_ms": timings,
            "ratio_to_reading_every_log": {
                name: round(value / baseline, 4) for name, value in timings.items()
            },
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def http_timings(root: Path, args: argparse.Namespace) -> dict[str, float]:
    port, token = free_port(), secrets.token_hex(16)
    server = start_server(root, port, token)
    client = Client(port, token)
    try:
        wait_until_up(client, server)

        def get(limit: int | None) -> None:
            query = {"pipeline": PIPELINE} | ({"limit": str(limit)} if limit else {})
            status, body = client.call("GET", f"runs?{urllib.parse.urlencode(query)}")
            assert status == 200 and len(body["runs"]) == min(limit or args.runs, args.runs)

        get(50)  # warm up: handlers, thread pool, the index in the server's memory
        return {
            # The floor: an authenticated request that reads nothing (a new connection each).
            "HTTP GET version (floor)": median_ms(lambda: client.call("GET", "version"), 30),
            "HTTP GET runs (limit 50)": median_ms(lambda: get(50), args.samples),
            f"HTTP GET runs (limit 1000, of {args.runs})": median_ms(
                lambda: get(1000), max(3, args.samples // 3)
            ),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except Exception:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=30)
    result = measure(parser.parse_args())
    width = max(map(len, result["median_ms"]))
    print(f"{result['runs']} runs, median ms (ratio to reading every run log)")
    for name, value in result["median_ms"].items():
        ratio = result["ratio_to_reading_every_log"][name]
        print(f"  {name:<{width}}  {value:>9.2f}  ({ratio:.4f})")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"run-listing-{result['date'][:10]}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
