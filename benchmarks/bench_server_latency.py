"""Does a running pipeline slow the server down? `GET runs` latency during a run vs. at idle.

Starts a real Jupyter Server (a subprocess, with the runnable_jupyter extension) on a temporary
root, creates a pipeline of two independent steps that each compute for about 5 s, starts a
run through the REST API and times `GET /runnable-jupyter/api/runs?pipeline=...` over and over
while both steps execute; then, with the run finished, times the same request at idle (same
server, same number of recorded runs). Prints p50/p95 of both and their ratio and writes
`benchmarks/results/server-latency-<date>.json`.

    .venv/bin/python benchmarks/bench_server_latency.py [--compute-seconds 5] [--idle-samples 300]

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
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import nbformat

RESULTS = Path(__file__).resolve().parent / "results"
API = "runnable-jupyter/api"
COMPUTE = """\
import time
deadline = time.perf_counter() + seconds
total = 0
while time.perf_counter() < deadline:  # busy: the step really uses a CPU
    total += sum(i * i for i in range(10_000))
"""


def write_workspace(root: Path, seconds: float) -> str:
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("seconds = 1.0", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(COMPUTE),
        ]
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, root / "compute.ipynb")
    steps = [
        {"id": name, "notebook": "compute.ipynb", "parameters": {"seconds": seconds}}
        for name in ("left", "right")
    ]
    pipeline = {"version": 1, "settings": {"max_parallel": 2}, "steps": steps}
    (root / "bench.pipeline.json").write_text(json.dumps(pipeline), encoding="utf-8")
    return "bench.pipeline.json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.base = f"http://127.0.0.1:{port}/{API}"
        self.headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.base}/{path}", data=data, method=method, headers=self.headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def timed_list(self, pipeline: str) -> tuple[float, dict[str, Any]]:
        query = urllib.parse.urlencode({"pipeline": pipeline})
        started = time.perf_counter()
        status, body = self.call("GET", f"runs?{query}")
        elapsed = time.perf_counter() - started
        assert status == 200, body
        return elapsed, body


def start_server(root: Path, port: int, token: str) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "jupyter_server",
        f"--ServerApp.token={token}", "--ServerApp.ip=127.0.0.1", f"--port={port}",
        "--allow-root", "--no-browser", f"--ServerApp.root_dir={root}",
    ]  # fmt: skip
    log = open(root.parent / "server.log", "wb")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(client: Client, server: subprocess.Popen[bytes], deadline_s: float = 60) -> None:
    give_up = time.monotonic() + deadline_s
    while time.monotonic() < give_up:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            status, _ = client.call("GET", "version")
            if status == 200:
                return
            raise SystemExit(f"GET version answered {status}: is the extension enabled?")
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise SystemExit("the server did not answer within a minute")


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "n": len(samples),
        "p50_ms": round(cuts[49] * 1000, 2),
        "p95_ms": round(cuts[94] * 1000, 2),
        "max_ms": round(max(samples) * 1000, 2),
    }


def measure(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="bench-server-"))
    try:
        result = measure_in(workdir, args)
    except BaseException:
        print(f"failed: the server's log is in {workdir / 'server.log'}", file=sys.stderr)
        raise
    shutil.rmtree(workdir, ignore_errors=True)
    return result


def measure_in(workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    root = workdir / "root"
    root.mkdir()
    pipeline = write_workspace(root, args.compute_seconds)
    port, token = free_port(), secrets.token_hex(16)
    server = start_server(root, port, token)
    client = Client(port, token)
    try:
        wait_until_up(client, server)
        for _ in range(20):  # warm up the handlers and the thread pool
            client.timed_list(pipeline)

        status, started = client.call("POST", "runs", {"pipeline": pipeline})
        assert status == 202, started
        run_id = started["run_id"]
        while_running: list[float] = []  # both steps executing
        while True:
            elapsed, body = client.timed_list(pipeline)
            run = next(r for r in body["runs"] if r["run_id"] == run_id)
            if run["counts"].get("running", 0) == 2:
                while_running.append(elapsed)
            if run["status"] not in ("pending", "running"):
                break
        status, log = client.call("GET", f"runs/{run_id}")
        assert log["status"] == "succeeded", log

        idle = [client.timed_list(pipeline)[0] for _ in range(args.idle_samples)]
        if len(while_running) < 20:
            raise SystemExit(
                f"only {len(while_running)} samples during the run: raise --compute-seconds"
            )
        during, baseline = percentiles(while_running), percentiles(idle)
        return {
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
            },
            "workload": {
                "steps": 2,
                "compute_seconds_per_step": args.compute_seconds,
                "run_seconds": _seconds(log["start"], log["end"]),
                "step_seconds": {
                    s: r["attempts"][-1]["duration_s"] for s, r in log["steps"].items()
                },
            },
            "idle": baseline,
            "during_run": during,
            "ratio_p50": round(during["p50_ms"] / baseline["p50_ms"], 2),
            "ratio_p95": round(during["p95_ms"] / baseline["p95_ms"], 2),
        }
    finally:
        server.send_signal(signal.SIGTERM)  # the extension cancels runs and stops kernels
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()


def _seconds(start: str, end: str) -> float:
    return round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds(), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compute-seconds", type=float, default=5.0)
    parser.add_argument("--idle-samples", type=int, default=300)
    args = parser.parse_args()
    result = measure(args)
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / f"server-latency-{datetime.now(timezone.utc):%Y-%m-%d}.json"
    target.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    idle, during = result["idle"], result["during_run"]
    for label, numbers in (("at idle", idle), ("with 2 steps running", during)):
        print(
            f"GET runs {label:<22} p50 {numbers['p50_ms']:7.2f} ms   "
            f"p95 {numbers['p95_ms']:7.2f} ms   (n={numbers['n']})"
        )
    print(f"ratio during/idle:          p50 x{result['ratio_p50']}   p95 x{result['ratio_p95']}")
    print(f"written to {target}")


if __name__ == "__main__":
    main()
