"""The scheduling rules of one run in progress, with a fake executor: no kernel, milliseconds.

Dependency order, subsets, `max_parallel`, `upstream_failed`, the default timeout, cancel
(answered or not), `cached` reuse, retry plans, an executor that refuses jobs, and progress. The
same rules with real kernels are covered by a smaller set of end-to-end tests (`test_runner.py`,
`test_server_runs.py`, `test_faults.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_executor import FakeExecutor
from helpers import PoolLender, statuses, wait_until, write_notebook, write_step_pipeline

from runnable_jupyter.errors import RunInProgress
from runnable_jupyter.pipeline.graph import Mode
from runnable_jupyter.runlog.models import RunLog, RunStatus, StepStatus
from runnable_jupyter.runs import active_run
from runnable_jupyter.runs.events import RunEvent
from runnable_jupyter.runs.manager import RunManager

pytestmark = pytest.mark.timeout(30)

CHAIN = {"a": {}, "b": {"depends_on": ["a"]}, "c": {"depends_on": ["b"]}, "d": {}}


def write_pipeline(root: Path, steps: dict[str, dict[str, object]], **fields: object) -> str:
    return write_step_pipeline(
        root, steps, lambda path: write_notebook(path, "x = 1", parameters="name = ''"), **fields
    )


@pytest.fixture
def fake() -> FakeExecutor:
    return FakeExecutor()


@pytest.fixture
def manager(tmp_path: Path, fake: FakeExecutor, events: list[RunEvent]) -> Iterator[RunManager]:
    runs = RunManager(root=tmp_path, executor=fake, on_event=events.append, max_parallel=4)
    yield runs
    runs.shutdown()


def finish_all(fake: FakeExecutor, manager: RunManager, log: RunLog, *waves: list[str]) -> RunLog:
    """Finish each wave of steps (all succeed) once exactly that wave is running."""
    for wave in waves:
        fake.wait_running(*wave)
        for step_id in wave:
            fake.finish(step_id)
    return manager.wait(log.run_id, timeout=10)


def test_a_step_is_submitted_only_after_its_dependencies_succeeded(
    manager: RunManager, fake: FakeExecutor, tmp_path: Path
) -> None:
    log = manager.start(write_pipeline(tmp_path, CHAIN))
    done = finish_all(fake, manager, log, ["a", "d"], ["b"], ["c"])
    assert done.status == RunStatus.succeeded
    assert fake.submitted().index("b") > fake.submitted().index("a")
    assert fake.reserved == [2]  # the widest level: a and d


@pytest.mark.parametrize(
    ("mode", "selection", "waves", "not_selected"),
    [
        (Mode.only, ["b"], [["b"]], {"a", "c", "d"}),
        (Mode.upstream, ["b"], [["a"], ["b"]], {"c", "d"}),
        (Mode.downstream, ["b"], [["b"], ["c"]], {"a", "d"}),
        (Mode.all, [], [["a", "d"], ["b"], ["c"]], set()),
    ],
)
def test_subset_modes_submit_exactly_the_planned_steps(
    manager: RunManager,
    fake: FakeExecutor,
    tmp_path: Path,
    mode: Mode,
    selection: list[str],
    waves: list[list[str]],
    not_selected: set[str],
) -> None:
    log = manager.start(write_pipeline(tmp_path, CHAIN), steps=selection, mode=mode)
    done = finish_all(fake, manager, log, *waves)
    planned = [s for wave in waves for s in wave]
    assert sorted(fake.submitted()) == sorted(planned)
    assert {s for s, status in statuses(done).items() if status == "not_selected"} == not_selected
    assert done.attempts[0].steps == [s for s in "abcd" if s in planned]  # in file order
    assert all(not done.steps[s].attempts for s in not_selected)


def test_max_parallel_bounds_the_steps_running_at_once(
    manager: RunManager, fake: FakeExecutor, tmp_path: Path
) -> None:
    pipeline = write_pipeline(tmp_path, {s: {} for s in "abcde"})
    log = manager.start(pipeline, max_parallel=2)
    fake.wait_running("a", "b")
    fake.finish("b")
    fake.wait_running("a", "c")
    fake.finish("a")
    fake.finish("c")
    fake.wait_running("d", "e")
    fake.finish("d")
    fake.finish("e")
    assert manager.wait(log.run_id, timeout=10).status == RunStatus.succeeded
    assert fake.most_running == 2


def test_a_failure_makes_descendants_upstream_failed_while_other_branches_go_on(
    manager: RunManager, fake: FakeExecutor, tmp_path: Path, events: list[RunEvent]
) -> None:
    log = manager.start(write_pipeline(tmp_path, CHAIN))
    fake.wait_running("a", "d")
    fake.finish("a", StepStatus.failed, message="a broke")
    fake.wait_running("d")
    fake.finish("d")
    done = manager.wait(log.run_id, timeout=10)
    assert done.status == RunStatus.failed
    assert statuses(done) == {
        "a": "failed",
        "b": "upstream_failed",
        "c": "upstream_failed",
        "d": "succeeded",
    }
    assert done.steps["a"].attempts[-1].error.message == "a broke"
    assert "b" not in fake.submitted()
    failed_run = [e for e in events if e.kind == "run" and e.status == "failed"]
    assert failed_run and "a" in (failed_run[-1].error_message or "")


def test_cancel_stops_running_steps_and_cancels_pending_ones(
    manager: RunManager, fake: FakeExecutor, tmp_path: Path
) -> None:
    log = manager.start(write_pipeline(tmp_path, CHAIN))
    fake.wait_running("a", "d")
    manager.cancel(log.run_id)
    done = manager.wait(log.run_id, timeout=10)
    assert done.status == RunStatus.cancelled
    assert set(statuses(done).values()) == {"cancelled"}
    assert {j.job.step_id for j in fake.jobs if j.cancel_requested} == {"a", "d"}


def test_the_default_timeout_applies_to_steps_without_one(
    fake: FakeExecutor, tmp_path: Path
) -> None:
    """What a step's job carries; test_faults.py shows a job's limit failing a real kernel."""
    manager = RunManager(root=tmp_path, executor=fake, default_timeout_s=2)
    try:
        pipeline = write_pipeline(tmp_path, {"bare": {}, "own": {"timeout_s": 30}})
        log = manager.start(pipeline)
        jobs = {job.step_id: job for job in fake.wait_running("bare", "own")}
        assert (jobs["bare"].timeout_s, jobs["own"].timeout_s) == (2, 30)
        fake.finish("bare")
        fake.finish("own")
        assert manager.wait(log.run_id, timeout=10).status == RunStatus.succeeded
    finally:
        manager.shutdown()


def test_a_cancel_the_executor_never_answers_is_given_up_after_the_grace_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(active_run, "CANCEL_GRACE_S", 0.2)
    fake = FakeExecutor(answer_cancel=False)
    manager = RunManager(root=tmp_path, executor=fake)
    try:
        log = manager.start(write_pipeline(tmp_path, {"a": {}}))
        fake.wait_running("a")
        manager.cancel(log.run_id)
        done = manager.wait(log.run_id, timeout=10)
    finally:
        manager.shutdown()
    assert done.status == RunStatus.cancelled
    assert statuses(done) == {"a": "cancelled"}


def test_an_executor_that_refuses_a_job_fails_that_step_not_the_run_thread(
    tmp_path: Path,
) -> None:
    manager = RunManager(root=tmp_path, executor=FakeExecutor(fail_submit=True))
    try:
        log = manager.start(write_pipeline(tmp_path, {"a": {}, "b": {"depends_on": ["a"]}}))
        done = manager.wait(log.run_id, timeout=10)
    finally:
        manager.shutdown()
    assert statuses(done) == {"a": "failed", "b": "upstream_failed"}
    assert "refuses every job" in done.steps["a"].attempts[-1].error.message


def test_retry_resubmits_failed_and_downstream_steps_only(
    manager: RunManager, fake: FakeExecutor, tmp_path: Path
) -> None:
    log = manager.start(write_pipeline(tmp_path, CHAIN))
    fake.wait_running("a", "d")
    fake.finish("d")
    fake.finish("a", StepStatus.failed, message="first attempt")
    assert manager.wait(log.run_id, timeout=10).status == RunStatus.failed
    before = len(fake.jobs)

    manager.retry(log.run_id)
    retried = finish_all(fake, manager, log, ["a"], ["b"], ["c"])
    assert [j.job.step_id for j in fake.jobs[before:]] == ["a", "b", "c"]
    assert retried.status == RunStatus.succeeded
    assert len(retried.attempts) == 2
    assert len(retried.steps["a"].attempts) == 2 and len(retried.steps["d"].attempts) == 1


def test_skip_unchanged_marks_steps_cached_without_submitting_them(
    manager: RunManager, fake: FakeExecutor, tmp_path: Path
) -> None:
    pipeline = write_pipeline(tmp_path, {"a": {}, "b": {"depends_on": ["a"]}})
    first = manager.start(pipeline)
    finish_all(fake, manager, first, ["a"], ["b"])
    submitted = len(fake.jobs)

    second = manager.start(pipeline, skip_unchanged=True)
    done = manager.wait(second.run_id, timeout=10)
    assert len(fake.jobs) == submitted
    assert statuses(done) == {"a": "cached", "b": "cached"}
    assert done.steps["a"].cached_from.run_id == first.run_id


def test_a_changed_parameter_reruns_that_step_and_its_dependents_not_the_others(
    manager: RunManager, fake: FakeExecutor, tmp_path: Path
) -> None:
    steps = {"a": {}, "b": {"depends_on": ["a"]}, "x": {}}
    first = manager.start(write_pipeline(tmp_path, steps))
    finish_all(fake, manager, first, ["a", "x"], ["b"])

    steps["a"] = {"parameters": {"extra": 1}}
    second = manager.start(write_pipeline(tmp_path, steps), skip_unchanged=True)
    done = finish_all(fake, manager, second, ["a"], ["b"])
    assert statuses(done) == {"a": "succeeded", "b": "succeeded", "x": "cached"}


def test_several_runs_of_one_pipeline_run_at_once_sharing_the_executor(
    manager: RunManager, fake: FakeExecutor, tmp_path: Path
) -> None:
    pipeline = write_pipeline(tmp_path, {"a": {}})
    first, second = manager.start(pipeline), manager.start(pipeline, parameters={"n": 2})
    jobs = fake.wait_running("a", "a")
    assert {job.run_id for job in jobs} == {first.run_id, second.run_id}
    assert {job.parameters.get("n") for job in jobs} == {None, 2}
    fake.finish("a", run_id=second.run_id)
    assert manager.wait(second.run_id, timeout=10).status == RunStatus.succeeded
    assert manager.get(first.run_id).status == RunStatus.running
    fake.finish("a", run_id=first.run_id)
    assert manager.wait(first.run_id, timeout=10).status == RunStatus.succeeded


def test_runs_beyond_max_runs_per_pipeline_and_retries_of_a_live_run_are_refused(
    fake: FakeExecutor, tmp_path: Path
) -> None:
    manager = RunManager(root=tmp_path, executor=fake, max_runs_per_pipeline=1)
    try:
        pipeline = write_pipeline(tmp_path, {"a": {}})
        first = manager.start(pipeline)
        with pytest.raises(RunInProgress, match="max_runs_per_pipeline = 1") as refused:
            manager.start(pipeline)
        assert refused.value.details["run_id"] == first.run_id
        with pytest.raises(RunInProgress, match="still in progress"):
            manager.retry(first.run_id)
        fake.wait_running("a")
        fake.finish("a")
        manager.wait(first.run_id, timeout=10)
        later = manager.start(pipeline)  # the limit counts runs in progress only
        fake.wait_running("a")
        fake.finish("a")
        assert manager.wait(later.run_id, timeout=10).status == RunStatus.succeeded
    finally:
        manager.shutdown()


def test_cell_progress_reaches_the_run_log_and_the_events(
    manager: RunManager, fake: FakeExecutor, tmp_path: Path, events: list[RunEvent]
) -> None:
    log = manager.start(write_pipeline(tmp_path, {"a": {}}))
    fake.wait_running("a")
    fake.progress("a", 2, 5)
    wait_until(lambda: any(e.kind == "progress" for e in events), timeout=10)
    progress = [e for e in events if e.kind == "progress"]
    assert manager.get(log.run_id).steps["a"].attempts[-1].cell_progress == (2, 5)
    assert (progress[-1].cell, progress[-1].cells) == (2, 5)
    fake.finish("a")
    assert manager.wait(log.run_id, timeout=10).status == RunStatus.succeeded


def test_a_manager_making_its_own_pool_gets_a_lent_one_instead(
    fake: FakeExecutor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `borrowed_pool` (conftest.py) relies on: test_cli.py and test_server_runs.py lend
    their module's warm pool to the RunManagers of commands and servers this way."""
    lender = PoolLender(fake)
    lender.lend_to_new_managers(monkeypatch)
    manager = RunManager(root=tmp_path)  # no executor: it makes one when a run starts
    try:
        log = manager.start(write_pipeline(tmp_path, {"a": {}}))
        fake.wait_running("a")
        fake.finish("a")
        assert manager.wait(log.run_id, timeout=10).status == RunStatus.succeeded
    finally:
        manager.shutdown()
    assert lender.lent == 1 and not fake.shut_down  # the lent pool outlives the manager
