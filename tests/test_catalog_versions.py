"""The version store under a catalog folder, without kernels: immutable deduplicated versions,
views that other writers cannot change, current versions moving only on promotion, globs, and
garbage collection with run retention."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from runnable_jupyter.catalog.store import CatalogStore, glob_matches
from runnable_jupyter.catalog.version_store import RunRecord
from runnable_jupyter.catalog.views import CatalogView
from runnable_jupyter.runlog.models import RunLog, RunStatus, new_run_id
from runnable_jupyter.runlog.store import RunStore
from runnable_jupyter.runs.retention import RetentionPolicy, prune_runs


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "p.catalog"


def in_run(folder: Path, view: CatalogView, run_id: str = "r1", step: str = "a") -> CatalogStore:
    return CatalogStore(folder, view, run_id=run_id, step=step)


def test_equal_content_is_stored_once_and_every_put_is_a_version(folder: Path) -> None:
    store = CatalogStore(folder)
    first = store.put("n", {"v": 1})
    store.put("n", {"v": 2})
    again = store.put("n", {"v": 1})
    assert first.sha256 == again.sha256
    assert [v["sha256"] for v in store.versions.versions("n")] == [
        first.sha256,
        store.versions.versions("n")[1]["sha256"],
    ]
    assert len(list((folder / ".versions" / "objects").glob("*/*"))) == 2
    assert not list((folder / ".versions").rglob("*.tmp"))  # nothing half-written left


def test_a_step_reads_its_view_and_own_writes_never_what_others_write(folder: Path) -> None:
    CatalogStore(folder).put("n", 1)
    view = CatalogView(CatalogStore(folder).current())
    step = in_run(folder, view)
    CatalogStore(folder).put("n", 99)  # someone else, meanwhile
    assert step.get("n") == 1
    step.put("m", "mine")
    assert step.get("m") == "mine" and step.names() == ["m", "n"]
    assert not (folder / "m.json").exists()  # not current until the step succeeds


def test_promotion_makes_a_steps_versions_current_with_its_run_and_step(folder: Path) -> None:
    step = in_run(folder, CatalogView(), run_id="r7", step="train")
    written = step.put("model", {"w": [1, 2]})
    CatalogStore(folder).promote([written], "r7", "train")
    current = CatalogStore(folder)
    assert current.get("model") == {"w": [1, 2]}
    assert {k: current.metadata("model")[k] for k in ("run_id", "step", "sha256")} == {
        "run_id": "r7",
        "step": "train",
        "sha256": written.sha256,
    }


def test_a_file_edited_by_hand_becomes_a_new_version(folder: Path) -> None:
    store = CatalogStore(folder)
    store.put("cfg", {"a": 1})
    (folder / "cfg.json").write_text('{"a": 2}')
    assert store.get("cfg") == {"a": 2}
    assert len(store.versions.versions("cfg")) == 2
    assert store.metadata("cfg")["run_id"] is None  # changed outside any run


@pytest.mark.parametrize(
    ("path", "pattern", "matches"),
    [
        ("a.csv", "*", True),
        ("sub/a.csv", "*", False),
        ("sub/a.csv", "**/*.csv", True),
        ("a.csv", "**/*.csv", True),
        ("sub/deep/a.csv", "sub/**/a.csv", True),
        ("model_logreg.pkl", "model_*", True),
        ("test.parquet", "test.*", True),
        ("tests/x", "test*", False),
    ],
)
def test_globs_match_like_path_glob(path: str, pattern: str, matches: bool) -> None:
    assert glob_matches(path, pattern) is matches


def _finished_run(runs: RunStore, minutes: int) -> RunLog:
    when = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=minutes)
    log = RunLog(
        run_id=new_run_id(when),
        pipeline="p.pipeline.json",
        pipeline_sha256="0" * 64,
        status=RunStatus.succeeded,
        start=when,
        end=when,
    )
    runs.save(log)
    return log


def test_retention_deletes_the_versions_only_deleted_runs_used(
    tmp_path: Path, folder: Path
) -> None:
    runs = RunStore(tmp_path / "p.runs")
    old, kept = _finished_run(runs, 0), _finished_run(runs, 1)
    only_old = in_run(folder, CatalogView(), run_id=old.run_id).put("scratch", "old only")
    shared = in_run(folder, CatalogView(), run_id=old.run_id).put("n", 1)
    RunRecord(old.run_id, {}, {}, {"scratch": only_old.sha256, "n": shared.sha256}).save(
        CatalogStore(folder).versions
    )
    RunRecord(kept.run_id, {"n": shared.sha256}).save(CatalogStore(folder).versions)
    current = CatalogStore(folder).put("report", "current")

    deleted = prune_runs(runs, RetentionPolicy(keep_last=1), catalog_dir=folder)
    assert deleted == [old.run_id]
    versions = CatalogStore(folder).versions
    assert (
        not versions.has(only_old.sha256) and versions.version("scratch", only_old.sha256) is None
    )
    assert versions.has(shared.sha256) and versions.has(current.sha256)
    assert RunRecord.load(versions, old.run_id) is None


def test_no_version_is_collected_while_an_exec_step_run_is_in_progress(
    tmp_path: Path, folder: Path
) -> None:
    runs = RunStore(tmp_path / "p.runs")
    old = _finished_run(runs, 0)
    # A run whose steps are exec-step processes: no process owns it, and a step records what it
    # wrote only when it ends.
    going = _finished_run(runs, 1).model_copy(
        update={"status": RunStatus.running, "end": None, "orchestrated": True}
    )
    runs.save(going)
    unrecorded = in_run(folder, CatalogView(), run_id=going.run_id).put("fresh", "being written")
    deleted = prune_runs(runs, RetentionPolicy(keep_last=1), catalog_dir=folder)
    assert deleted == [old.run_id]
    assert CatalogStore(folder).versions.has(unrecorded.sha256)
