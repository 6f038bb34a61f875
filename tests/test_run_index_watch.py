"""Runs other processes drive reach the server's clients: `IndexWatcher` turns changes in the
watched pipelines' run indexes into run events (new runs, status and step-count changes, a
failed run naming its failed steps), never for runs this process drives, never twice for a run's
end, and stops watching a pipeline nobody lists any more. With a server up, a run and a retry
made by the CLI produce events and appear in `GET runs`."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import kernel_processes
from server_support import call, record_run, wait_without_kernels, write_pipeline

from runnable_jupyter.runlog.models import RunStatus, StepStatus
from runnable_jupyter.runlog.store import RunStore
from runnable_jupyter.runs.events import RunEvent
from runnable_jupyter.runs.index_watch import IndexWatcher
from runnable_jupyter.runs.locations import Locations
from runnable_jupyter.server.events import RUN_STATUS_SCHEMA_ID

REPO = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def watcher_of(
    root: Path, driven: set[str] | None = None
) -> tuple[IndexWatcher, list[RunEvent], Clock]:
    events: list[RunEvent] = []
    clock = Clock()
    watcher = IndexWatcher(
        Locations(root, None, None),
        drives=lambda run_id: run_id in (driven or set()),
        emit=events.append,
        keep_s=60,
        clock=clock,
    )
    return watcher, events, clock


def test_a_new_run_and_its_changes_become_run_events(tmp_path: Path) -> None:
    pipeline = write_pipeline(tmp_path, {"a": {}}, folder="sub")
    earlier = record_run(tmp_path, pipeline, StepStatus.succeeded)
    watcher, events, _ = watcher_of(tmp_path)
    watcher.watch(pipeline)
    assert watcher.poll() == 0 and events == []  # runs before the watch are known, not news

    log = record_run(tmp_path, pipeline, StepStatus.succeeded)
    store = RunStore(tmp_path / "sub" / "p.runs")
    log.status, log.end = RunStatus.running, None
    store.save(log)
    assert watcher.poll() == 1
    assert (events[-1].kind, events[-1].pipeline, events[-1].run_id, events[-1].status) == (
        "run",
        "sub/p.pipeline.json",
        log.run_id,
        "running",
    )
    assert watcher.poll() == 0  # nothing changed

    log.steps["a"].status = StepStatus.failed  # a step count changed: worth a refresh
    store.save(log)
    assert watcher.poll() == 1 and events[-1].status == "running"

    log.status = RunStatus.failed
    store.save(log)
    assert watcher.poll() == 1
    assert events[-1].status == "failed" and events[-1].error_message == "failed steps: a"
    assert earlier.run_id not in {event.run_id for event in events}


def test_runs_driven_here_and_ends_already_announced_send_nothing(tmp_path: Path) -> None:
    pipeline = write_pipeline(tmp_path, {"a": {}})
    driven: set[str] = set()
    watcher, events, _ = watcher_of(tmp_path, driven)
    watcher.watch(pipeline)

    log = record_run(tmp_path, pipeline, StepStatus.succeeded)  # driven here while it ran...
    driven.add(log.run_id)
    assert watcher.poll() == 0
    # ... its manager announced its end, then let it go: the end is not announced again.
    watcher.note(RunEvent("run", pipeline, log.run_id, status="succeeded"))
    driven.clear()
    log.steps["a"].status = StepStatus.failed
    RunStore(tmp_path / "p.runs").save(log)
    assert watcher.poll() == 0 and events == []

    # A retry from elsewhere is news again, up to its end.
    log.status = RunStatus.running
    RunStore(tmp_path / "p.runs").save(log)
    assert watcher.poll() == 1 and events[-1].status == "running"
    log.status = RunStatus.succeeded
    RunStore(tmp_path / "p.runs").save(log)
    assert watcher.poll() == 1 and events[-1].status == "succeeded"


def test_the_first_run_of_a_pipeline_is_news_and_watching_ends(tmp_path: Path) -> None:
    pipeline = write_pipeline(tmp_path, {"a": {}})
    watcher, events, clock = watcher_of(tmp_path)
    watcher.watch(pipeline)  # no runs folder yet
    record_run(tmp_path, pipeline, StepStatus.succeeded)
    assert watcher.poll() == 1 and events[-1].status == "succeeded"

    clock.now += 61  # nobody listed the runs for longer than keep_s
    record_run(tmp_path, pipeline, StepStatus.succeeded)
    assert watcher.poll() == 0 and watcher.watched() == []


# --- with a server up ---------------------------------------------------------------------------


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "runnable_jupyter.cli", *args, "--root", str(root)]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=180)


@pytest.mark.timeout(240)
async def test_a_cli_run_and_its_retry_reach_the_server_s_clients(
    jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path
) -> None:
    assert not kernel_processes(), "kernels were already running before this test"
    received: list[dict[str, Any]] = []

    async def listener(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        received.append(dict(data))

    jp_serverapp.event_logger.add_listener(schema_id=RUN_STATUS_SCHEMA_ID, listener=listener)
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    (jp_root_dir / "a.fail").touch()
    code, answer = await call(jp_fetch, "GET", "runs", params={"pipeline": pipeline})
    assert code == 200 and answer["runs"] == []  # the panel lists the runs: they are watched

    done = await asyncio.to_thread(cli, jp_root_dir, "run", pipeline)
    assert done.returncode == 1, done.stderr
    await wait_for(lambda: any(e["status"] == "failed" for e in received))
    run_id = received[-1]["run_id"]
    assert received[-1]["kind"] == "run" and received[-1]["pipeline"] == pipeline
    assert received[-1]["error_message"] == "failed steps: a"

    (jp_root_dir / "a.fail").unlink()
    done = await asyncio.to_thread(cli, jp_root_dir, "retry", pipeline, run_id)
    assert done.returncode == 0, done.stdout + done.stderr
    await wait_for(lambda: received[-1]["status"] == "succeeded")
    assert [e["run_id"] for e in received] == [run_id] * len(received)
    code, answer = await call(jp_fetch, "GET", "runs", params={"pipeline": pipeline})
    assert [(run["run_id"], run["status"]) for run in answer["runs"]] == [(run_id, "succeeded")]
    assert not wait_without_kernels()


async def wait_for(condition: Any, deadline_s: float = 10.0) -> None:
    give_up = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < give_up, "the server sent no such event"
        await asyncio.sleep(0.1)
