"""The jobs REST API on a live Jupyter server: create, list, read, pause, change, delete, run and
cancel jobs; bad input answered 400 naming the field with nothing stored; the server's scheduler
loop fires a due job under a controlled clock, once even beside another scheduler, and stops
with the extension."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fake_executor import FakeExecutor
from server_support import call, files_under, wait_for_run, write_pipeline

from runnable_jupyter.jobs.scheduler import Scheduler
from runnable_jupyter.jobs.service import JobService
from runnable_jupyter.runs.manager import RunManager
from runnable_jupyter.server.jobs_handlers import SCHEDULER_SETTING

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def jp_server_config(jp_server_config):  # type: ignore[no-untyped-def]
    return jp_server_config | {"RunnableJupyterApp": {"job_max_grid_size": 6}}


async def runs_of_job(jp_fetch: Any, pipeline: str, job: str, count: int) -> list[dict[str, Any]]:
    """The job's runs once there are `count` of them, all finished."""
    give_up = time.monotonic() + 90
    while True:
        code, page = await call(jp_fetch, "GET", "runs", params={"pipeline": pipeline, "job": job})
        assert code == 200, page
        if len(page["runs"]) == count:
            return [await wait_for_run(jp_fetch, run["run_id"]) for run in page["runs"]]
        assert time.monotonic() < give_up, page
        await asyncio.sleep(0.2)


async def patch(jp_fetch: Any, job: str, pipeline: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = await jp_fetch(
        "runnable-jupyter",
        "api",
        "jobs",
        job,
        method="PATCH",
        body=json.dumps(body),
        params={"pipeline": pipeline},
        raise_error=False,
    )
    return response.code, json.loads(response.body)


async def test_a_job_is_created_listed_changed_run_and_deleted(
    jp_fetch: Any, jp_root_dir: Path, borrowed_pool: object
) -> None:
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    body = {"pipeline": pipeline, "name": "sweep", "grid": {"sleep": [0, 0.1]}}
    code, view = await call(jp_fetch, "POST", "jobs", body=body)
    assert code == 201, view
    assert view["id"] == "sweep" and view["file"] == "p.jobs/sweep.job.json"
    assert view["grid_size"] == 2 and view["next_run"] is None
    assert (jp_root_dir / "p.jobs" / "sweep.job.json").is_file()
    code, again = await call(jp_fetch, "POST", "jobs", body=body)
    assert (code, again["error"]["code"]) == (409, "job_exists")

    code, listing = await call(jp_fetch, "GET", "jobs", params={"pipeline": pipeline})
    assert code == 200 and [job["id"] for job in listing["jobs"]] == ["sweep"]
    code, paused = await patch(jp_fetch, "sweep", pipeline, {"paused": True})
    assert code == 200 and paused["paused"] is True
    code, changed = await patch(
        jp_fetch, "sweep", pipeline, {"schedule": {"cron": "0 3 * * *"}, "paused": False}
    )
    assert code == 200 and changed["next_run"].endswith("T03:00:00Z")

    code, started = await call(
        jp_fetch, "POST", "jobs", "sweep", "run", params={"pipeline": pipeline}
    )
    assert code == 202, started
    assert started["points"] == 2 and len(started["runs"]) >= 1
    runs = await runs_of_job(jp_fetch, pipeline, "sweep", 2)
    assert {run["status"] for run in runs} == {"succeeded"}
    assert sorted(run["job"]["grid_point"]["sleep"] for run in runs) == [0, 0.1]
    assert {run["job"]["job_run"] for run in runs} == {started["job_run"]}
    code, page = await call(jp_fetch, "GET", "runs", params={"pipeline": pipeline, "job": "sweep"})
    assert all(summary["job"]["id"] == "sweep" for summary in page["runs"])

    code, read = await call(jp_fetch, "GET", "jobs", "sweep", params={"pipeline": pipeline})
    assert code == 200 and read["job_runs"][0]["counts"] == {"succeeded": 2}
    response = await jp_fetch(
        "runnable-jupyter", "api", "jobs", "sweep", method="DELETE", params={"pipeline": pipeline}
    )
    assert response.code == 200
    code, gone = await call(jp_fetch, "GET", "jobs", "sweep", params={"pipeline": pipeline})
    assert (code, gone["error"]["code"]) == (404, "job_not_found")


@pytest.mark.parametrize(
    ("fields", "status", "code", "pointer"),
    [
        ({"schedule": {"cron": "every day"}}, 400, "job_invalid", "/schedule/cron"),
        (
            {"schedule": {"cron": "0 3 * * *", "timezone": "Atlantis"}},
            400,
            "job_invalid",
            "/schedule/timezone",
        ),
        ({"grid": []}, 400, "job_invalid", "/grid"),
        ({"grid": {"a": [1, 2, 3], "b": [1, 2, 3]}}, 400, "job_invalid", "/grid"),
        ({"parameters": {"not ok": 1}}, 400, "job_invalid", "/parameters/not ok"),
        ({"name": "../escape"}, 400, "bad_request", None),
        ({"grdi": {}}, 400, "bad_request", None),
        ({"pipeline": "missing.pipeline.json"}, 404, "pipeline_not_found", None),
        ({"pipeline": "../out.pipeline.json"}, 403, "path_outside_root", None),
    ],
)
async def test_bad_jobs_are_refused_naming_the_field_and_nothing_is_stored(
    jp_fetch: Any,
    jp_root_dir: Path,
    fields: dict[str, Any],
    status: int,
    code: str,
    pointer: str | None,
) -> None:
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    before = files_under(jp_root_dir)
    answer_code, answer = await call(
        jp_fetch, "POST", "jobs", body={"pipeline": pipeline, "name": "bad"} | fields
    )
    assert (answer_code, answer["error"]["code"]) == (status, code), answer
    if pointer is not None:
        assert [p["pointer"] for p in answer["error"]["details"]] == [pointer]
    assert files_under(jp_root_dir) == before


async def test_cancelling_a_job_cancels_its_runs(
    jp_fetch: Any, jp_root_dir: Path, borrowed_pool: object
) -> None:
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    body = {"pipeline": pipeline, "name": "slow", "grid": {"sleep": [30, 31, 32]}}
    code, _ = await call(jp_fetch, "POST", "jobs", body={**body, "max_parallel_runs": 1})
    assert code == 201
    query = {"pipeline": pipeline}
    code, started = await call(jp_fetch, "POST", "jobs", "slow", "run", params=query)
    assert code == 202
    code, twice = await call(jp_fetch, "POST", "jobs", "slow", "run", params=query)
    assert (code, twice["error"]["code"]) == (409, "run_in_progress")
    code, cancelled = await call(jp_fetch, "POST", "jobs", "slow", "cancel", params=query)
    assert code == 202 and cancelled["job_run"] == started["job_run"]
    [run] = await runs_of_job(jp_fetch, pipeline, "slow", 1)
    assert run["status"] == "cancelled"


async def test_the_server_scheduler_fires_a_due_job_once_and_stops_with_the_extension(
    jp_fetch: Any, jp_root_dir: Path, jp_serverapp: Any, borrowed_pool: object
) -> None:
    loop = jp_serverapp.web_app.settings[SCHEDULER_SETTING]
    now = datetime.now(timezone.utc)
    due = now.replace(hour=3, minute=0, second=0, microsecond=0) + timedelta(days=1)
    loop.scheduler.clock = lambda: due + timedelta(seconds=2)  # the server's scheduler clock
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    body = {"pipeline": pipeline, "name": "nightly", "schedule": {"cron": "0 3 * * *"}}
    assert (await call(jp_fetch, "POST", "jobs", body=body))[0] == 201
    ticks = loop.ticks
    loop.wake()
    assert await asyncio.to_thread(loop.wait_for_tick, ticks, 30)
    [run] = await runs_of_job(jp_fetch, pipeline, "nightly", 1)
    assert run["status"] == "succeeded" and run["job"]["due"] == due.isoformat().replace(
        "+00:00", "Z"
    )

    # A second scheduler (the CLI's, say) at the same time finds the due time settled.
    other = RunManager(root=jp_root_dir, executor=FakeExecutor())
    try:
        other_jobs = JobService(other, clock=loop.scheduler.clock)
        assert Scheduler(other_jobs, clock=loop.scheduler.clock).tick() == []
    finally:
        other.shutdown()

    [extension] = jp_serverapp.extension_manager.extension_apps["runnable_jupyter"]
    await extension.stop_extension()
    assert loop.stopped
    assert not [t for t in threading.enumerate() if t.name == "runnable-scheduler"]
