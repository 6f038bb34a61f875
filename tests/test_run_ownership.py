"""One live owner per run: a run driven by another process (a CLI run) is neither marked
interrupted nor retried by this one, and once its owner dies (`kill -9`) it shows as
`interrupted` wherever it is looked at, and can be retried."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from helpers import kernel_processes, wait_until, write_notebook, write_step_pipeline

from runnable_jupyter.errors import RunInProgress
from runnable_jupyter.runlog.models import RunStatus
from runnable_jupyter.runs.manager import RunManager

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def cli_run(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """`runnable-jupyter run` of a one-step pipeline whose step sleeps, in its own session."""
    pipeline = write_step_pipeline(
        tmp_path,
        {"a": {}},
        lambda path: write_notebook(
            path, "import time\ntime.sleep(sleep)", parameters="sleep = 60"
        ),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "runnable_jupyter.cli", "run", pipeline],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    runs = tmp_path / "p.runs"
    wait_until(lambda: any(_status(d) == "running" for d in _run_dirs(runs)), timeout=60)
    yield process, runs
    _kill_session(process)


def _run_dirs(runs: Path) -> list[Path]:
    return [d for d in runs.iterdir() if (d / "run.json").is_file()] if runs.is_dir() else []


def _status(run_dir: Path) -> str | None:
    try:
        return json.loads((run_dir / "run.json").read_text())["status"]
    except (OSError, ValueError):
        return None


def _kill_session(process: subprocess.Popen[str]) -> None:
    """SIGKILL the CLI and everything of its session (workers, kernels): nothing left behind."""
    members = [p for p in psutil.process_iter(["pid"]) if _session_of(p.pid) == process.pid]
    for member in members:
        try:
            member.kill()
        except psutil.Error:
            pass
    process.wait(10)
    psutil.wait_procs(members, timeout=10)


def _session_of(pid: int) -> int | None:
    try:
        return os.getsid(pid)
    except OSError:
        return None


def test_a_run_another_process_drives_is_left_alone_and_cannot_be_retried_here(
    cli_run, tmp_path: Path
) -> None:
    _, runs = cli_run
    [run_dir] = _run_dirs(runs)
    manager = RunManager(root=tmp_path)  # as a server starting while the CLI runs
    try:
        assert manager.mark_interrupted() == []
        assert _status(run_dir) == "running"
        assert manager.get(run_dir.name).status == RunStatus.running
        with pytest.raises(RunInProgress, match=r"being run by process \d+ on "):
            manager.retry(run_dir.name, force=True)
    finally:
        manager.shutdown()
    assert _status(run_dir) == "running"


def test_a_run_whose_owner_was_killed_shows_as_interrupted_and_can_be_retried(
    cli_run, tmp_path: Path
) -> None:
    process, runs = cli_run
    [run_dir] = _run_dirs(runs)
    process.send_signal(signal.SIGKILL)  # the CLI dies at once; its session is killed below
    _kill_session(process)
    assert _status(run_dir) == "running"  # what the dead owner left on disk

    manager = RunManager(root=tmp_path)
    try:
        assert manager.get(run_dir.name).status == RunStatus.interrupted
        assert [run.status for run in manager.list_runs("p.pipeline.json").runs] == [
            RunStatus.interrupted
        ]
        retried = manager.retry(run_dir.name)
        assert retried.status in (RunStatus.pending, RunStatus.running)
        manager.cancel(run_dir.name)
        assert manager.wait(run_dir.name, timeout=60).status == RunStatus.cancelled
    finally:
        manager.shutdown()
    assert kernel_processes() == []
