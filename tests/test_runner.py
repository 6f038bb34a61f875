"""RunManager end to end: real notebooks, real kernels, one real LocalProcessExecutor (2 workers).

Every step runs the same small notebook; it writes `NAME.json` (its parameters) into its folder,
sleeps `sleep` seconds, and fails when a file `NAME.fail` exists there, so tests steer failures
from outside and a retry can succeed with the same parameters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from helpers import (
    kernel_processes,
    kernelspec,
    sha256,
    statuses,
    wait_until,
    write_step_pipeline,
)

from runnable_jupyter.errors import (
    BadRequest,
    PathOutsideRoot,
    PipelineInvalid,
    PipelineNotFound,
    RunNotFound,
    StructureChanged,
    UnknownStep,
)
from runnable_jupyter.executors.local import LocalProcessExecutor
from runnable_jupyter.pipeline.graph import Mode
from runnable_jupyter.runlog.models import RunLog, RunStatus, StepStatus
from runnable_jupyter.runlog.store import RunStore
from runnable_jupyter.runs.events import RunEvent
from runnable_jupyter.runs.manager import RunManager

pytestmark = pytest.mark.timeout(300)

FAILING_CELL = 3  # index of the cell that raises when NAME.fail exists
SKIPPED_CELL = 4


def write_step_notebook(path: Path) -> None:
    cells = [
        nbformat.v4.new_markdown_cell("A pipeline step used by the runner tests."),
        nbformat.v4.new_code_cell(
            'name = "step"\nsleep = 0.0\na = b = c = None', metadata={"tags": ["parameters"]}
        ),
        nbformat.v4.new_code_cell(
            "import json, pathlib, time\n"
            'pathlib.Path(f"{name}.json").write_text(json.dumps({"a": a, "b": b, "c": c}))\n'
            "time.sleep(sleep)"
        ),
        nbformat.v4.new_code_cell(
            'if pathlib.Path(f"{name}.fail").exists():\n'
            '    raise ValueError(f"{name} failed on purpose")'
        ),
        nbformat.v4.new_code_cell(
            'raise RuntimeError("a skip-tagged cell ran")', metadata={"tags": ["skip"]}
        ),
        nbformat.v4.new_code_cell('pathlib.Path(f"{name}.done").write_text("ok")'),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = kernelspec("python3")
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def write_pipeline(
    root: Path, steps: dict[str, dict[str, Any]], name: str = "p", **extra: Any
) -> str:
    """`steps`: id -> step fields; `name` parameter and notebook `step.ipynb` filled in."""
    return write_step_pipeline(root, steps, write_step_notebook, name=name, **extra)


@pytest.fixture
def manager(
    tmp_path: Path, executor: LocalProcessExecutor, events: list[RunEvent]
) -> Iterator[RunManager]:
    runs = RunManager(root=tmp_path, executor=executor, on_event=events.append, max_parallel=2)
    yield runs
    runs.shutdown()


def run(manager: RunManager, pipeline: str, **kwargs: Any) -> RunLog:
    log = manager.start(pipeline, **kwargs)
    return manager.wait(log.run_id, timeout=240)


# --- planning and subsets ---------------------------------------------------------------------


# Subsets, max_parallel, upstream_failed, retry plans and the default timeout:
# test_scheduling.py (fake executor). Steps running at once in two kernels:
# test_example.py::test_models_train_in_parallel. Timeouts and cancel, with the kernels they
# stop: test_faults.py.


# --- parameters -------------------------------------------------------------------------------


def test_parameters_precedence_is_pipeline_then_step_then_run(
    manager: RunManager, tmp_path: Path
) -> None:
    pipeline = write_pipeline(
        tmp_path,
        {"s": {"parameters": {"b": "step", "c": "step"}}},
        parameters={"a": "pipeline", "b": "pipeline", "c": "pipeline"},
    )
    log = run(manager, pipeline, parameters={"c": "run"})
    assert log.status == RunStatus.succeeded
    written = json.loads((tmp_path / "s.json").read_text())
    assert written == {"a": "pipeline", "b": "step", "c": "run"}
    assert log.parameters == {"c": "run"}
    assert log.steps["s"].parameters == {"a": "pipeline", "b": "step", "c": "run", "name": "s"}


@pytest.mark.parametrize("bad_name", ["not an identifier", "1x", "class"])
def test_run_parameters_must_be_identifiers_and_nothing_is_written(
    manager: RunManager, tmp_path: Path, bad_name: str
) -> None:
    pipeline = write_pipeline(tmp_path, {"s": {}})
    with pytest.raises(BadRequest, match="identifiers"):
        manager.start(pipeline, parameters={bad_name: 1})
    assert not (tmp_path / "p.runs").exists()


def test_bad_requests_are_refused_before_anything_is_written(
    manager: RunManager, tmp_path: Path
) -> None:
    pipeline = write_pipeline(tmp_path, {"s": {}})
    with pytest.raises(UnknownStep):
        manager.start(pipeline, steps=["nope"], mode=Mode.only)
    with pytest.raises(BadRequest, match="mode"):
        manager.start(pipeline, steps=["s"], mode="sideways")
    with pytest.raises(PathOutsideRoot):
        manager.start("../elsewhere.pipeline.json")
    (tmp_path / "bad.pipeline.json").write_text('{"version": 1, "steps": [{"id": "x"}]}')
    with pytest.raises(PipelineInvalid):
        manager.start("bad.pipeline.json")
    assert not (tmp_path / "p.runs").exists() and not (tmp_path / "bad.runs").exists()


# --- failures, timeouts, cancel ---------------------------------------------------------------


def test_failure_skips_descendants_and_independent_branch_still_runs(
    manager: RunManager, tmp_path: Path
) -> None:
    pipeline = write_pipeline(tmp_path, {"a": {}, "b": {"depends_on": ["a"]}, "c": {}})
    (tmp_path / "a.fail").touch()
    log = run(manager, pipeline)
    assert log.status == RunStatus.failed
    assert statuses(log) == {"a": "failed", "b": "upstream_failed", "c": "succeeded"}
    error = log.steps["a"].attempts[0].error
    assert error is not None and error.name == "ValueError" and "on purpose" in error.message
    assert error.cell_index == FAILING_CELL
    assert log.steps["b"].attempts == [] and not (tmp_path / "b.json").exists()


# --- the run log ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def finished_run(
    tmp_path_factory: pytest.TempPathFactory, executor: LocalProcessExecutor
) -> tuple[RunLog, list[RunEvent], Path, dict[str, str]]:
    """A two-step run (a -> b) with its events, workspace and the source hashes before it."""
    root = tmp_path_factory.mktemp("finished")
    pipeline = write_pipeline(root, {"a": {}, "b": {"depends_on": ["a"]}})
    before = {p.name: sha256(p) for p in (root / "step.ipynb", root / pipeline)}
    events: list[RunEvent] = []
    runs = RunManager(root=root, executor=executor, on_event=events.append)
    try:
        log = run(runs, pipeline)
    finally:
        runs.shutdown()
    return log, events, root, before


def test_run_log_records_environment_hashes_attempts_and_outputs(finished_run) -> None:
    log, _events, root, before = finished_run
    assert log.status == RunStatus.succeeded and log.start and log.end
    assert log.pipeline == "p.pipeline.json" and log.pipeline_sha256 == before["p.pipeline.json"]
    assert log.pipeline_structure == {"a": [], "b": ["a"]}
    assert log.environment.python and log.environment.papermill and log.environment.nbclient
    assert log.environment.kernels["python3"].startswith("python 3.")
    assert Path(log.run_dir) == root / "p.runs" / log.run_id
    assert Path(log.catalog_dir) == root / "p.catalog"
    for step_id in ("a", "b"):
        record = log.steps[step_id]
        assert record.source_sha256 == before["step.ipynb"] and record.kernel == "python3"
        [attempt] = record.attempts
        assert attempt.status == StepStatus.succeeded and attempt.duration_s > 0
        assert attempt.skipped_cells == [SKIPPED_CELL]
        assert attempt.output_notebook == str(Path(log.run_dir) / f"{step_id}.ipynb")
        executed = nbformat.read(attempt.output_notebook, as_version=4)
        assert executed.cells[-1].execution_count is not None
        assert Path(attempt.log_file).exists()
    assert json.loads((Path(log.run_dir) / "run.json").read_text())["status"] == "succeeded"


def test_source_notebooks_and_pipeline_are_never_modified(finished_run) -> None:
    _log, _events, root, before = finished_run
    assert {name: sha256(root / name) for name in before} == before


def test_events_of_a_two_step_run_come_in_order(finished_run) -> None:
    log, events, _root, _before = finished_run
    assert {e.run_id for e in events} == {log.run_id}
    assert all(e.pipeline == "p.pipeline.json" for e in events)
    changes = [(e.kind, e.step_id, e.status) for e in events if e.kind != "progress"]
    assert changes == [
        ("run", None, "pending"),
        ("run", None, "running"),
        ("step", "a", "running"),
        ("step", "a", "succeeded"),
        ("step", "b", "running"),
        ("step", "b", "succeeded"),
        ("run", None, "succeeded"),
    ]
    for step_id in ("a", "b"):
        positions = [i for i, e in enumerate(events) if e.step_id == step_id]
        progress = [events[i] for i in positions if events[i].kind == "progress"]
        assert progress and all(p.cells == progress[0].cells for p in progress)
        assert [p.cell for p in progress] == sorted(p.cell for p in progress)
        assert events[positions[0]].status == "running"
        assert events[positions[-1]].status == "succeeded"


def test_a_failing_event_listener_does_not_stop_the_run(
    executor: LocalProcessExecutor, tmp_path: Path
) -> None:
    def explode(event: RunEvent) -> None:
        raise RuntimeError("listener bug")

    pipeline = write_pipeline(tmp_path, {"s": {}})
    runs = RunManager(root=tmp_path, executor=executor, on_event=explode)
    try:
        assert run(runs, pipeline).status == RunStatus.succeeded
    finally:
        runs.shutdown()


# --- retry ------------------------------------------------------------------------------------


def catalog_pipeline(root: Path) -> str:
    """c puts `c_value.txt` into the catalog; b (in its own folder) gets it from there."""
    write_step_notebook(root / "b" / "step.ipynb")
    return write_pipeline(
        root,
        {
            "a": {},
            "c": {"catalog": {"put": ["c.json"]}},
            "b": {
                "notebook": "b/step.ipynb",
                "depends_on": ["a", "c"],
                "catalog": {"get": ["c.json"]},
            },
        },
    )


def test_retry_reruns_failed_and_downstream_steps_and_reuses_succeeded_artifacts(
    manager: RunManager, tmp_path: Path
) -> None:
    pipeline = catalog_pipeline(tmp_path)
    (tmp_path / "a.fail").touch()
    first = run(manager, pipeline, parameters={"a": 7})
    assert statuses(first) == {"a": "failed", "c": "succeeded", "b": "upstream_failed"}
    (tmp_path / "a.fail").unlink()
    (tmp_path / "c.json").unlink()  # b can only get it from the catalog now
    retried = manager.retry(first.run_id)
    assert retried.run_id == first.run_id and len(retried.attempts) == 2
    log = manager.wait(first.run_id, timeout=240)
    assert log.status == RunStatus.succeeded
    assert statuses(log) == {"a": "succeeded", "c": "succeeded", "b": "succeeded"}
    assert log.attempts[1].steps == ["a", "b"]
    assert [a.number for a in log.steps["a"].attempts] == [1, 2]
    assert log.steps["c"].attempts == first.steps["c"].attempts  # not run again
    assert len(log.steps["b"].attempts) == 1
    assert log.steps["a"].attempts[1].output_notebook.endswith("a.attempt2.ipynb")
    assert Path(log.steps["a"].attempts[1].output_notebook).exists()
    assert json.loads((tmp_path / "b" / "c.json").read_text())["a"] == 7  # same parameters
    assert json.loads((tmp_path / "a.json").read_text())["a"] == 7
    with pytest.raises(BadRequest, match="nothing to retry"):
        manager.retry(first.run_id)


def test_retry_is_refused_when_the_structure_changed_unless_forced(
    manager: RunManager, tmp_path: Path
) -> None:
    pipeline = write_pipeline(tmp_path, {"a": {}, "b": {"depends_on": ["a"]}})
    (tmp_path / "a.fail").touch()
    first = run(manager, pipeline)
    (tmp_path / "a.fail").unlink()
    write_pipeline(tmp_path, {"a": {}, "b": {}, "new": {"depends_on": ["a"]}})
    with pytest.raises(StructureChanged) as refused:
        manager.retry(first.run_id)
    assert "new" in refused.value.message and "b" in refused.value.message
    assert refused.value.details["added_steps"] == ["new"]
    assert refused.value.details["changed_dependencies"] == ["b"]
    assert manager.get(first.run_id).attempts == first.attempts  # refused: nothing changed
    manager.retry(first.run_id, force=True)
    log = manager.wait(first.run_id, timeout=240)
    assert log.status == RunStatus.succeeded
    assert statuses(log) == {"a": "succeeded", "b": "succeeded"}


def test_interrupted_runs_are_marked_and_can_be_retried(
    executor: LocalProcessExecutor, manager: RunManager, tmp_path: Path
) -> None:
    pipeline = write_pipeline(tmp_path, {"a": {}, "b": {"depends_on": ["a"]}})
    (tmp_path / "a.fail").touch()
    log = run(manager, pipeline)
    # Simulate a server that died mid-run: the log on disk still says running.
    crashed = log.model_copy(deep=True)
    crashed.status = RunStatus.running
    crashed.steps["a"].status = crashed.steps["a"].attempts[0].status = StepStatus.running
    crashed.steps["b"].status = StepStatus.pending
    RunStore(Path(log.run_dir).parent).save(crashed)
    (tmp_path / "a.fail").unlink()

    restarted = RunManager(root=tmp_path, executor=executor)
    try:
        assert restarted.mark_interrupted() == [log.run_id]
        interrupted = restarted.get(log.run_id)
        assert interrupted.status == RunStatus.interrupted
        assert interrupted.steps["a"].attempts[0].error.name == "Interrupted"
        assert restarted.mark_interrupted() == []  # already done
        restarted.retry(log.run_id)
        final = restarted.wait(log.run_id, timeout=240)
    finally:
        restarted.shutdown()
    assert final.status == RunStatus.succeeded
    assert statuses(final) == {"a": "succeeded", "b": "succeeded"}


def test_get_finds_runs_on_disk_and_list_runs_is_newest_first(
    executor: LocalProcessExecutor, manager: RunManager, tmp_path: Path
) -> None:
    sub = tmp_path / "sub"
    write_pipeline(sub, {"s": {}})
    first = run(manager, "sub/p.pipeline.json")
    second = run(manager, "sub/p.pipeline.json")
    fresh = RunManager(root=tmp_path, executor=executor)
    assert fresh.get(first.run_id).status == RunStatus.succeeded
    listed = fresh.list_runs("sub/p.pipeline.json")
    assert [r.run_id for r in listed.runs] == [second.run_id, first.run_id]
    assert Path(first.run_dir).parent == sub / "p.runs"
    with pytest.raises(BadRequest):
        fresh.get("../../etc/passwd")
    with pytest.raises(RunNotFound):
        fresh.get("20000101T000000-abcdef")
    with pytest.raises(PipelineNotFound):
        fresh.list_runs("sub/missing.pipeline.json")


def test_runs_root_and_catalog_root_override_the_locations(
    executor: LocalProcessExecutor, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    write_pipeline(workspace / "sub", {"s": {}})
    runs = RunManager(
        root=workspace,
        executor=executor,
        runs_root=tmp_path / "runs",
        catalog_root=tmp_path / "cat",
    )
    try:
        log = run(runs, "sub/p.pipeline.json")
        assert Path(log.run_dir).parent.parent == tmp_path / "runs"
        assert Path(log.catalog_dir).parent == tmp_path / "cat"
        assert runs.get(log.run_id).status == RunStatus.succeeded
        assert not (workspace / "sub" / "p.runs").exists()
    finally:
        runs.shutdown()


def test_shutdown_cancels_running_runs_and_leaves_no_kernel(tmp_path: Path) -> None:
    pipeline = write_pipeline(tmp_path, {"sleepy": {"parameters": {"sleep": 120}}})
    runs = RunManager(root=tmp_path, max_parallel=1)  # owns its executor
    log = runs.start(pipeline)
    wait_until(lambda: (tmp_path / "sleepy.json").exists())
    runs.shutdown()
    assert runs.get(log.run_id).status == RunStatus.cancelled
    wait_until(lambda: not kernel_processes(), timeout=10)
