"""The run index: listings read one file kept current by every save, and the run logs stay the
truth when a runs folder changed behind the index's back."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fake_executor import FakeExecutor
from helpers import write_notebook, write_step_pipeline

from runnable_jupyter.runlog.index import INDEX_DIR, INDEX_NAME
from runnable_jupyter.runlog.models import (
    RunLog,
    RunStatus,
    RunSummary,
    StepRecord,
    StepStatus,
    new_run_id,
)
from runnable_jupyter.runlog.store import RunStore
from runnable_jupyter.runs.manager import RunManager

START = datetime(2026, 12, 1, 9, 0, 0, tzinfo=timezone.utc)


def make_log(seconds: int, status: RunStatus = RunStatus.succeeded) -> RunLog:
    when = START + timedelta(seconds=seconds)
    log = RunLog(
        run_id=new_run_id(when),
        pipeline="p.pipeline.json",
        pipeline_sha256="0" * 64,
        status=status,
        start=when,
    )
    log.steps["a"] = StepRecord(id="a", notebook="a.ipynb", status=StepStatus.succeeded)
    return log


def listed(store: RunStore) -> list[str]:
    return [summary["run_id"] for summary in store.summaries()]


def index_file(store: RunStore) -> Path:
    return store.runs_dir / INDEX_DIR / INDEX_NAME


def test_saved_runs_are_listed_newest_first_with_their_summaries(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "p.runs")
    logs = [make_log(seconds) for seconds in (0, 120, 60)]
    for log in logs:
        store.save(log)
    assert listed(store) == [logs[1].run_id, logs[2].run_id, logs[0].run_id]
    assert store.summaries()[0] == RunSummary.of(logs[1]).model_dump(mode="json")
    on_disk = json.loads(index_file(store).read_text(encoding="utf-8"))
    assert sorted(on_disk["runs"]) == sorted(log.run_id for log in logs)


def test_a_save_that_changes_no_summary_leaves_the_index_alone(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "p.runs")
    log = make_log(0, RunStatus.running)
    store.save(log)
    before = index_file(store).stat()
    log.steps["a"].parameters = {"progress": "cell 2 of 9"}  # what progress saves change
    store.save(log)
    after = index_file(store).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    log.status = RunStatus.failed
    store.save(log)
    assert store.summaries()[0]["status"] == "failed"


def test_runs_written_without_an_index_are_found(tmp_path: Path) -> None:
    """Runs folders of earlier versions, and a run whose writer died before indexing it."""
    runs_dir = tmp_path / "p.runs"
    store = RunStore(runs_dir)
    store.save(make_log(0))
    old = make_log(60)
    (runs_dir / old.run_id).mkdir()
    (runs_dir / old.run_id / "run.json").write_text(old.model_dump_json(), encoding="utf-8")
    assert listed(RunStore(runs_dir)) == [old.run_id, listed(store)[-1]]


def test_a_run_folder_deleted_by_hand_leaves_the_listing(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "p.runs")
    kept, removed = make_log(0), make_log(60)
    store.save(kept)
    store.save(removed)
    shutil.rmtree(store.run_dir(removed.run_id))
    assert listed(store) == [kept.run_id]


def test_a_damaged_index_is_rebuilt_from_the_run_logs(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "p.runs")
    log = make_log(0)
    store.save(log)
    index_file(store).write_text('{"version": 1, "runs": ', encoding="utf-8")
    assert listed(RunStore(tmp_path / "p.runs")) == [log.run_id]
    assert json.loads(index_file(store).read_text(encoding="utf-8"))["runs"].keys() == {log.run_id}


def test_a_damaged_run_log_does_not_hide_the_others(tmp_path: Path) -> None:
    runs_dir = tmp_path / "p.runs"
    good = make_log(0)
    RunStore(runs_dir).save(good)
    shutil.rmtree(runs_dir / INDEX_DIR)
    damaged = runs_dir / new_run_id(START)
    damaged.mkdir()
    (damaged / "run.json").write_text("{", encoding="utf-8")
    assert listed(RunStore(runs_dir)) == [good.run_id]


SAVER = """
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from runnable_jupyter.runlog.models import RunLog, RunStatus, new_run_id
from runnable_jupyter.runlog.store import RunStore
store, offset = RunStore(Path(sys.argv[1])), int(sys.argv[2])
start = datetime(2026, 12, 1, tzinfo=timezone.utc)
for n in range(25):
    log = RunLog(run_id=new_run_id(start + timedelta(seconds=offset + n)), pipeline="p",
                 pipeline_sha256="0" * 64, status=RunStatus.running)
    store.save(log)
    log.status = RunStatus.succeeded
    store.save(log)
"""


def test_processes_saving_at_once_lose_no_run(tmp_path: Path) -> None:
    """A CLI and a server saving runs of one pipeline at the same time (the index's file lock)."""
    runs_dir = tmp_path / "p.runs"
    savers = [
        subprocess.Popen([sys.executable, "-c", SAVER, str(runs_dir), str(offset)])
        for offset in (0, 1000, 2000)
    ]
    assert [saver.wait(timeout=60) for saver in savers] == [0, 0, 0]
    on_disk = json.loads(index_file(RunStore(runs_dir)).read_text(encoding="utf-8"))["runs"]
    assert len(on_disk) == 75
    assert {summary["status"] for summary in on_disk.values()} == {"succeeded"}


@pytest.fixture
def manager(tmp_path: Path) -> RunManager:
    return RunManager(root=tmp_path, executor=FakeExecutor())


def test_a_run_the_index_shows_in_progress_is_checked_against_its_run_log(
    tmp_path: Path, manager: RunManager
) -> None:
    """A writer killed between its run log and the index: the run log wins."""
    write_step_pipeline(tmp_path, {"a": {}}, lambda path: write_notebook(path, "x = 1"))
    store = RunStore(tmp_path / "p.runs")
    log = make_log(0, RunStatus.running)
    store.save(log)
    log.status = RunStatus.failed
    (store.run_dir(log.run_id) / "run.json").write_text(log.model_dump_json(), encoding="utf-8")
    assert [run.status for run in manager.list_runs("p.pipeline.json").runs] == [RunStatus.failed]


def test_pages_follow_the_before_cursor(tmp_path: Path, manager: RunManager) -> None:
    write_step_pipeline(tmp_path, {"a": {}}, lambda path: write_notebook(path, "x = 1"))
    store = RunStore(tmp_path / "p.runs")
    logs = [make_log(seconds) for seconds in range(5)]
    for log in logs:
        store.save(log)
    newest_first = [log.run_id for log in reversed(logs)]
    seen, cursor = [], None
    for _ in range(5):  # bounded: 3 pages expected
        page = manager.list_runs("p.pipeline.json", limit=2, before=cursor)
        seen += [run.run_id for run in page.runs]
        cursor = page.next
        if cursor is None:
            break
    assert seen == newest_first
