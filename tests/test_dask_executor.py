"""The Dask executor on a real loopback cluster: a `dask scheduler` and two `dask worker`
processes (one single-threaded worker each) started by the module's fixture, real kernels.

The example pipeline runs green from the CLI; status, "cell i of n", step logs while the step
runs, failures, retry and skip-unchanged behave as with the local executor; cancel and timeouts
stop the kernel on the worker; a worker killed mid-step fails that step naming the worker while
the run goes on; a worker that does not see the workspace fails the run at once.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import kernel_processes, statuses, wait_until, write_notebook
from server_support import wait_without_kernels, write_step_notebook

from runnable_jupyter.cli import main
from runnable_jupyter.executors.dask_executor import DaskExecutor
from runnable_jupyter.executors.dask_task import TOPIC
from runnable_jupyter.runs.events import RunEvent
from runnable_jupyter.runs.manager import RunManager

distributed = pytest.importorskip("distributed")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
START_WAIT_S = 90.0  # a worker imports distributed on a busy 2-CPU machine
STOP_WAIT_S = 15.0


def _dask_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("dask")), *args]


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_WAIT_S)


class LoopbackCluster:
    """A scheduler and its worker processes on 127.0.0.1; `client` inspects it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.scheduler_file = folder / "scheduler.json"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.address = ""
        self.client: Any = None

    def start_scheduler(self) -> None:
        self.processes.append(
            subprocess.Popen(
                _dask_command(
                    "scheduler",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                    "--no-dashboard",
                    "--scheduler-file",
                    str(self.scheduler_file),
                ),
                stdout=subprocess.DEVNULL,
                stderr=(self.folder / "scheduler.log").open("wb"),
            )
        )
        wait_until(self.scheduler_file.exists, START_WAIT_S)
        wait_until(lambda: "address" in self.scheduler_file.read_text() or None, START_WAIT_S)
        self.address = json.loads(self.scheduler_file.read_text())["address"]
        self.client = distributed.Client(self.address, timeout=START_WAIT_S)

    def start_worker(self, *prefix: str, name: str = "") -> subprocess.Popen[bytes]:
        log = (self.folder / f"worker-{len(self.processes)}.log").open("wb")
        command = _dask_command(
            "worker",
            self.address,
            "--nworkers",
            "1",
            "--nthreads",
            "1",
            "--host",
            "127.0.0.1",
            "--no-dashboard",
            *(["--name", name] if name else []),
        )
        process = subprocess.Popen([*prefix, *command], stdout=subprocess.DEVNULL, stderr=log)
        self.processes.append(process)
        return process

    def workers(self) -> dict[str, Any]:
        return dict(self.client.scheduler_info(n_workers=-1)["workers"])

    def pids(self) -> dict[str, int]:
        """Worker address -> the pid of its worker process."""
        return dict(self.client.run(os.getpid))

    def wait_for_workers(self, count: int) -> None:
        wait_until(lambda: len(self.workers()) == count, START_WAIT_S)

    def started_on(self, run_id: str) -> dict[str, str]:
        """Step id -> the worker its task said it started on, from the scheduler's events."""
        found = {}
        for _, message in self.client.get_events(TOPIC):
            key = str(message.get("key", ""))
            if message.get("kind") == "started" and f"-{run_id}-" in key:
                step_id = key.removeprefix("runnable-step-").split(f"-{run_id}-")[0]
                found[step_id] = str(message["worker"])
        return found

    def stop(self) -> None:
        if self.client is not None:
            self.client.close()
        for process in reversed(self.processes):
            _stop(process)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackCluster]:
    loopback = LoopbackCluster(tmp_path_factory.mktemp("dask"))
    try:
        loopback.start_scheduler()
        loopback.start_worker()
        loopback.start_worker()
        loopback.wait_for_workers(2)
        yield loopback
    finally:
        loopback.stop()
    assert wait_without_kernels() == []


@pytest.fixture
def dask_executor(cluster: LoopbackCluster) -> Iterator[DaskExecutor]:
    cluster.wait_for_workers(2)  # a test that killed a worker waits for its replacement
    executor = DaskExecutor(cluster.address)
    yield executor
    executor.shutdown()


def _manager(root: Path, executor: DaskExecutor, events: list[RunEvent]) -> RunManager:
    return RunManager(root=root, executor=executor, on_event=events.append)


def _pipeline(root: Path, steps: dict[str, dict[str, Any]]) -> str:
    write_step_notebook(root / "step.ipynb")
    document = {
        "version": 1,
        "steps": [
            {"id": step_id, "notebook": "step.ipynb", **fields}
            | {"parameters": {"name": step_id} | fields.get("parameters", {})}
            for step_id, fields in steps.items()
        ],
    }
    (root / "p.pipeline.json").write_text(json.dumps(document), encoding="utf-8")
    return "p.pipeline.json"


def _running_cell(events: list[RunEvent], step_id: str, cell: int) -> bool:
    return any(
        e.kind == "progress" and e.step_id == step_id and (e.cell or 0) >= cell for e in events
    )


def test_the_example_pipeline_runs_green_on_two_dask_workers(cluster, tmp_path, capsys):
    workspace = tmp_path / "examples"
    shutil.copytree(EXAMPLES, workspace, ignore=shutil.ignore_patterns("*.runs", "*.catalog"))
    code = main(
        [
            "--root",
            str(workspace),
            "run",
            str(workspace / "wine.pipeline.json"),
            "--executor",
            "dask",
            "--scheduler-address",
            cluster.address,
        ]
    )
    output = capsys.readouterr().out
    assert code == 0, output
    run_id = output.splitlines()[0].strip()
    log = json.loads((workspace / "wine.runs" / run_id / "run.json").read_text())
    assert {record["status"] for record in log["steps"].values()} == {"succeeded"}
    started = cluster.started_on(run_id)
    assert set(started) == set(log["steps"])  # every step ran as a task on the cluster
    assert set(started.values()) <= set(cluster.workers())
    report = log["steps"]["report"]["attempts"][-1]
    assert Path(report["output_notebook"]).exists()
    assert not (workspace / "wine.runs" / run_id / ".dask").exists()  # no claims left


def test_status_progress_logs_failure_retry_and_skip_unchanged(dask_executor, tmp_path):
    events: list[RunEvent] = []
    manager = _manager(tmp_path, dask_executor, events)
    try:
        pipeline = _pipeline(
            tmp_path,
            {
                "slow": {"parameters": {"sleep": 10.0}},  # seen running, with its log
                "broken": {},
                "after": {"depends_on": ["broken"]},
            },
        )
        (tmp_path / "broken.fail").touch()
        log = manager.start(pipeline)
        wait_until(lambda: _running_cell(events, "slow", 3), 60)
        live = manager.get(log.run_id).steps["slow"]
        assert live.status.value == "running"
        log_file = Path(live.attempts[-1].log_file or "")
        # printed before the sleep: on the shared filesystem while the step still runs
        wait_until(lambda: "step slow says héllo" in log_file.read_text(encoding="utf-8"), 10)
        assert manager.get(log.run_id).steps["slow"].status.value == "running"

        done = manager.wait(log.run_id, timeout=120)
        assert statuses(done) == {
            "slow": "succeeded",
            "broken": "failed",
            "after": "upstream_failed",
        }
        error = done.steps["broken"].attempts[-1].error
        assert error is not None and error.name == "ValueError"
        assert error.message == "broken failed on purpose"
        progress = [
            (e.cell, e.cells) for e in events if e.kind == "progress" and e.step_id == "slow"
        ]
        assert progress[-1][0] == progress[-1][1] and progress[-1][1] >= 3  # "cell n of n"

        (tmp_path / "broken.fail").unlink()
        manager.retry(done.run_id)
        retried = manager.wait(done.run_id, timeout=120)
        assert statuses(retried) == dict.fromkeys(("slow", "broken", "after"), "succeeded")
        assert len(retried.steps["broken"].attempts) == 2
        assert len(retried.steps["slow"].attempts) == 1  # it had succeeded: not run again

        again = manager.wait(manager.start(pipeline, skip_unchanged=True).run_id, timeout=120)
        assert statuses(again) == dict.fromkeys(("slow", "broken", "after"), "cached")
    finally:
        manager.shutdown()


def test_cancel_stops_the_kernel_on_the_worker_within_seconds(dask_executor, tmp_path):
    events: list[RunEvent] = []
    manager = _manager(tmp_path, dask_executor, events)
    try:
        pipeline = _pipeline(tmp_path, {"slow": {"parameters": {"sleep": 120.0}}})
        log = manager.start(pipeline)
        wait_until(lambda: _running_cell(events, "slow", 3), 60)
        assert kernel_processes(), "the step's kernel runs under a worker of the fixture"
        asked = time.monotonic()
        manager.cancel(log.run_id)
        done = manager.wait(log.run_id, timeout=30)
        assert time.monotonic() - asked < 10
        assert (done.status.value, statuses(done)) == ("cancelled", {"slow": "cancelled"})
        assert wait_without_kernels(5) == []
    finally:
        manager.shutdown()


def test_a_step_past_its_timeout_fails_and_its_kernel_is_stopped(dask_executor, tmp_path):
    manager = _manager(tmp_path, dask_executor, [])
    try:
        pipeline = _pipeline(tmp_path, {"slow": {"parameters": {"sleep": 120.0}, "timeout_s": 3}})
        done = manager.wait(manager.start(pipeline).run_id, timeout=60)
        error = done.steps["slow"].attempts[-1].error
        assert statuses(done) == {"slow": "failed"}
        assert error is not None and error.name == "TimeoutError"
        assert wait_without_kernels(5) == []
    finally:
        manager.shutdown()


def test_a_killed_worker_fails_its_step_naming_the_worker_and_the_run_goes_on(
    cluster, dask_executor, tmp_path
):
    events: list[RunEvent] = []
    manager = _manager(tmp_path, dask_executor, events)
    try:
        pipeline = _pipeline(
            tmp_path,
            {
                "doomed": {"parameters": {"sleep": 120.0}},
                "after": {"depends_on": ["doomed"]},
                "other": {"parameters": {"sleep": 1.0}},
            },
        )
        log = manager.start(pipeline)
        wait_until(lambda: _running_cell(events, "doomed", 3), 60)
        # "cell 3" is sent as the cell starts: its first line writes the file a moment later.
        wait_until(lambda: (tmp_path / "doomed.json").exists(), 60)
        wrote = (tmp_path / "doomed.json").stat().st_mtime_ns
        worker = cluster.started_on(log.run_id)["doomed"]
        os.kill(cluster.pids()[worker], signal.SIGKILL)

        done = manager.wait(log.run_id, timeout=120)
        assert done.status.value == "failed"  # finished, not hanging
        assert statuses(done) == {
            "doomed": "failed",
            "after": "upstream_failed",
            "other": "succeeded",
        }
        error = done.steps["doomed"].attempts[-1].error
        assert error is not None and error.name == "WorkerLost"
        assert worker in error.message
        assert wait_without_kernels(10) == []  # the reaper stopped the dead worker's kernel
        time.sleep(2)  # Dask may re-run the task on the other worker: it must not execute
        assert (tmp_path / "doomed.json").stat().st_mtime_ns == wrote
    finally:
        manager.shutdown()


def test_a_worker_that_does_not_see_the_workspace_fails_the_run_at_once(
    cluster, dask_executor, tmp_path
):
    # A worker in a mount namespace of its own, with an empty tmpfs over the workspace: the
    # same path, another filesystem (as on a machine that does not mount the share).
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False, timeout=10)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a mount namespace here: {probe.stderr.decode().strip()}")
    blind = cluster.start_worker(
        "unshare", "-m", "sh", "-c", f'mount -t tmpfs none "{tmp_path}" && exec "$0" "$@"'
    )
    manager = _manager(tmp_path, dask_executor, [])
    try:
        cluster.wait_for_workers(3)
        pipeline = _pipeline(tmp_path, {"a": {}, "b": {}, "c": {"depends_on": ["a"]}})
        started = time.monotonic()
        done = manager.wait(manager.start(pipeline).run_id, timeout=60)
        assert time.monotonic() - started < 10
        assert statuses(done) == {"a": "failed", "b": "failed", "c": "upstream_failed"}
        (blind_address,) = [
            address for address, pid in cluster.pids().items() if _in_own_mount_namespace(pid)
        ]
        for step_id in ("a", "b"):
            error = done.steps[step_id].attempts[-1].error
            assert error is not None and error.name == "WorkspaceNotShared"
            assert error.message.startswith("1 of 3 Dask workers do not see the workspace")
            assert blind_address in error.message
        assert not (tmp_path / "a.json").exists() and not (tmp_path / "b.json").exists()
    finally:
        manager.shutdown()
        _stop(blind)
        cluster.wait_for_workers(2)


def _in_own_mount_namespace(pid: int) -> bool:
    return os.readlink(f"/proc/{pid}/ns/mnt") != os.readlink("/proc/self/ns/mnt")


def test_a_kernel_missing_on_the_workers_is_a_clear_step_failure(
    dask_executor, tmp_path, monkeypatch
):
    # The kernelspec exists here (validation passes) but not on the workers.
    spec = tmp_path / "jupyter" / "kernels" / "only-here"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "Only here", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    write_notebook(tmp_path / "nb.ipynb", "print('never')")
    document = {"version": 1, "steps": [{"id": "a", "notebook": "nb.ipynb", "kernel": "only-here"}]}
    (tmp_path / "k.pipeline.json").write_text(json.dumps(document))
    manager = _manager(tmp_path, dask_executor, [])
    try:
        done = manager.wait(manager.start("k.pipeline.json").run_id, timeout=60)
        error = done.steps["a"].attempts[-1].error
        assert statuses(done) == {"a": "failed"}
        assert error is not None and error.name == "NoSuchKernel"
        assert "kernel 'only-here' is not installed" in error.message
        assert "on Dask worker tcp://127.0.0.1:" in error.message
    finally:
        manager.shutdown()
