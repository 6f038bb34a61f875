"""RunStore: atomic, thread-safe run log files; run ids checked before touching the disk."""

from __future__ import annotations

import json
import subprocess
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from runnable_jupyter.errors import BadRequest, RunNotFound
from runnable_jupyter.runlog.models import RunLog, RunStatus, StepRecord, new_run_id
from runnable_jupyter.runlog.store import RunStore, find_runs_dirs, runs_dir_for
from runnable_jupyter.runs.environment import collect_environment, git_state


def make_log(run_id: str | None = None, **changes) -> RunLog:
    log = RunLog(
        run_id=run_id or new_run_id(), pipeline="etl.pipeline.json", pipeline_sha256="0" * 64
    )
    log.steps["a"] = StepRecord(id="a", notebook="a.ipynb")
    return log.model_copy(update=changes)


def test_runs_dir_sits_next_to_the_pipeline_and_is_named_after_it(tmp_path: Path) -> None:
    assert runs_dir_for(tmp_path / "sub" / "etl.pipeline.json") == tmp_path / "sub" / "etl.runs"


def test_save_then_load_round_trips_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "etl.runs")
    log = make_log(status=RunStatus.running, parameters={"n": 3})
    path = store.save(log)
    assert path == tmp_path / "etl.runs" / log.run_id / "run.json"
    assert store.load(log.run_id) == log
    assert sorted(p.name for p in path.parent.iterdir()) == ["run.json"]


def test_list_is_newest_first_and_skips_unreadable_logs(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "etl.runs")
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    older, newer = (make_log(new_run_id(now + timedelta(seconds=s))) for s in (0, 60))
    store.save(older)
    store.save(newer)
    damaged = store.run_dir(new_run_id(now + timedelta(seconds=120)))
    damaged.mkdir()
    (damaged / "run.json").write_text('{"run_id": ', encoding="utf-8")
    (store.runs_dir / "not-a-run").mkdir()
    assert [log.run_id for log in store.list()] == [newer.run_id, older.run_id]


def test_list_of_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert RunStore(tmp_path / "nothing.runs").list() == []


@pytest.mark.parametrize("bad_id", ["../../etc", "20260101T000000-ABCDEF", "", "x/../y"])
def test_bad_run_ids_are_refused_before_touching_the_disk(tmp_path: Path, bad_id: str) -> None:
    store = RunStore(tmp_path / "etl.runs")
    with pytest.raises(BadRequest, match="not a run id"):
        store.load(bad_id)
    with pytest.raises(BadRequest):
        store.save(make_log().model_copy(update={"run_id": bad_id}))
    assert not (tmp_path / "etl.runs").exists()


def test_loading_an_unknown_run_raises_run_not_found(tmp_path: Path) -> None:
    with pytest.raises(RunNotFound):
        RunStore(tmp_path / "etl.runs").load(new_run_id())


def test_concurrent_saves_always_leave_a_complete_document(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "etl.runs")
    log = make_log()
    store.save(log)
    stop = threading.Event()
    torn: list[str] = []

    def read_repeatedly() -> None:
        while not stop.is_set():
            try:
                json.loads(store.run_log_path(log.run_id).read_text(encoding="utf-8"))
            except ValueError as error:
                torn.append(str(error))

    def save_repeatedly(worker: int) -> None:
        for n in range(40):
            parameters = {"worker": worker, "n": n, "padding": "x" * 5000}
            store.save(log.model_copy(update={"parameters": parameters}))

    reader = threading.Thread(target=read_repeatedly)
    reader.start()
    writers = [threading.Thread(target=save_repeatedly, args=(w,)) for w in range(4)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    reader.join()
    assert torn == []
    assert store.load(log.run_id).parameters["n"] == 39


def test_find_runs_dirs_skips_hidden_and_environment_folders(tmp_path: Path) -> None:
    for folder in ["etl.runs", "sub/deep/x.runs", ".hidden/y.runs", "node_modules/z.runs"]:
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "etl.runs" / "inner.runs").mkdir()  # inside a runs folder: not searched
    found = {p.relative_to(tmp_path).as_posix() for p in find_runs_dirs(tmp_path)}
    assert found == {"etl.runs", "sub/deep/x.runs"}


def test_environment_records_versions_and_kernel_language(tmp_path: Path) -> None:
    environment = collect_environment(tmp_path, ["python3", "no-such-kernel"])
    assert environment.python and environment.papermill and environment.nbclient
    assert environment.kernels["python3"].startswith("python 3.")
    assert environment.kernels["no-such-kernel"] == ""
    assert environment.git_commit is None and environment.git_dirty is None  # not a repository


def test_git_state_reports_commit_and_dirty_flag(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    identity = ["-c", "user.email=t@example.org", "-c", "user.name=t"]
    git("init", "-q")
    (tmp_path / "tracked.txt").write_text("1")
    git("add", "tracked.txt")
    git(*identity, "commit", "-q", "-m", "first")
    (tmp_path / "untracked.txt").write_text("ignored")
    commit, dirty = git_state(tmp_path)
    assert commit is not None and len(commit) == 40 and dirty is False
    (tmp_path / "tracked.txt").write_text("2")
    assert git_state(tmp_path)[1] is True
