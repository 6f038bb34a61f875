"""Schedules under a controlled clock (injected, never waited for): due times fire on time, once
however many schedulers run, missed ones follow the job's policy, paused jobs wait, and the loop
thread starts and stops with its owner. Fake executor: no kernel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fake_executor import FakeExecutor
from helpers import write_notebook, write_step_pipeline

from runnable_jupyter.jobs.model import MissedPolicy, Schedule
from runnable_jupyter.jobs.schedule import Action, decide, latest_due, next_due
from runnable_jupyter.jobs.scheduler import Fired, Scheduler, SchedulerLoop
from runnable_jupyter.jobs.service import JobService
from runnable_jupyter.jobs.store import JobStore
from runnable_jupyter.runs.manager import RunManager

pytestmark = pytest.mark.timeout(30)

UTC = timezone.utc
DUE = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)


class Clock:
    """The time the code under test sees: set by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def move(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def write_pipeline(root: Path) -> str:
    return write_step_pipeline(
        root, {"a": {}}, lambda path: write_notebook(path, "x = 1", parameters="name = ''")
    )


class Side:
    """One scheduler with its own run manager and fake executor (a server, or the CLI)."""

    def __init__(self, root: Path, clock: Clock) -> None:
        self.fake = FakeExecutor()
        self.manager = RunManager(root=root, executor=self.fake, max_parallel=2)
        self.jobs = JobService(self.manager, clock=clock)
        self.scheduler = Scheduler(self.jobs, clock=clock)

    def close(self) -> None:
        self.jobs.runner.shutdown()
        self.manager.shutdown()


@pytest.fixture
def clock() -> Clock:
    return Clock(DUE - timedelta(minutes=10))


@pytest.fixture
def side(tmp_path: Path, clock: Clock) -> Iterator[Side]:
    one = Side(tmp_path, clock)
    yield one
    one.close()


def create(side: Side, root: Path, name: str = "nightly", **schedule: Any) -> str:
    pipeline = write_pipeline(root)
    grid = {"alpha": [1, 2]}
    side.jobs.create(pipeline, name, {"grid": grid, "schedule": {"cron": "0 3 * * *"} | schedule})
    return pipeline


def fired(results: list[Fired]) -> list[tuple[str, datetime]]:
    return [(f.action, f.due) for f in results]


# --- the arithmetic ----------------------------------------------------------------------------


def test_due_times_are_read_in_the_job_time_zone() -> None:
    paris = Schedule(cron="0 3 * * *", timezone="Europe/Paris")
    assert latest_due(paris, DUE) == datetime(2026, 1, 15, 2, 0, tzinfo=UTC)  # CET: UTC+1
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert next_due(paris, summer) == datetime(2026, 7, 2, 1, 0, tzinfo=UTC)  # CEST: UTC+2
    assert latest_due(Schedule(cron="0 3 * * *"), DUE) == DUE  # a due time at `now` is due


def test_a_due_time_is_on_time_within_the_grace_else_missed_and_never_before_since() -> None:
    daily = Schedule(cron="0 3 * * *")
    since = DUE - timedelta(days=3)
    assert decide(daily, DUE + timedelta(seconds=30), since, None).action == Action.fire
    late = decide(daily, DUE + timedelta(hours=2), since, None)
    assert (late.action, late.due, late.missed) == (Action.skip, DUE, True)
    once = Schedule(cron="0 3 * * *", missed=MissedPolicy.run_once)
    catch_up = decide(once, DUE + timedelta(hours=2), since, DUE - timedelta(days=3))
    assert (catch_up.action, catch_up.due, catch_up.missed) == (Action.fire, DUE, True)
    assert decide(daily, DUE + timedelta(seconds=30), since, DUE).action == Action.wait
    assert decide(daily, DUE + timedelta(seconds=30), DUE + timedelta(seconds=1), None).action == (
        Action.wait
    )


# --- the scheduler -----------------------------------------------------------------------------


def test_a_cron_job_fires_on_time_once_with_one_run_per_grid_point(
    side: Side, tmp_path: Path, clock: Clock
) -> None:
    pipeline = create(side, tmp_path)
    assert side.scheduler.tick() == []  # 02:50: not due
    assert side.scheduler.next_wake == DUE
    clock.now = DUE + timedelta(seconds=5)
    [once] = side.scheduler.tick()
    assert (once.action, once.due, once.pipeline, once.job) == ("fired", DUE, pipeline, "nightly")
    clock.move(seconds=30)
    assert side.scheduler.tick() == []  # never twice for one due time
    jobs_running = side.fake.wait_running("a", "a")
    assert {job.parameters["alpha"] for job in jobs_running} == {1, 2}
    for job in jobs_running:
        side.fake.finish("a", run_id=job.run_id)
    runs = side.manager.list_runs(pipeline, job="nightly").runs
    assert {run.job.job_run for run in runs if run.job} == {once.job_run}
    assert all(run.job and run.job.due == DUE for run in runs)
    view = side.jobs.get(pipeline, "nightly")
    assert view["last_due"] == "2026-01-15T03:00:00Z"
    assert view["next_run"] == "2026-01-16T03:00:00Z"
    assert view["job_runs"][0]["trigger"] == "schedule"


def test_two_schedulers_never_fire_one_due_time_twice(tmp_path: Path, clock: Clock) -> None:
    one, other = Side(tmp_path, clock), Side(tmp_path, clock)
    try:
        create(one, tmp_path)
        clock.now = DUE + timedelta(seconds=1)
        results: dict[int, list[Fired]] = {}
        start = threading.Barrier(2)

        def tick(side: Side) -> None:
            start.wait(5)
            results[id(side)] = side.scheduler.tick()

        threads = [threading.Thread(target=tick, args=(s,)) for s in (one, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert sorted(len(r) for r in results.values()) == [0, 1]  # exactly one of them fired
        assert one.scheduler.tick() == [] and other.scheduler.tick() == []  # and again later
        [winner] = [s for s in (one, other) if results[id(s)]]
        winner.fake.wait_running("a", "a")  # one job run of two points ...
        assert [s.fake.jobs for s in (one, other) if s is not winner] == [[]]  # ... only
    finally:
        one.close()
        other.close()


def test_a_due_time_another_scheduler_is_firing_is_left_to_it(
    side: Side, tmp_path: Path, clock: Clock
) -> None:
    pipeline = create(side, tmp_path)
    clock.now = DUE + timedelta(seconds=1)
    states = JobStore(tmp_path / pipeline).states
    with states.due_lock("nightly", DUE) as mine:
        assert mine
        assert side.scheduler.tick() == []  # the lock is held: another process fires it
    assert fired(side.scheduler.tick()) == [("fired", DUE)]


@pytest.mark.parametrize(
    ("policy", "expected"), [("skip", "skipped"), ("run_once", "fired")], ids=["skip", "run_once"]
)
def test_due_times_missed_while_no_scheduler_ran_follow_the_policy(
    side: Side, tmp_path: Path, clock: Clock, policy: str, expected: str
) -> None:
    pipeline = create(side, tmp_path, missed=policy)
    clock.now = DUE + timedelta(days=3, hours=1)  # three due times passed with nobody ticking
    [result] = side.scheduler.tick()
    assert (result.action, result.due) == (expected, DUE + timedelta(days=3))
    assert side.scheduler.tick() == []
    if policy == "run_once":
        side.fake.wait_running("a", "a")  # once for the three due times
    assert len(side.fake.jobs) == (2 if policy == "run_once" else 0)
    view = side.jobs.get(pipeline, "nightly")
    if policy == "skip":
        assert "missed" in view["last_skipped"]["reason"]
    else:
        assert view["job_runs"][0]["missed"] is True


def test_a_paused_job_does_not_fire_and_resuming_does_not_make_up_for_the_pause(
    side: Side, tmp_path: Path, clock: Clock
) -> None:
    pipeline = create(side, tmp_path, missed="run_once")
    side.jobs.pause(pipeline, "nightly")
    clock.now = DUE + timedelta(seconds=1)
    assert side.scheduler.tick() == []
    clock.move(hours=1)
    side.jobs.resume(pipeline, "nightly")
    assert side.scheduler.tick() == []  # 03:00 passed while paused
    clock.now = DUE + timedelta(days=1, seconds=2)
    assert fired(side.scheduler.tick()) == [("fired", DUE + timedelta(days=1))]


def test_a_due_time_while_the_previous_job_run_goes_on_is_skipped(
    side: Side, tmp_path: Path, clock: Clock
) -> None:
    pipeline = write_pipeline(tmp_path)
    side.jobs.create(pipeline, "often", {"schedule": {"cron": "*/5 * * * *"}})
    clock.now = DUE + timedelta(seconds=1)
    assert fired(side.scheduler.tick()) == [("fired", DUE)]
    side.fake.wait_running("a")
    clock.move(minutes=5)
    [skipped] = side.scheduler.tick()
    assert skipped.action == "skipped" and "still in progress" in skipped.reason


def test_a_job_that_cannot_start_is_recorded_once_and_other_jobs_still_fire(
    side: Side, tmp_path: Path, clock: Clock
) -> None:
    pipeline = create(side, tmp_path)
    create(side, tmp_path, name="other")
    (tmp_path / "p.jobs" / "broken.job.json").write_text("{not json")
    (tmp_path / "step.ipynb").unlink()  # the pipeline is invalid when the jobs are due
    clock.now = DUE + timedelta(seconds=1)
    results = side.scheduler.tick()
    assert sorted((r.job, r.action) for r in results) == [
        ("nightly", "failed"),
        ("other", "failed"),
    ]
    assert "problem" in results[0].reason
    assert side.scheduler.tick() == []  # settled: not retried on every tick
    assert side.jobs.get(pipeline, "nightly")["job_runs"][0]["error"]


def test_a_job_file_no_scheduler_saw_yet_counts_from_when_one_sees_it(
    side: Side, tmp_path: Path, clock: Clock
) -> None:
    pipeline = create(side, tmp_path, missed="run_once")
    JobStore(tmp_path / pipeline).states.delete("nightly")  # as if pulled from git
    clock.now = DUE + timedelta(hours=5)
    assert side.scheduler.tick() == []  # first seen now: nothing of before is made up for
    clock.now = DUE + timedelta(days=1)
    assert fired(side.scheduler.tick()) == [("fired", DUE + timedelta(days=1))]


# --- the loop ----------------------------------------------------------------------------------


def test_the_loop_fires_when_woken_and_stops_leaving_no_thread(
    side: Side, tmp_path: Path, clock: Clock
) -> None:
    create(side, tmp_path)
    loop = SchedulerLoop(side.scheduler, interval_s=3600)
    before = set(threading.enumerate())
    loop.start()
    try:
        assert loop.wait_for_tick(0, 10)
        clock.now = DUE + timedelta(seconds=3)
        ticks = loop.ticks
        loop.wake()
        assert loop.wait_for_tick(ticks, 10)
        side.fake.wait_running("a", "a")
    finally:
        loop.stop()
    assert loop.stopped
    assert not [t for t in set(threading.enumerate()) - before if t.name == "runnable-scheduler"]
