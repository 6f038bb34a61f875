"""Run retention: keep the newest N runs and/or the runs younger than D days, never a run in
progress; applied after each run (pipeline setting or manager option) and by `prune`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fake_executor import FakeExecutor
from helpers import write_notebook, write_step_pipeline

from runnable_jupyter.cli import main
from runnable_jupyter.clock import utcnow
from runnable_jupyter.errors import BadRequest
from runnable_jupyter.runlog.models import RunLog, RunStatus
from runnable_jupyter.runs.manager import RunManager
from runnable_jupyter.runs.retention import RetentionPolicy, runs_to_delete

pytestmark = pytest.mark.timeout(60)


def logs_ending(*days_ago: float, status: RunStatus = RunStatus.succeeded) -> list[RunLog]:
    now = utcnow()
    return [
        RunLog(
            run_id=f"20260101T00000{i}-abcdef",
            pipeline="p.pipeline.json",
            pipeline_sha256="",
            pipeline_structure={},
            status=status,
            start=now - timedelta(days=age, seconds=5),
            end=now - timedelta(days=age),
            run_dir="",
            catalog_dir="",
        )
        for i, age in enumerate(days_ago)
    ]


def ids(logs: list[RunLog]) -> list[str]:
    return [log.run_id[-8] for log in logs]  # the index digit


def test_keep_last_keeps_the_newest_runs() -> None:
    logs = logs_ending(0, 1, 2, 3)
    assert ids(runs_to_delete(logs, RetentionPolicy(keep_last=2))) == ["2", "3"]


def test_keep_days_keeps_the_young_runs() -> None:
    logs = logs_ending(0.5, 1.5, 10)
    assert ids(runs_to_delete(logs, RetentionPolicy(keep_days=1))) == ["1", "2"]


def test_with_both_limits_a_run_either_keeps_is_kept() -> None:
    logs = logs_ending(0.1, 0.2, 5, 6)
    assert ids(runs_to_delete(logs, RetentionPolicy(keep_last=1, keep_days=1))) == ["2", "3"]


def test_runs_in_progress_and_unset_policies_delete_nothing() -> None:
    running = logs_ending(30, 40, status=RunStatus.running)
    assert runs_to_delete(running, RetentionPolicy(keep_last=1)) == []
    assert runs_to_delete(logs_ending(30, 40), RetentionPolicy()) == []


@pytest.mark.parametrize(("keep_last", "keep_days"), [(0, None), (None, 0), (None, -1.0)])
def test_a_policy_that_keeps_nothing_sensible_is_refused(keep_last, keep_days) -> None:
    with pytest.raises(BadRequest):
        RetentionPolicy(keep_last, keep_days)


def write_pipeline(root: Path, **settings: object) -> str:
    return write_step_pipeline(
        root,
        {"a": {}},
        lambda path: write_notebook(path, "x = 1"),
        settings=settings,
    )


def run_once(manager: RunManager, fake: FakeExecutor, pipeline: str) -> str:
    log = manager.start(pipeline)
    fake.wait_running("a")
    fake.finish("a")
    assert manager.wait(log.run_id, timeout=10).status == RunStatus.succeeded
    return log.run_id


def run_folders(root: Path) -> list[str]:
    return sorted(
        d.name for d in (root / "p.runs").iterdir() if d.is_dir() and not d.name.startswith(".")
    )


def test_the_pipeline_setting_prunes_after_each_run(tmp_path: Path) -> None:
    fake = FakeExecutor()
    manager = RunManager(root=tmp_path, executor=fake)
    try:
        pipeline = write_pipeline(tmp_path, retention={"keep_last": 2})
        runs = [run_once(manager, fake, pipeline) for _ in range(3)]
    finally:
        manager.shutdown()
    assert run_folders(tmp_path) == sorted(runs[1:])
    assert (tmp_path / "p.runs" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_the_managers_option_applies_when_the_pipeline_sets_none(tmp_path: Path) -> None:
    fake = FakeExecutor()
    manager = RunManager(root=tmp_path, executor=fake, retention=RetentionPolicy(keep_last=1))
    try:
        pipeline = write_pipeline(tmp_path)
        runs = [run_once(manager, fake, pipeline) for _ in range(2)]
    finally:
        manager.shutdown()
    assert run_folders(tmp_path) == [runs[-1]]


def test_prune_never_deletes_a_run_in_progress(tmp_path: Path) -> None:
    fake = FakeExecutor()
    manager = RunManager(root=tmp_path, executor=fake)
    try:
        pipeline = write_pipeline(tmp_path)
        finished = run_once(manager, fake, pipeline)
        live = manager.start(pipeline)
        fake.wait_running("a")
        assert manager.prune(pipeline, RetentionPolicy(keep_days=1e-9)) == [finished]
        assert run_folders(tmp_path) == [live.run_id]
        fake.finish("a")
        manager.wait(live.run_id, timeout=10)
    finally:
        manager.shutdown()


def test_cli_prune_lists_then_deletes_and_needs_a_policy(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    fake = FakeExecutor()
    manager = RunManager(root=tmp_path, executor=fake)
    try:
        pipeline = write_pipeline(tmp_path)
        runs = [run_once(manager, fake, pipeline) for _ in range(3)]
    finally:
        manager.shutdown()
    monkeypatch.chdir(tmp_path)

    assert main(["prune", pipeline]) == 2
    assert "--keep N" in capsys.readouterr().err

    assert main(["prune", pipeline, "--keep", "1", "--dry-run"]) == 0
    assert "would delete 2 run(s)" in capsys.readouterr().out
    assert len(run_folders(tmp_path)) == 3

    assert main(["prune", pipeline, "--keep", "1"]) == 0
    out = capsys.readouterr().out
    assert "deleted 2 run(s)" in out and runs[0] in out
    assert run_folders(tmp_path) == [runs[-1]]
    assert main(["prune", pipeline, "--keep", "0"]) == 2
