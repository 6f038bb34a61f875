"""Runs through the REST API with real kernels: subset modes, failure, retry, cancel, events,
shutdown and interruption. Each test gets its own server (pytest-jupyter), whose RunManager is
shut down by the server's cleanup; the module checks that no kernel outlives it. The servers run
their steps in the module's warm pool (`borrowed_pool`), but for the shutdown test's: it shows a
server's own pool stopping with it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import kernel_processes, sha256
from server_support import (
    RUN_DEADLINE_S,
    call,
    wait_for_run,
    wait_for_step,
    wait_without_kernels,
    write_pipeline,
)

from runnable_jupyter.clock import utcnow
from runnable_jupyter.pipeline.graph import Mode
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
from runnable_jupyter.server.events import RUN_STATUS_SCHEMA_ID

pytestmark = pytest.mark.timeout(180)

CHAIN = {"a": {}, "b": {"depends_on": ["a"]}, "c": {"depends_on": ["b"]}}


@pytest.fixture(scope="module", autouse=True)
def no_kernel_outlives_the_tests() -> Iterator[None]:
    assert not kernel_processes(), "kernels were already running before these tests"
    yield
    assert not wait_without_kernels(), "a test left kernel processes behind"


@pytest.fixture
def events(jp_serverapp: Any) -> list[dict[str, Any]]:
    """Every run-status event the server emits during the test, in order."""
    received: list[dict[str, Any]] = []

    async def listener(logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        received.append(dict(data))

    jp_serverapp.event_logger.add_listener(schema_id=RUN_STATUS_SCHEMA_ID, listener=listener)
    return received


async def start(jp_fetch: Any, pipeline: str, **request: Any) -> str:
    code, body = await call(jp_fetch, "POST", "runs", body={"pipeline": pipeline, **request})
    assert code == 202, body
    return str(body["run_id"])


def statuses(log: dict[str, Any]) -> dict[str, str]:
    return {step_id: step["status"] for step_id, step in log["steps"].items()}


async def wait_for_event(events: list[dict[str, Any]], kind: str, status: str) -> None:
    """Events reach listeners through the event loop, a moment after the run log changed."""
    give_up = time.monotonic() + 10
    while not any(e["kind"] == kind and e["status"] == status for e in events):
        assert time.monotonic() < give_up, f"no {kind} event with status {status}: {events}"
        await asyncio.sleep(0.05)


@pytest.mark.usefixtures("borrowed_pool")
async def test_subset_modes_run_the_selected_steps_and_their_closure(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, CHAIN)
    expected = {
        "only": {"a": "not_selected", "b": "succeeded", "c": "not_selected"},
        "upstream": {"a": "succeeded", "b": "succeeded", "c": "not_selected"},
        "downstream": {"a": "not_selected", "b": "succeeded", "c": "succeeded"},
    }
    for mode, outcome in expected.items():
        for step in CHAIN:
            (jp_root_dir / f"{step}.json").unlink(missing_ok=True)
        run_id = await start(jp_fetch, pipeline, steps=["b"], mode=mode, parameters={"x": 1})
        log = await wait_for_run(jp_fetch, run_id)
        assert (log["status"], log["mode"], log["selection"]) == ("succeeded", mode, ["b"])
        assert statuses(log) == outcome, mode
        ran = {step for step in CHAIN if (jp_root_dir / f"{step}.json").exists()}
        assert ran == {s for s, status in outcome.items() if status == "succeeded"}, mode
        assert log["steps"]["b"]["parameters"] == {"name": "b", "x": 1}
    code, listing = await call(jp_fetch, "GET", "runs", params={"pipeline": pipeline})
    assert code == 200
    assert [run["mode"] for run in listing["runs"]] == ["downstream", "upstream", "only"]
    assert listing["runs"][0]["counts"] == {"not_selected": 1, "succeeded": 2}


@pytest.mark.usefixtures("borrowed_pool")
async def test_events_follow_every_status_change_and_agree_with_the_run_log(
    jp_fetch, jp_root_dir, events
):
    pipeline = write_pipeline(jp_root_dir, {"a": {}, "b": {"depends_on": ["a"]}}, folder="sub")
    run_id = await start(jp_fetch, pipeline)
    log = await wait_for_run(jp_fetch, run_id)
    await wait_for_event(events, "run", "succeeded")
    assert {(e["run_id"], e["pipeline"]) for e in events} == {(run_id, "sub/p.pipeline.json")}
    changes = [(e["kind"], e["step_id"], e["status"]) for e in events if e["kind"] != "progress"]
    assert changes == [
        ("run", "", "pending"),
        ("run", "", "running"),
        ("step", "a", "running"),
        ("step", "a", "succeeded"),
        ("step", "b", "running"),
        ("step", "b", "succeeded"),
        ("run", "", "succeeded"),
    ]
    for step in ("a", "b"):  # cell progress comes while the step runs, in order
        kinds = [(e["kind"], e["status"]) for e in events if e["step_id"] == step]
        progress = [e for e in events if e["kind"] == "progress" and e["step_id"] == step]
        assert progress, f"no cell progress for {step}"
        assert kinds[0] == ("step", "running") and kinds[-1] == ("step", "succeeded")
        assert [e["cell"] for e in progress] == sorted(e["cell"] for e in progress)
        assert all(1 <= e["cell"] <= e["cells"] for e in progress)
    assert log["status"] == changes[-1][2]
    assert statuses(log) == {"a": "succeeded", "b": "succeeded"}


@pytest.mark.usefixtures("borrowed_pool")
async def test_run_log_paths_are_relative_to_the_server_root(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, {"a": {}}, folder="sub")
    run_id = await start(jp_fetch, pipeline)
    log = await wait_for_run(jp_fetch, run_id)
    attempt = log["steps"]["a"]["attempts"][0]
    assert log["pipeline"] == "sub/p.pipeline.json"
    assert log["run_dir"] == f"sub/p.runs/{run_id}"
    assert log["catalog_dir"] == "sub/p.catalog"
    assert attempt["output_notebook"] == f"sub/p.runs/{run_id}/a.ipynb"
    assert (jp_root_dir / attempt["output_notebook"]).is_file()  # the UI opens it with this path
    code, chunk = await call(jp_fetch, "GET", "runs", run_id, "steps", "a", "log")
    assert code == 200
    assert chunk == {
        "text": "step a says héllo\n",
        "offset": len("step a says héllo\n".encode()),
        "complete": True,
    }


@pytest.mark.usefixtures("borrowed_pool")
async def test_a_failed_step_fails_the_run_and_retry_runs_only_what_is_left(
    jp_fetch, jp_root_dir, events
):
    pipeline = write_pipeline(jp_root_dir, CHAIN)
    (jp_root_dir / "b.fail").touch()
    run_id = await start(jp_fetch, pipeline)
    log = await wait_for_run(jp_fetch, run_id)
    assert log["status"] == "failed"
    assert statuses(log) == {"a": "succeeded", "b": "failed", "c": "upstream_failed"}
    error = log["steps"]["b"]["attempts"][0]["error"]
    assert error["name"] == "ValueError" and "b failed on purpose" in error["message"]
    await wait_for_event(events, "run", "failed")
    failed = [e for e in events if e["kind"] == "step" and e["status"] == "failed"]
    assert [(e["step_id"], e["error_name"]) for e in failed] == [("b", "ValueError")]
    assert "b failed on purpose" in failed[0]["error_message"]
    assert [e["error_message"] for e in events if e["kind"] == "run"][-1] == "failed steps: b"

    (jp_root_dir / "b.fail").unlink()
    code, body = await call(jp_fetch, "POST", "runs", run_id, "retry", body={})
    assert (code, body) == (202, {"run_id": run_id, "attempt": 2})
    log = await wait_for_run(jp_fetch, run_id)
    assert log["status"] == "succeeded"
    assert statuses(log) == {"a": "succeeded", "b": "succeeded", "c": "succeeded"}
    assert [len(log["steps"][s]["attempts"]) for s in "abc"] == [1, 2, 1]
    assert log["attempts"][1]["steps"] == ["b", "c"]
    code, body = await call(jp_fetch, "POST", "runs", run_id, "retry")
    assert code == 400 and body["error"]["code"] == "bad_request"  # nothing left to retry


@pytest.mark.usefixtures("borrowed_pool")
async def test_skip_unchanged_reuses_the_steps_of_an_earlier_run_without_running_them(
    jp_fetch, jp_root_dir, events
):
    pipeline = write_pipeline(jp_root_dir, {"a": {}, "b": {"depends_on": ["a"]}})
    first = await wait_for_run(jp_fetch, await start(jp_fetch, pipeline))
    assert first["status"] == "succeeded" and first["skip_unchanged"] is False

    run_id = await start(jp_fetch, pipeline, skip_unchanged=True)
    log = await wait_for_run(jp_fetch, run_id)
    assert log["status"] == "succeeded" and log["skip_unchanged"] is True
    assert statuses(log) == {"a": "cached", "b": "cached"}
    for step_id in "ab":
        record = log["steps"][step_id]
        assert record["cached_from"] == {"run_id": first["run_id"], "attempt": 1}
        assert record["fingerprint"] == first["steps"][step_id]["fingerprint"]
        assert record["attempts"][-1]["output_notebook"] is None
    assert not list((jp_root_dir / log["run_dir"]).glob("*.ipynb"))  # no kernel ran
    give_up = time.monotonic() + 10  # events reach listeners a moment after the log changed
    while not any(
        e["run_id"] == run_id and e["kind"] == "run" and e["status"] == "succeeded" for e in events
    ):
        assert time.monotonic() < give_up, events
        await asyncio.sleep(0.05)
    cached = [(e["run_id"], e["step_id"]) for e in events if e["status"] == "cached"]
    assert cached == [(run_id, "a"), (run_id, "b")]


@pytest.mark.usefixtures("borrowed_pool")
async def test_cancel_stops_a_running_run_and_a_start_beyond_the_limit_is_refused(
    jp_fetch, jp_root_dir, jp_serverapp
):
    manager = jp_serverapp.web_app.settings["runnable_jupyter"].run_manager
    manager.max_runs_per_pipeline = 1  # c.RunnableJupyterApp.max_runs_per_pipeline = 1
    pipeline = write_pipeline(
        jp_root_dir, {"slow": {"parameters": {"sleep": 120}}, "after": {"depends_on": ["slow"]}}
    )
    run_id = await start(jp_fetch, pipeline)
    await wait_for_step(jp_fetch, run_id, "slow", "running")

    code, body = await call(jp_fetch, "POST", "runs", body={"pipeline": pipeline})
    assert code == 409
    assert body["error"]["code"] == "run_in_progress"
    assert body["error"]["details"]["run_id"] == run_id and run_id in body["error"]["message"]

    code, body = await call(jp_fetch, "POST", "runs", run_id, "cancel")
    assert (code, body) == (202, {"run_id": run_id})
    log = await wait_for_run(jp_fetch, run_id, deadline_s=30)  # not the step's 120 s
    assert log["status"] == "cancelled"
    assert statuses(log) == {"slow": "cancelled", "after": "cancelled"}
    assert not (jp_root_dir / "after.json").exists()
    assert not wait_without_kernels()


async def test_server_shutdown_cancels_running_runs_and_stops_their_kernels(
    jp_fetch, jp_root_dir, jp_serverapp
):
    pipeline = write_pipeline(jp_root_dir, {"slow": {"parameters": {"sleep": 120}}})
    run_id = await start(jp_fetch, pipeline)
    await wait_for_step(jp_fetch, run_id, "slow", "running")
    give_up = time.monotonic() + RUN_DEADLINE_S
    while not kernel_processes():  # the step is "running" from its submission on
        assert time.monotonic() < give_up, "the step's kernel never started"
        await asyncio.sleep(0.2)
    extension = jp_serverapp.web_app.settings["runnable_jupyter"]
    await asyncio.wait_for(extension.stop_extension(), timeout=60)
    assert not wait_without_kernels()
    saved = RunStore(jp_root_dir / "p.runs").load(run_id)
    assert saved.status == RunStatus.cancelled
    assert saved.steps["slow"].status == StepStatus.cancelled


def write_crashed_run(root: Path) -> str:
    """A run log as a server that died mid-run leaves it: `a` done, `b` still running."""
    pipeline = write_pipeline(root, {"a": {}, "b": {"depends_on": ["a"]}})
    digest = sha256(root / "step.ipynb")
    run_id, started = new_run_id(), utcnow() - timedelta(minutes=5)
    store = RunStore(root / "p.runs")
    run_dir = store.run_dir(run_id)
    log = RunLog(
        run_id=run_id,
        pipeline=pipeline,
        pipeline_sha256=sha256(root / pipeline),
        pipeline_structure={"a": [], "b": ["a"]},
        mode=Mode.all,
        status=RunStatus.running,
        start=started,
        attempts=[RunAttempt(number=1, start=started, steps=["a", "b"])],
        run_dir=str(run_dir),
        catalog_dir=str(root / "p.catalog"),
    )
    for step, status in (("a", StepStatus.succeeded), ("b", StepStatus.running)):
        attempt = Attempt(
            number=1,
            status=status,
            start=started,
            end=started if status == StepStatus.succeeded else None,
            output_notebook=str(run_dir / f"{step}.ipynb"),
            log_file=str(run_dir / f"{step}.log"),
        )
        log.steps[step] = StepRecord(
            id=step,
            notebook="step.ipynb",
            status=status,
            source_sha256=digest,
            kernel="python3",
            parameters={"name": step},
            depends_on=["a"] if step == "b" else [],
            attempts=[attempt],
        )
    store.save(log)
    return run_id


@pytest.fixture
def crashed_run(jp_root_dir: Path) -> str:
    return write_crashed_run(jp_root_dir)


# `crashed_run` comes before `jp_fetch`: the run log exists when the server starts.
@pytest.mark.usefixtures("borrowed_pool")
async def test_runs_left_running_by_a_dead_server_become_interrupted_and_can_be_retried(
    crashed_run, jp_fetch, jp_root_dir
):
    code, log = await call(jp_fetch, "GET", "runs", crashed_run)
    assert code == 200
    assert log["status"] == "interrupted"
    assert statuses(log) == {"a": "succeeded", "b": "cancelled"}
    assert log["steps"]["b"]["attempts"][0]["error"]["name"] == "Interrupted"
    on_disk = json.loads((jp_root_dir / log["run_dir"] / "run.json").read_text())
    assert on_disk["status"] == "interrupted"

    code, body = await call(jp_fetch, "POST", "runs", crashed_run, "retry", body={"force": False})
    assert (code, body) == (202, {"run_id": crashed_run, "attempt": 2})
    log = await wait_for_run(jp_fetch, crashed_run)
    assert log["status"] == "succeeded"
    assert statuses(log) == {"a": "succeeded", "b": "succeeded"}
    assert (jp_root_dir / "b.json").exists() and not (jp_root_dir / "a.json").exists()
