"""The Dask executor with a `LocalCluster`: started by the executor itself (and stopped with
it), or the server's configured scheduler (`RunnableJupyterApp.executor = "dask"`); how the
executor is chosen and refused; the local path never imports dask.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from example_stand_ins import STEPS, write_light_notebooks
from helpers import statuses
from server_support import call, wait_for_run, wait_without_kernels, write_pipeline
from traitlets import TraitError

from runnable_jupyter.cli import main
from runnable_jupyter.cli.arguments import build_parser
from runnable_jupyter.executors import dask_cluster
from runnable_jupyter.executors.choice import make_executor
from runnable_jupyter.executors.dask_executor import DaskExecutor
from runnable_jupyter.executors.dask_task import TOPIC
from runnable_jupyter.runs.manager import RunManager
from runnable_jupyter.server.app import RunnableJupyterApp

distributed = pytest.importorskip("distributed")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE_LEFTOVERS = shutil.ignore_patterns("*.runs", "*.catalog", "*.jobs", "__pycache__")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[Any]:
    """A LocalCluster of one single-threaded worker process, and a client to inspect it."""
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, host="127.0.0.1", dashboard_address=":0"
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()
    assert wait_without_kernels() == []


@pytest.fixture
def jp_server_config(jp_server_config, scheduler):  # type: ignore[no-untyped-def]
    return {
        "ServerApp": {"jpserver_extensions": {"runnable_jupyter": True}},
        "RunnableJupyterApp": {
            "executor": "dask",
            "dask_scheduler_address": scheduler.scheduler.address,
        },
    }


def _started_runs(client: Any) -> set[str]:
    return {str(m["key"]) for _, m in client.get_events(TOPIC) if m.get("kind") == "started"}


async def test_the_server_runs_steps_on_the_configured_dask_scheduler(
    jp_serverapp, jp_fetch, jp_root_dir, scheduler
):
    extension = jp_serverapp.web_app.settings["runnable_jupyter"]
    assert isinstance(extension.step_executor, DaskExecutor)
    assert extension.step_executor.scheduler_address == scheduler.scheduler.address
    # The example's pipeline file, with stand-ins for its notebooks: the configured scheduler is
    # this test's point; test_dask_executor.py runs the real notebooks on a Dask cluster.
    shutil.copytree(EXAMPLES, jp_root_dir, dirs_exist_ok=True, ignore=EXAMPLE_LEFTOVERS)
    write_light_notebooks(jp_root_dir)
    code, body = await call(jp_fetch, "POST", "runs", body={"pipeline": "wine.pipeline.json"})
    assert code == 202, body
    log = await wait_for_run(jp_fetch, body["run_id"], deadline_s=300)
    outcome = {step: record["status"] for step, record in log["steps"].items()}
    assert outcome == dict.fromkeys(STEPS, "succeeded"), outcome
    started = [key for key in _started_runs(scheduler) if body["run_id"] in key]
    assert len(started) == len(log["steps"])  # every step was a task on the configured cluster
    summary = json.loads((jp_root_dir / "wine.catalog" / "summary.json").read_text())
    assert summary == {"best_model": "forest"}  # the tasks' catalog entries reached each other


def test_without_an_address_the_executor_starts_a_local_cluster_and_stops_it(tmp_path):
    before = {p.pid for p in _children()}
    (tmp_path / "nb.ipynb").write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "metadata": {},
                        "source": "import os\nprint(os.getpid())",
                        "outputs": [],
                        "execution_count": None,
                    }
                ],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    steps = [{"id": s, "notebook": "nb.ipynb"} for s in ("a", "b")]
    (tmp_path / "p.pipeline.json").write_text(json.dumps({"version": 1, "steps": steps}))
    executor = DaskExecutor(n_workers=2)
    manager = RunManager(root=tmp_path, executor=executor)
    try:
        done = manager.wait(manager.start("p.pipeline.json").run_id, timeout=180)
        assert statuses(done) == {"a": "succeeded", "b": "succeeded"}
        workers = [p for p in _children(before) if " ".join(p.cmdline()).startswith("dask worker")]
        assert len(workers) == 2  # the cluster's worker processes, started for this executor
    finally:
        manager.shutdown()
        executor.shutdown()
    deadline = time.monotonic() + 20
    while (left := _children(before)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left == []


def _children(known: set[int] | None = None) -> list[psutil.Process]:
    """Live processes under this one (not in `known`), but multiprocessing's resource tracker,
    which lives as long as this process."""
    found = []
    for process in psutil.Process().children(recursive=True):
        try:
            if process.pid in (known or ()) or process.status() == psutil.STATUS_ZOMBIE:
                continue
            if "resource_tracker" not in " ".join(process.cmdline()):
                found.append(process)
        except psutil.Error:
            continue
    return found


class RecordingExecutor:
    """An Executor class named by an import string: made with max_workers=N."""

    def __init__(self, max_workers: int) -> None:
        self.max_workers = max_workers

    def submit(self, job: Any, on_progress: Any) -> Any:
        raise NotImplementedError

    def cancel(self, run_id: str, step_id: str) -> None: ...

    def reserve(self, parallel: int) -> None: ...

    def shutdown(self) -> None: ...


def test_the_executor_option_takes_local_dask_or_an_executor_class():
    assert make_executor("local", max_workers=2) is None  # the manager's own pool
    made = make_executor("test_dask_local_cluster:RecordingExecutor", max_workers=3)
    assert isinstance(made, RecordingExecutor) and made.max_workers == 3
    assert RunnableJupyterApp(executor="test_dask_local_cluster.RecordingExecutor").executor
    with pytest.raises(TraitError, match="executor: executor 'threads' is neither 'local'"):
        RunnableJupyterApp(executor="threads")
    with pytest.raises(TraitError, match="cannot be imported: No module named 'nowhere'"):
        RunnableJupyterApp(executor="nowhere:Executor")
    with pytest.raises(TraitError, match="not an Executor class .*missing: submit"):
        RunnableJupyterApp(executor="pathlib:Path")
    with pytest.raises(TraitError, match="'localhost' is not a Dask scheduler address"):
        RunnableJupyterApp(dask_scheduler_address="localhost")


def test_the_local_path_never_imports_dask():
    code = (
        "import sys\n"
        "from runnable_jupyter.cli import main\n"
        "import runnable_jupyter.server.app, runnable_jupyter.runs.manager\n"
        "from runnable_jupyter.executors.choice import make_executor\n"
        "make_executor('local', max_workers=1)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed'))\n"
        "print(loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_malformed_scheduler_address_exits_2(tmp_path, capsys):
    pipeline = write_pipeline(tmp_path, {"a": {}})
    with pytest.raises(SystemExit) as exited:
        main(
            [
                "--root",
                str(tmp_path),
                "run",
                str(tmp_path / pipeline),
                "--executor",
                "dask",
                "--scheduler-address",
                "nowhere",
            ]
        )
    assert exited.value.code == 2
    assert "'nowhere' is not a Dask scheduler address: write tcp://HOST:PORT" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "p.runs").exists()


def test_a_scheduler_address_without_the_dask_executor_exits_2(tmp_path, capsys):
    pipeline = write_pipeline(tmp_path, {"a": {}})
    argv = ["--root", str(tmp_path), "run", str(tmp_path / pipeline)]
    assert main([*argv, "--scheduler-address", "tcp://127.0.0.1:8786"]) == 2
    assert "--scheduler-address tcp://127.0.0.1:8786 needs --executor dask" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "p.runs").exists()


@pytest.mark.parametrize(
    "command", [["retry", "p.pipeline.json"], ["rerun", "p.pipeline.json", "R"]]
)
def test_retry_and_rerun_take_the_executor_options(command):
    address = "tcp://10.0.0.5:8786"
    args = build_parser().parse_args(
        [*command, "--executor", "dask", "--scheduler-address", address]
    )
    assert (args.executor, args.scheduler_address) == ("dask", address)
    assert build_parser().parse_args(command).executor == "local"  # the default


def test_an_unreachable_scheduler_fails_the_steps_saying_where(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(dask_cluster, "CONNECT_TIMEOUT_S", 1.0)
    pipeline = write_pipeline(tmp_path, {"a": {}, "b": {}})
    code = main(
        [
            "--root",
            str(tmp_path),
            "run",
            str(tmp_path / pipeline),
            "--executor",
            "dask",
            "--scheduler-address",
            "tcp://127.0.0.1:9",
        ]
    )
    assert code == 1
    run_dir = next((tmp_path / "p.runs").glob("2*"))
    log = json.loads((run_dir / "run.json").read_text())
    for step in ("a", "b"):
        error = log["steps"][step]["attempts"][-1]["error"]
        assert error["name"] == "SchedulerUnreachable"
        assert "could not connect to the Dask scheduler at tcp://127.0.0.1:9" in error["message"]
