"""`runnable-jupyter job ...` and `runnable-jupyter scheduler` as users type them.

A 2×2 sweep of a one-step pipeline runs for real (the module's two warm workers, borrowed),
its runs are listed with their grid points and compared; bad input exits 2 naming the field and
stores nothing; the scheduler command fires a due job under a controlled clock and stops on
SIGTERM, cancelling its run and leaving no kernel; as a process it stops cleanly on SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import kernel_processes, wait_until, write_notebook

from runnable_jupyter.cli import main
from runnable_jupyter.cli import scheduler as cli_scheduler
from runnable_jupyter.runlog.models import RunStatus
from runnable_jupyter.runs.manager import RunManager

pytestmark = pytest.mark.timeout(240)

REPO = Path(__file__).resolve().parents[1]
PIPELINE = "train.pipeline.json"


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`train` logs a score from alpha and depth, sleeps `nap`, fails when `fail` is true; the
    current folder."""
    monkeypatch.chdir(tmp_path)
    write_notebook(
        tmp_path / "train.ipynb",
        "import time\nfrom runnable_jupyter import metrics\n"
        "metrics.log('score', alpha * depth)\ntime.sleep(nap)\n"
        "assert not fail, 'failed on purpose'",
        parameters="alpha = 0.0\ndepth = 1\nnap = 0\nfail = False",
    )
    document = {"version": 1, "steps": [{"id": "train", "notebook": "train.ipynb"}]}
    (tmp_path / PIPELINE).write_text(json.dumps(document))
    return tmp_path


def cli(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def test_a_2x2_sweep_runs_is_listed_with_its_grid_points_and_compared(
    ws: Path, borrowed_pool: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(ws, "job", "create", PIPELINE, "sweep", "--grid", "alpha=0.1,1") == 0
    capsys.readouterr()
    assert cli(ws, "job", "delete", PIPELINE, "sweep") == 0
    created = ["job", "create", PIPELINE, "sweep", "--grid", "alpha=0.1,1", "--grid", "depth=3,5"]
    assert cli(ws, *created, "-p", "nap=0") == 0
    assert "4 runs (alpha × depth)" in capsys.readouterr().out
    assert cli(ws, "job", "run", PIPELINE, "sweep") == 0
    out = capsys.readouterr().out
    assert "4 run(s)" in out and out.count(": succeeded") == 4
    assert "alpha=0.1 depth=5" in out and f"compare {PIPELINE} --job sweep" in out

    assert cli(ws, "runs", PIPELINE, "--job", "sweep") == 0
    listing = capsys.readouterr().out
    for point in ("alpha=0.1 depth=3", "alpha=0.1 depth=5", "alpha=1 depth=3", "alpha=1 depth=5"):
        assert f"sweep: {point}" in listing
    assert cli(ws, "runs", PIPELINE, "--job", "other") == 0
    assert "no runs of job other" in capsys.readouterr().out

    assert cli(ws, "compare", PIPELINE, "--job", "sweep", "--json") == 0
    comparison = json.loads(capsys.readouterr().out)
    assert len(comparison["runs"]) == 4 and set(comparison["parameters"]) == {"alpha", "depth"}
    scores = sorted(m["value"] for m in comparison["metrics"]["train.score"].values())
    assert scores == [0.30000000000000004, 0.5, 3, 5]

    assert cli(ws, "job", "list", PIPELINE, "--json") == 0
    [view] = json.loads(capsys.readouterr().out)["jobs"]
    assert view["job_runs"][0]["counts"] == {"succeeded": 4}


def test_job_run_exits_1_when_a_run_failed(
    ws: Path, borrowed_pool: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(ws, "job", "create", PIPELINE, "flaky", "--grid", "fail=false,true") == 0
    assert cli(ws, "job", "run", PIPELINE, "flaky") == 1
    out = capsys.readouterr().out
    assert "fail=false: succeeded" in out and "fail=true: failed" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--cron", "61 * * * *"], "/schedule/cron: '61 * * * *' is not a cron expression"),
        (["--cron", "0 3 * * *", "--tz", "Nowhere/Land"], "/schedule/timezone: 'Nowhere/Land'"),
        (["--grid", "alpha="], "/grid: grid parameter 'alpha' has no values"),
        (["--grid", "a=1,2,3", "--grid", "b=1,2", "--max-grid", "5"], "makes 6 runs (3 × 2)"),
        (["--grid", "my-alpha=1,2"], "/grid/my-alpha: parameter name 'my-alpha'"),
        (["--grid", "alpha"], "--grid 'alpha' is not NAME=V1,V2,..."),
        (["--tz", "UTC"], "--tz and --missed are about a schedule"),
        (["--step", "nope"], "/steps/0: unknown step 'nope'"),
    ],
)
def test_bad_job_options_exit_2_naming_the_field_and_store_nothing(
    ws: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    before = files_under(ws)
    assert cli(ws, "job", "create", PIPELINE, "bad", *args) == 2
    captured = capsys.readouterr()
    assert words in captured.err and "Traceback" not in captured.err
    assert files_under(ws) == before


def test_listing_pausing_resuming_and_deleting_jobs(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(ws, "job", "list", PIPELINE) == 0
    assert "has no jobs yet" in capsys.readouterr().out
    grid = ws / "grid.json"
    grid.write_text(json.dumps([{"alpha": 0.5}, {"alpha": 2, "depth": 4}]))
    nightly = ["--cron", "0 3 * * *", "--tz", "Europe/Paris", "--missed", "run_once"]
    assert cli(ws, "job", "create", PIPELINE, "nightly", "--grid-file", str(grid), *nightly) == 0
    assert json.loads((ws / "train.jobs" / "nightly.job.json").read_text())["schedule"] == {
        "cron": "0 3 * * *",
        "timezone": "Europe/Paris",
        "missed": "run_once",
    }
    capsys.readouterr()
    assert cli(ws, "job", "list", PIPELINE) == 0
    table = capsys.readouterr().out
    assert "nightly" in table and "0 3 * * * Europe/Paris (run_once)" in table
    assert "active" in table
    assert cli(ws, "job", "pause", PIPELINE, "nightly") == 0
    assert "paused" in capsys.readouterr().out
    assert cli(ws, "job", "list", PIPELINE, "--json") == 0
    [view] = json.loads(capsys.readouterr().out)["jobs"]
    assert view["paused"] is True and view["next_run"] is None
    assert cli(ws, "job", "resume", PIPELINE, "nightly") == 0
    assert "next " in capsys.readouterr().out
    assert cli(ws, "job", "delete", PIPELINE, "nightly") == 0
    assert cli(ws, "job", "delete", PIPELINE, "nightly") == 2
    assert "has no job 'nightly'" in capsys.readouterr().err


def test_the_scheduler_command_fires_a_due_job_on_time_and_stops_on_sigterm(
    ws: Path,
    borrowed_pool: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli(ws, "job", "create", PIPELINE, "nightly", "--cron", "0 3 * * *", "-p", "nap=60") == 0
    now = datetime.now(timezone.utc)
    due = now.replace(hour=3, minute=0, second=0, microsecond=0)
    due += timedelta(days=1) if due <= now else timedelta()
    monkeypatch.setattr(cli_scheduler, "clock", lambda: due + timedelta(seconds=5))
    manager = RunManager(root=ws)

    def running() -> bool:
        runs = manager.list_runs(PIPELINE, job="nightly").runs
        return bool(runs) and runs[0].status == RunStatus.running

    waited: list[str] = []

    def stop_when_running() -> None:
        try:
            wait_until(running, timeout=90)
        except AssertionError:
            waited.append("the job's run never ran")
        finally:  # handled by the scheduler command, in the main thread
            os.kill(os.getpid(), signal.SIGTERM)

    stopper = threading.Thread(target=stop_when_running)
    stopper.start()
    assert cli(ws, "scheduler", "--interval", "3600") == 0
    stopper.join(10)
    out = capsys.readouterr().out
    assert not waited, out
    assert "job nightly of train.pipeline.json, due" in out and "started" in out
    assert "scheduler: stopped" in out
    [run] = manager.list_runs(PIPELINE, job="nightly").runs
    assert run.status == RunStatus.cancelled and run.job is not None and run.job.due == due
    wait_until(lambda: not kernel_processes(), timeout=20)
    state = json.loads((ws / "train.jobs" / ".state" / "nightly.json").read_text())
    assert datetime.fromisoformat(state["last_due"].replace("Z", "+00:00")) == due


def test_the_scheduler_process_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "runnable_jupyter.cli", "--root", str(tmp_path), "scheduler"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline().decode()
        assert first.startswith("scheduler: running the scheduled jobs under"), first
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    assert process.returncode == 0, err.decode()
    assert b"scheduler: stopped" in out and not err.strip()
