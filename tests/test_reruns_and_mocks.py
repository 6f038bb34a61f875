"""Exact re-runs, mocked steps and the Python API, with real kernels: a re-run writes
byte-identical catalog versions from the original's inputs; a mock's files stand in for a step
from the CLI, the Python API and REST; bad mocks are refused with nothing written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import statuses, write_notebook
from server_support import call, wait_for_run

from runnable_jupyter import run_pipeline
from runnable_jupyter.catalog.store import CatalogStore
from runnable_jupyter.catalog.version_store import RunRecord
from runnable_jupyter.cli import main
from runnable_jupyter.errors import BadRequest, PathOutsideRoot, UnknownStep
from runnable_jupyter.executors.local import LocalProcessExecutor
from runnable_jupyter.runlog.models import RunLog, RunStatus
from runnable_jupyter.runs.manager import RunManager

pytestmark = pytest.mark.timeout(240)

PRODUCE = (
    "from runnable_jupyter import catalog\n"
    "catalog.put('n', n)\ncatalog.put('table', list(range(n)))"
)
CONSUME = (
    "from runnable_jupyter import catalog\n"
    "n = catalog.get('n')\ncatalog.put('doubled', {'n': n, 'twice': 2 * n})"
)


def write_flow(root: Path) -> str:
    write_notebook(root / "produce.ipynb", PRODUCE, parameters="n = 3")
    write_notebook(root / "consume.ipynb", CONSUME)
    steps = [
        {"id": "a", "notebook": "produce.ipynb"},
        {"id": "b", "notebook": "consume.ipynb", "depends_on": ["a"]},
    ]
    (root / "flow.pipeline.json").write_text(json.dumps({"version": 1, "steps": steps}))
    return "flow.pipeline.json"


def written(root: Path, log: RunLog) -> dict[str, str]:
    record = RunRecord.load(CatalogStore(root / "flow.catalog").versions, log.run_id)
    assert record is not None
    return record.written


@pytest.fixture
def manager(tmp_path: Path, executor: LocalProcessExecutor) -> Iterator[RunManager]:
    runs = RunManager(root=tmp_path, executor=executor)
    yield runs
    runs.shutdown()


def finished(manager: RunManager, **start: Any) -> RunLog:
    log = manager.wait(manager.start(**start).run_id, timeout=180)
    assert log.status == RunStatus.succeeded, {s: r.last_attempt for s, r in log.steps.items()}
    return log


def test_a_rerun_writes_byte_identical_versions_from_the_originals_inputs(
    manager: RunManager, tmp_path: Path
) -> None:
    pipeline = write_flow(tmp_path)
    original = finished(manager, pipeline=pipeline, parameters={"n": 4})
    other = finished(manager, pipeline=pipeline, parameters={"n": 9})  # current n is now 9
    assert written(tmp_path, other)["n"] != written(tmp_path, original)["n"]

    again = finished(manager, pipeline=pipeline, rerun_of=original.run_id)
    assert again.rerun_of == original.run_id and again.parameters == {"n": 4}
    assert written(tmp_path, again) == written(tmp_path, original)

    # only b again: it reads what a wrote in the original, not the current n = 9
    only_b = finished(
        manager, pipeline=pipeline, rerun_of=original.run_id, steps=["b"], mode="only"
    )
    assert statuses(only_b) == {"a": "not_selected", "b": "succeeded"}
    assert written(tmp_path, only_b)["doubled"] == written(tmp_path, original)["doubled"]
    assert CatalogStore(tmp_path / "flow.catalog").get("doubled") == {"n": 4, "twice": 8}


def test_a_rerun_of_another_pipelines_run_is_refused(manager: RunManager, tmp_path: Path) -> None:
    pipeline = write_flow(tmp_path)
    original = finished(manager, pipeline=pipeline)
    other = tmp_path / "other"
    write_flow(other)
    with pytest.raises(BadRequest, match="is a run of flow.pipeline.json"):
        manager.start("other/flow.pipeline.json", rerun_of=original.run_id)


def test_a_mocked_step_stands_in_with_its_files(manager: RunManager, tmp_path: Path) -> None:
    pipeline = write_flow(tmp_path)
    finished(manager, pipeline=pipeline)  # current n = 3
    mock = tmp_path / "mocks" / "a"
    mock.mkdir(parents=True)
    (mock / "n.json").write_text("21")
    log = finished(manager, pipeline=pipeline, mocks={"a": "mocks/a"})
    assert statuses(log) == {"a": "mocked", "b": "succeeded"}
    assert log.mocks == {"a": "mocks/a"}
    assert [w.name for w in log.steps["a"].last_attempt.catalog_writes] == ["n"]
    catalog = CatalogStore(tmp_path / "flow.catalog")
    assert catalog.get("doubled") == {"n": 21, "twice": 42}
    assert catalog.get("n") == 3  # a mock never becomes the current version


@pytest.mark.parametrize(
    ("mocks", "error", "message"),
    [
        ({"nope": "mocks"}, UnknownStep, "has no such step"),
        ({"a": "/etc"}, PathOutsideRoot, "outside the workspace root"),
        ({"a": "../elsewhere"}, PathOutsideRoot, "leaves the workspace root"),
        ({"a": "missing"}, BadRequest, "does not exist"),
        ({"a": "empty"}, BadRequest, "holds no file"),
    ],
    ids=["unknown-step", "absolute-outside", "dotdot", "missing", "empty-folder"],
)
def test_bad_mocks_are_refused_and_nothing_is_written(
    manager: RunManager, tmp_path: Path, mocks: dict[str, str], error: type, message: str
) -> None:
    pipeline = write_flow(tmp_path)
    (tmp_path / "empty").mkdir()
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    with pytest.raises(error, match=message):
        manager.start(pipeline, mocks=mocks)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before


def test_the_cli_runs_with_mocks_reruns_and_lists_the_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    pipeline = write_flow(tmp_path)
    (tmp_path / "mock-a").mkdir()
    (tmp_path / "mock-a" / "n.json").write_text("5")
    assert main(["run", pipeline, "--mock", "a=mock-a"]) == 0
    run_id = capsys.readouterr().out.splitlines()[0]
    assert main(["rerun", pipeline, run_id]) == 0
    rerun_id = capsys.readouterr().out.splitlines()[0]
    assert main(["catalog", pipeline, "doubled", "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)["entries"]
    [version] = entry["versions"]  # the re-run wrote the same bytes: one version
    assert sorted(version["written_by"]) == sorted([run_id, rerun_id])
    assert main(["catalog", pipeline, "--run", rerun_id]) == 0
    table = capsys.readouterr().out
    assert "doubled" in table and "written" in table
    assert main(["run", pipeline, "--mock", "a"]) == 2
    assert "is not STEP=PATH" in capsys.readouterr().err
    assert main(["run", pipeline, "--mock", "zzz=mock-a"]) == 2
    assert "cannot mock step 'zzz'" in capsys.readouterr().err


def test_run_pipeline_returns_statuses_errors_and_what_the_run_wrote(tmp_path: Path) -> None:
    pipeline = write_flow(tmp_path)
    (tmp_path / "mock-a").mkdir()
    (tmp_path / "mock-a" / "n.json").write_text("8")
    result = run_pipeline(tmp_path / pipeline, mocks={"a": tmp_path / "mock-a"}, root=tmp_path)
    assert result.status == "succeeded" and result.errors() == {}
    assert {step: outcome.status for step, outcome in result.steps.items()} == {
        "a": "mocked",
        "b": "succeeded",
    }
    assert result.get("doubled") == {"n": 8, "twice": 16}
    (tmp_path / "consume.ipynb").unlink()
    write_notebook(tmp_path / "consume.ipynb", "raise ValueError('no good')")
    failed = run_pipeline(tmp_path / pipeline, root=tmp_path)
    assert failed.status == "failed"
    assert failed.errors()["b"].message == "no good"


async def test_rest_runs_take_mocks_and_rerun_of_and_list_the_catalog(jp_fetch, jp_root_dir):
    pipeline = write_flow(jp_root_dir)
    (jp_root_dir / "mock-a").mkdir()
    (jp_root_dir / "mock-a" / "n.json").write_text("2")
    code, body = await call(
        jp_fetch, "POST", "runs", body={"pipeline": pipeline, "mocks": {"a": "mock-a"}}
    )
    assert code == 202, body
    first = await wait_for_run(jp_fetch, body["run_id"])
    assert {step: record["status"] for step, record in first["steps"].items()} == {
        "a": "mocked",
        "b": "succeeded",
    }
    code, body = await call(
        jp_fetch, "POST", "runs", body={"pipeline": pipeline, "rerun_of": first["run_id"]}
    )
    assert code == 202, body
    again = await wait_for_run(jp_fetch, body["run_id"])
    assert again["rerun_of"] == first["run_id"] and again["status"] == "succeeded"
    code, listing = await call(
        jp_fetch, "GET", "catalog", params={"pipeline": pipeline, "run": again["run_id"]}
    )
    assert code == 200
    assert listing["run"]["doubled"]["written"] == listing["entries"][0]["versions"][0]["sha256"]
    code, body = await call(
        jp_fetch, "POST", "runs", body={"pipeline": pipeline, "mocks": {"a": "../out"}}
    )
    assert code == 403, body
