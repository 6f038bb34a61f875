"""Runs isolated from each other by the versioned catalog, with real kernels: two runs of one
pipeline at once each read their own upstream's results, past runs' versions stay readable,
and a catalog folder from before versions keeps working."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import statuses, wait_until, write_notebook

from runnable_jupyter.catalog.store import CatalogStore
from runnable_jupyter.catalog.version_store import RunRecord
from runnable_jupyter.executors.local import LocalProcessExecutor
from runnable_jupyter.runlog.models import RunStatus
from runnable_jupyter.runs.manager import RunManager

pytestmark = pytest.mark.timeout(240)

PUT_THEN_WAIT = """\
import pathlib, time
from runnable_jupyter import catalog
catalog.put("n", n)
pathlib.Path(f"put-{n}").touch()
deadline = time.monotonic() + 60
while not pathlib.Path(f"go-{n}").exists() and time.monotonic() < deadline:
    time.sleep(0.05)
"""
WAIT_THEN_GET = """\
import pathlib, time
from runnable_jupyter import catalog
deadline = time.monotonic() + 60
while wait_for and not pathlib.Path(wait_for).exists() and time.monotonic() < deadline:
    time.sleep(0.05)
catalog.put("seen", catalog.get("n"))
"""


@pytest.fixture
def manager(tmp_path: Path, executor: LocalProcessExecutor) -> Iterator[RunManager]:
    runs = RunManager(root=tmp_path, executor=executor)
    yield runs
    runs.shutdown()


def write_two_step_pipeline(root: Path) -> str:
    write_notebook(root / "a.ipynb", PUT_THEN_WAIT, parameters="n = 0")
    write_notebook(root / "b.ipynb", WAIT_THEN_GET, parameters="wait_for = ''")
    steps = [
        {"id": "a", "notebook": "a.ipynb"},
        {"id": "b", "notebook": "b.ipynb", "depends_on": ["a"]},
    ]
    (root / "p.pipeline.json").write_text(json.dumps({"version": 1, "steps": steps}))
    return "p.pipeline.json"


def test_two_runs_at_once_each_read_their_own_upstream(manager: RunManager, tmp_path: Path) -> None:
    """Under last-write-wins, run Y's `b` would read X's n = 1, put while `b` waited."""
    pipeline = write_two_step_pipeline(tmp_path)
    y = manager.start(pipeline, parameters={"n": 2, "wait_for": "put-1"})
    wait_until(lambda: (tmp_path / "put-2").exists(), timeout=60)
    (tmp_path / "go-2").touch()  # Y's a succeeds; Y's b waits until X's a has put n = 1
    x = manager.start(pipeline, parameters={"n": 1})
    wait_until(lambda: (tmp_path / "put-1").exists(), timeout=60)
    y_done = manager.wait(y.run_id, timeout=120)
    (tmp_path / "go-1").touch()
    x_done = manager.wait(x.run_id, timeout=120)
    assert statuses(y_done) == statuses(x_done) == {"a": "succeeded", "b": "succeeded"}

    catalog = CatalogStore(tmp_path / "p.catalog")
    seen = {
        run.run_id: catalog.load(
            catalog.versions.version(
                "seen", RunRecord.load(catalog.versions, run.run_id).written["seen"]
            )
        )
        for run in (x, y)
    }
    assert seen == {x.run_id: 1, y.run_id: 2}
    # current moved with each success: X finished last
    assert catalog.get("n") == 1 and catalog.metadata("n")["run_id"] == x.run_id
    assert [version["run_id"] for version in catalog.versions.versions("n")] == [y.run_id, x.run_id]


def test_a_past_runs_versions_stay_readable_and_retries_keep_the_pins(
    manager: RunManager, tmp_path: Path
) -> None:
    pipeline = write_two_step_pipeline(tmp_path)
    for n in (1, 2):
        (tmp_path / f"go-{n}").touch()
    first = manager.wait(manager.start(pipeline, parameters={"n": 1}).run_id, timeout=120)
    second = manager.wait(manager.start(pipeline, parameters={"n": 2}).run_id, timeout=120)
    assert first.status == second.status == RunStatus.succeeded
    assert second.catalog_pins is not None and "n" in second.catalog_pins  # first run's n
    probe = tmp_path / "probe.ipynb"
    write_notebook(
        probe,
        "from runnable_jupyter import catalog\ncatalog.use('p.pipeline.json')\n"
        f"assert catalog.get('n', run='{first.run_id}') == 1\n"
        f"assert catalog.get('seen', run='{second.run_id}') == 2\n"
        "assert catalog.get('n') == 2\n"
        "assert [v['run_id'] for v in catalog.versions('n')] == "
        f"['{first.run_id}', '{second.run_id}']\n",
    )
    steps = [{"id": "probe", "notebook": "probe.ipynb"}]
    (tmp_path / "probe.pipeline.json").write_text(json.dumps({"version": 1, "steps": steps}))
    checked = manager.wait(manager.start("probe.pipeline.json").run_id, timeout=120)
    assert checked.status == RunStatus.succeeded, checked.steps["probe"].last_attempt.error


def test_a_catalog_folder_from_before_versions_is_adopted(
    manager: RunManager, tmp_path: Path
) -> None:
    """An earlier version's layout: entry files and `.meta` sidecars, no `.versions`."""
    pipeline = write_two_step_pipeline(tmp_path)
    old = tmp_path / "p.catalog"
    (old / ".meta").mkdir(parents=True)
    (old / "n.json").write_text("7")
    meta = {"name": "n", "file": "n.json", "format": "json", "step": "a", "run_id": None}
    (old / ".meta" / "n.json").write_text(json.dumps(meta))
    (old / "by-hand.json").write_text('{"k": 1}')
    write_notebook(tmp_path / "b.ipynb", WAIT_THEN_GET, parameters="wait_for = ''")
    log = manager.start(pipeline, steps=["b"], mode="only")  # b reads the catalog as it is
    done = manager.wait(log.run_id, timeout=120)
    assert done.status == RunStatus.succeeded, done.steps["b"].last_attempt.error
    catalog = CatalogStore(old)
    assert catalog.get("seen") == 7
    assert set(done.catalog_pins or {}) == {"n", "by-hand.json"}
    assert catalog.get("by-hand.json") == {"k": 1}
