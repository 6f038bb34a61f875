"""Jobs without kernels (fake executor): grids, validation with located messages, job files,
job runs bounded and cancelled, run logs that name their job and grid point."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_executor import FakeExecutor
from helpers import write_notebook, write_step_pipeline

from runnable_jupyter.errors import (
    BadRequest,
    JobExists,
    JobInvalid,
    JobNotFound,
    PipelineInvalid,
    PipelineNotFound,
    RunInProgress,
)
from runnable_jupyter.jobs.grid import grid_points, grid_size, run_parameters
from runnable_jupyter.jobs.service import JobService
from runnable_jupyter.runlog.models import RunLog, RunStatus, RunSummary, StepStatus
from runnable_jupyter.runs.manager import RunManager

pytestmark = pytest.mark.timeout(30)

SWEEP = {"grid": {"alpha": [0.1, 1], "depth": [3, 5]}, "parameters": {"seed": 7}}


def write_pipeline(root: Path, steps: dict[str, dict[str, Any]] | None = None) -> str:
    return write_step_pipeline(
        root,
        steps or {"a": {}},
        lambda path: write_notebook(path, "x = 1", parameters="name = ''\nalpha = 0\ndepth = 0"),
    )


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


@pytest.fixture
def fake() -> FakeExecutor:
    return FakeExecutor()


@pytest.fixture
def manager(tmp_path: Path, fake: FakeExecutor) -> Iterator[RunManager]:
    runs = RunManager(root=tmp_path, executor=fake, max_parallel=2)
    yield runs
    runs.shutdown()


@pytest.fixture
def jobs(manager: RunManager) -> Iterator[JobService]:
    service = JobService(manager, max_grid=10)
    yield service
    service.runner.shutdown()


# --- grids -------------------------------------------------------------------------------------


def test_a_product_of_value_lists_is_every_combination_the_last_name_varying_fastest() -> None:
    grid = {"alpha": [0.1, 1], "depth": [3, 5]}
    assert grid_size(grid) == 4
    assert list(grid_points(grid)) == [
        {"alpha": 0.1, "depth": 3},
        {"alpha": 0.1, "depth": 5},
        {"alpha": 1, "depth": 3},
        {"alpha": 1, "depth": 5},
    ]
    assert grid_size({"a": list(range(1000)), "b": list(range(1000))}) == 1_000_000  # no expansion
    assert list(grid_points([{"a": 1}, {"b": 2}])) == [{"a": 1}, {"b": 2}]
    assert list(grid_points(None)) == [{}] and grid_size(None) == 1
    assert run_parameters({"seed": 7, "alpha": 0}, {"alpha": 1}) == {"seed": 7, "alpha": 1}


# --- bad input: located messages, nothing stored -------------------------------------------------


@pytest.mark.parametrize(
    ("document", "pointer", "words"),
    [
        ({"schedule": {"cron": "61 * * * *"}}, "/schedule/cron", "is not a cron expression"),
        ({"schedule": {"cron": "* * * * * *"}}, "/schedule/cron", "five fields"),
        (
            {"schedule": {"cron": "0 3 * * *", "timezone": "Mars/Olympus"}},
            "/schedule/timezone",
            "not a known time zone",
        ),
        ({"grid": []}, "/grid", "the grid is empty"),
        ({"grid": {}}, "/grid", "the grid is empty"),
        ({"grid": {"alpha": []}}, "/grid", "'alpha' has no values"),
        ({"grid": {"a": [1, 2, 3, 4], "b": [1, 2, 3]}}, "/grid", "makes 12 runs (4 × 3)"),
        ({"grid": [{}] * 11}, "/grid", "more than the 10"),
        ({"grid": {"my-alpha": [1]}}, "/grid/my-alpha", "not a Python identifier"),
        ({"grid": [{"class": 1}]}, "/grid/0/class", "not a Python identifier"),
        ({"parameters": {"2x": 1}}, "/parameters/2x", "not a Python identifier"),
        ({"steps": ["b"]}, "/steps/0", "unknown step 'b'"),
        ({"mode": "only"}, "/mode", "needs at least one step"),
        ({"mode": "sideways"}, "/mode", "sideways"),
        ({"scheduel": {}}, "/scheduel", "did you mean 'schedule'?"),
        ({"schedule": {"cron": "0 3 * * *", "missed": "all"}}, "/schedule/missed", "run_once"),
        ({"version": 99}, "/version", "newer runnable-jupyter"),
    ],
)
def test_bad_jobs_are_refused_naming_the_field_and_nothing_is_stored(
    jobs: JobService, tmp_path: Path, document: dict[str, Any], pointer: str, words: str
) -> None:
    pipeline = write_pipeline(tmp_path)
    before = files_under(tmp_path)
    with pytest.raises(JobInvalid) as refused:
        jobs.create(pipeline, "sweep", document)
    problems = refused.value.details
    assert [p["pointer"] for p in problems] == [pointer], problems
    assert words in problems[0]["message"]
    assert files_under(tmp_path) == before


def test_a_bad_name_a_missing_or_invalid_pipeline_are_refused_and_nothing_is_stored(
    jobs: JobService, tmp_path: Path
) -> None:
    pipeline = write_pipeline(tmp_path)
    (tmp_path / "bad.pipeline.json").write_text('{"version": 1, "steps": [{"id": 1}]}')
    before = files_under(tmp_path)
    with pytest.raises(BadRequest, match="job name 'a b' may contain only"):
        jobs.create(pipeline, "a b", {})
    with pytest.raises(PipelineNotFound, match="missing.pipeline.json not found"):
        jobs.create("missing.pipeline.json", "sweep", {})
    with pytest.raises(PipelineInvalid, match="bad.pipeline.json has"):
        jobs.create("bad.pipeline.json", "sweep", {})
    assert files_under(tmp_path) == before


# --- job files ---------------------------------------------------------------------------------


def test_a_job_is_a_readable_file_beside_its_pipeline_its_state_ignored_by_git(
    jobs: JobService, tmp_path: Path
) -> None:
    pipeline = write_pipeline(tmp_path)
    view = jobs.create(pipeline, "sweep", SWEEP | {"schedule": {"cron": "0 3 * * *"}})
    assert view["file"] == "p.jobs/sweep.job.json" and view["grid_size"] == 4
    assert view["grid_names"] == ["alpha", "depth"] and view["next_run"].endswith("T03:00:00Z")
    text = (tmp_path / "p.jobs" / "sweep.job.json").read_text()
    assert text.endswith("}\n") and '\n  "grid": {' in text
    assert json.loads(text) == {
        "version": 1,
        "parameters": {"seed": 7},
        "grid": {"alpha": [0.1, 1], "depth": [3, 5]},
        "schedule": {"cron": "0 3 * * *"},
    }
    assert (tmp_path / "p.jobs" / ".state" / ".gitignore").read_text().endswith("*\n")
    with pytest.raises(JobExists):
        jobs.create(pipeline, "sweep", {})
    listed = jobs.list(pipeline)
    assert [job["id"] for job in listed["jobs"]] == ["sweep"] and listed["invalid"] == []
    (tmp_path / "p.jobs" / "broken.job.json").write_text('{"version": 1, "grid": 3}')
    [invalid] = jobs.list(pipeline)["invalid"]
    assert invalid["id"] == "broken" and invalid["problems"][0]["pointer"] == "/grid"
    jobs.delete(pipeline, "sweep")
    assert not (tmp_path / "p.jobs" / "sweep.job.json").exists()
    assert not (tmp_path / "p.jobs" / ".state" / "sweep.json").exists()
    with pytest.raises(JobNotFound):
        jobs.get(pipeline, "sweep")


def test_pausing_resuming_and_changing_a_job(jobs: JobService, tmp_path: Path) -> None:
    pipeline = write_pipeline(tmp_path)
    jobs.create(pipeline, "nightly", {"schedule": {"cron": "0 3 * * *"}})
    since = jobs.get(pipeline, "nightly")["since"]
    paused = jobs.pause(pipeline, "nightly")
    assert paused["paused"] is True and paused["next_run"] is None
    assert json.loads((tmp_path / "p.jobs" / "nightly.job.json").read_text())["paused"] is True
    resumed = jobs.resume(pipeline, "nightly")
    assert resumed["paused"] is False and resumed["since"] >= since
    changed = jobs.update(pipeline, "nightly", {"grid": {"alpha": [1, 2]}, "schedule": None})
    assert changed["grid_size"] == 2 and changed["definition"]["schedule"] is None
    with pytest.raises(JobInvalid):
        jobs.update(pipeline, "nightly", {"grid": []})
    with pytest.raises(BadRequest, match="no field 'pipeline'"):
        jobs.update(pipeline, "nightly", {"pipeline": "x"})
    assert jobs.get(pipeline, "nightly")["grid_size"] == 2  # the refused changes stored nothing


def test_old_run_logs_and_index_entries_without_a_job_still_load(tmp_path: Path) -> None:
    log = RunLog.model_validate(
        {"run_id": "20240101T000000-abcdef", "pipeline": "p.pipeline.json", "pipeline_sha256": ""}
    )
    assert log.job is None
    summary = {"run_id": log.run_id, "status": "succeeded", "selection": [], "mode": "all"}
    assert RunSummary.model_validate(summary).job is None


# --- job runs ----------------------------------------------------------------------------------


def test_a_sweep_starts_one_run_per_grid_point_at_most_max_parallel_at_once(
    jobs: JobService, manager: RunManager, fake: FakeExecutor, tmp_path: Path
) -> None:
    pipeline = write_pipeline(tmp_path)
    jobs.create(pipeline, "sweep", SWEEP)
    execution = jobs.run(pipeline, "sweep")
    for _ in range(2):  # two waves of two: the manager's max_parallel
        jobs_running = fake.wait_running("a", "a")
        for job in jobs_running:
            fake.finish("a", run_id=job.run_id)
    assert execution.done.wait(10)
    assert fake.most_running == 2 and len(execution.runs) == 4
    page = manager.list_runs(pipeline, job="sweep")
    assert len(page.runs) == 4 and all(s.status == RunStatus.succeeded for s in page.runs)
    points = sorted((s.job.grid_point["alpha"], s.job.grid_point["depth"]) for s in page.runs)  # type: ignore[union-attr]
    assert points == [(0.1, 3), (0.1, 5), (1, 3), (1, 5)]
    for run_id, point in execution.runs:
        log = manager.get(run_id)
        assert log.job is not None and log.job.id == "sweep" and log.job.job_run == execution.id
        assert log.job.grid_point == point and log.parameters == {"seed": 7, **point}
    submitted = [fake_job.job.parameters for fake_job in fake.jobs]
    assert {(p["alpha"], p["depth"], p["seed"]) for p in submitted} == {
        (0.1, 3, 7),
        (0.1, 5, 7),
        (1, 3, 7),
        (1, 5, 7),
    }
    [record] = jobs.get(pipeline, "sweep")["job_runs"]
    assert record["id"] == execution.id and record["trigger"] == "manual"
    assert record["counts"] == {"succeeded": 4} and record["in_progress"] is False
    assert manager.list_runs(pipeline, job="other").runs == []


def test_cancelling_a_job_run_cancels_its_runs_and_starts_no_more(
    jobs: JobService, manager: RunManager, fake: FakeExecutor, tmp_path: Path
) -> None:
    pipeline = write_pipeline(tmp_path)
    jobs.create(pipeline, "sweep", {"grid": {"alpha": [1, 2, 3]}, "max_parallel_runs": 1})
    execution = jobs.run(pipeline, "sweep")
    fake.wait_running("a")
    with pytest.raises(RunInProgress, match="already has job run"):
        jobs.run(pipeline, "sweep")
    answer = jobs.cancel(pipeline, "sweep")
    assert answer["job_run"] == execution.id and len(answer["run_ids"]) == 1
    assert execution.done.wait(10)
    [(run_id, _)] = execution.runs
    assert manager.get(run_id).status == RunStatus.cancelled
    assert len(fake.jobs) == 1 and fake.jobs[0].cancel_requested
    assert jobs.cancel(pipeline, "sweep")["job_run"] is None


def test_a_job_run_waits_for_a_slot_under_max_runs_per_pipeline(
    tmp_path: Path, fake: FakeExecutor
) -> None:
    manager = RunManager(root=tmp_path, executor=fake, max_parallel=4, max_runs_per_pipeline=1)
    jobs = JobService(manager)
    try:
        pipeline = write_pipeline(tmp_path)
        jobs.create(pipeline, "sweep", {"grid": [{"alpha": 1}, {"alpha": 2}]})
        execution = jobs.run(pipeline, "sweep")
        assert execution.limit == 1
        for _ in range(2):
            [job] = fake.wait_running("a")
            fake.finish("a", StepStatus.failed, "on purpose", run_id=job.run_id)
        assert execution.done.wait(10) and len(execution.runs) == 2
        assert {manager.get(r).status for r, _ in execution.runs} == {RunStatus.failed}
    finally:
        jobs.runner.shutdown()
        manager.shutdown()
