"""Skipping unchanged steps (`skip_unchanged`): real notebooks, real kernels, one shared pool.

The pipeline: `a` puts {"n": n} in the catalog, `b` (after `a`) reads it and puts n * 2, `c` is
independent and puts its label. A cached step starts no kernel, so it leaves no executed
notebook in the run folder: that is how these tests tell "reused" from "ran".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import statuses, write_notebook

from runnable_jupyter.catalog.store import CatalogStore
from runnable_jupyter.executors.local import LocalProcessExecutor
from runnable_jupyter.pipeline.graph import Mode
from runnable_jupyter.runlog.models import CachedFrom, RunLog, RunStatus, StepStatus
from runnable_jupyter.runs.caching import step_fingerprint
from runnable_jupyter.runs.events import RunEvent
from runnable_jupyter.runs.manager import RunManager

pytestmark = pytest.mark.timeout(300)

PIPELINE = "flow.pipeline.json"
PUT_A = "from runnable_jupyter import catalog\ncatalog.put('a', {'n': n})"
PUT_B = "from runnable_jupyter import catalog\ncatalog.put('b', catalog.get('a')['n'] * 2)"
PUT_C = "from runnable_jupyter import catalog\ncatalog.put('c', label)"
FAIL_C_ON_BOOM = "import os\nassert not os.path.exists('boom'), 'boom'"  # steered from outside


def write_pipeline(root: Path, a_parameters: dict[str, Any] | None = None) -> None:
    steps = [
        {"id": "a", "notebook": "a.ipynb", "parameters": a_parameters or {}},
        {"id": "b", "notebook": "b.ipynb", "depends_on": ["a"]},
        {"id": "c", "notebook": "c.ipynb"},
    ]
    (root / PIPELINE).write_text(json.dumps({"version": 1, "steps": steps}))


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    write_notebook(tmp_path / "a.ipynb", PUT_A, parameters="n = 1")
    write_notebook(tmp_path / "b.ipynb", PUT_B)
    write_notebook(tmp_path / "c.ipynb", FAIL_C_ON_BOOM, PUT_C, parameters="label = 'c'")
    write_pipeline(tmp_path)
    return tmp_path


@pytest.fixture
def manager(
    ws: Path, executor: LocalProcessExecutor, events: list[RunEvent]
) -> Iterator[RunManager]:
    runs = RunManager(root=ws, executor=executor, on_event=events.append, max_parallel=2)
    yield runs
    runs.shutdown()


def run(manager: RunManager, **kwargs: Any) -> RunLog:
    log = manager.start(PIPELINE, **kwargs)
    done = manager.wait(log.run_id, timeout=240)
    assert done.status == RunStatus.succeeded, statuses(done)
    return done


def executed_notebooks(log: RunLog) -> set[str]:
    """Steps of `log` that left an executed notebook: the ones that really ran a kernel."""
    return {path.stem for path in Path(log.run_dir).glob("*.ipynb")}


def catalog(ws: Path) -> CatalogStore:
    return CatalogStore(ws / "flow.catalog")


# --- reusing --------------------------------------------------------------------------------


def test_a_second_run_with_skip_unchanged_caches_every_step_without_running_it(
    manager: RunManager, ws: Path, events: list[RunEvent]
) -> None:
    first = run(manager)
    assert statuses(first) == {"a": "succeeded", "b": "succeeded", "c": "succeeded"}
    assert all(record.fingerprint for record in first.steps.values())
    assert all(record.cached_from is None for record in first.steps.values())

    events.clear()
    second = run(manager, skip_unchanged=True)
    assert second.skip_unchanged is True
    assert statuses(second) == {"a": "cached", "b": "cached", "c": "cached"}
    assert executed_notebooks(second) == set()  # no kernel started
    for step_id, record in second.steps.items():
        assert record.cached_from == CachedFrom(run_id=first.run_id, attempt=1)
        assert record.fingerprint == first.steps[step_id].fingerprint
        (attempt,) = record.attempts
        assert attempt.status == StepStatus.cached
        assert attempt.start == attempt.end and attempt.duration_s == 0
        assert attempt.output_notebook is None
    step_events = {(e.step_id, e.status) for e in events if e.kind == "step"}
    assert step_events == {("a", "cached"), ("b", "cached"), ("c", "cached")}
    assert [e.status for e in events if e.kind == "run"][-1] == "succeeded"

    # A cached record vouches for the execution it reused, never for itself.
    third = run(manager, skip_unchanged=True)
    assert statuses(third) == {"a": "cached", "b": "cached", "c": "cached"}
    assert {r.cached_from.run_id for r in third.steps.values() if r.cached_from} == {first.run_id}
    assert catalog(ws).get("b") == 2


def test_without_the_flag_every_step_runs_again(manager: RunManager) -> None:
    run(manager)
    again = run(manager)
    assert again.skip_unchanged is False
    assert statuses(again) == {"a": "succeeded", "b": "succeeded", "c": "succeeded"}
    assert executed_notebooks(again) == {"a", "b", "c"}


def test_a_changed_parameter_reruns_the_step_and_its_descendants_but_not_independent_ones(
    manager: RunManager, ws: Path
) -> None:
    first = run(manager)
    write_pipeline(ws, a_parameters={"n": 5})
    second = run(manager, skip_unchanged=True)
    assert statuses(second) == {"a": "succeeded", "b": "succeeded", "c": "cached"}
    assert executed_notebooks(second) == {"a", "b"}
    assert second.steps["a"].fingerprint != first.steps["a"].fingerprint
    # b itself did not change: it ran only because a really ran before it (rule 3)
    assert second.steps["b"].fingerprint == first.steps["b"].fingerprint
    assert catalog(ws).get("b") == 10

    # A run override changes every step's parameters: nothing is reused.
    third = run(manager, skip_unchanged=True, parameters={"label": "changed"})
    assert executed_notebooks(third) == {"a", "b", "c"}
    assert catalog(ws).get("c") == "changed"


def test_an_edited_source_notebook_reruns_that_step(manager: RunManager, ws: Path) -> None:
    run(manager)
    write_notebook(
        ws / "c.ipynb", FAIL_C_ON_BOOM, PUT_C, "print('edited')", parameters="label = 'c'"
    )
    second = run(manager, skip_unchanged=True)
    assert statuses(second) == {"a": "cached", "b": "cached", "c": "succeeded"}
    assert executed_notebooks(second) == {"c"}


def test_a_deleted_catalog_output_reruns_its_producer(manager: RunManager, ws: Path) -> None:
    run(manager)
    (ws / "flow.catalog" / "c.json").unlink()
    second = run(manager, skip_unchanged=True)
    assert statuses(second) == {"a": "cached", "b": "cached", "c": "succeeded"}
    assert catalog(ws).get("c") == "c"


def test_a_changed_upstream_artifact_reruns_the_step_that_read_it(
    manager: RunManager, ws: Path
) -> None:
    run(manager)
    # Only the upstream step runs, with other parameters: the catalog entry 'a' changes.
    run(manager, steps=["a"], mode=Mode.only, parameters={"n": 7})
    third = run(manager, steps=["b"], mode=Mode.only, skip_unchanged=True)
    assert statuses(third) == {"a": "not_selected", "b": "succeeded", "c": "not_selected"}
    assert catalog(ws).get("b") == 14
    # Unchanged since that run: now b is reused, from the run that last executed it.
    fourth = run(manager, steps=["b"], mode=Mode.only, skip_unchanged=True)
    assert statuses(fourth)["b"] == "cached"
    assert fourth.steps["b"].cached_from == CachedFrom(run_id=third.run_id, attempt=1)


def test_a_retry_keeps_the_runs_skip_unchanged_choice(manager: RunManager, ws: Path) -> None:
    first = run(manager)
    (ws / "flow.catalog" / "c.json").unlink()  # c cannot be reused ...
    (ws / "boom").write_text("")  # ... and fails while this file exists
    log = manager.start(PIPELINE, skip_unchanged=True)
    failed = manager.wait(log.run_id, timeout=240)
    assert statuses(failed) == {"a": "cached", "b": "cached", "c": "failed"}
    (ws / "boom").unlink()
    fixed = run(manager, steps=["c"], mode=Mode.only)  # puts c back, as c puts it
    assert executed_notebooks(fixed) == {"c"}

    manager.retry(failed.run_id)
    retried = manager.wait(failed.run_id, timeout=240)
    assert retried.skip_unchanged is True
    assert statuses(retried) == {"a": "cached", "b": "cached", "c": "cached"}
    assert retried.status == RunStatus.succeeded
    assert retried.steps["c"].cached_from == CachedFrom(run_id=fixed.run_id, attempt=1)
    assert retried.steps["a"].cached_from == CachedFrom(run_id=first.run_id, attempt=1)
    assert [a.status.value for a in retried.steps["c"].attempts] == ["failed", "cached"]


# --- the fingerprint ------------------------------------------------------------------------


def test_the_fingerprint_ignores_key_order_but_not_values() -> None:
    base = {
        "source_sha256": "s",
        "parameters": {"x": 1, "y": [1, 2]},
        "kernel": "python3",
        "skip_tags": ["skip", "draft"],
        "catalog_get": ["in/*.csv"],
        "catalog_put": [],
    }
    same = base | {"parameters": {"y": [1, 2], "x": 1}, "skip_tags": ["draft", "skip"]}
    assert step_fingerprint(**base) == step_fingerprint(**same)
    for change in (
        {"source_sha256": "t"},
        {"parameters": {"x": 2, "y": [1, 2]}},
        {"kernel": "ir"},
        {"skip_tags": ["skip"]},
        {"catalog_get": []},
        {"catalog_put": ["out.csv"]},
    ):
        assert step_fingerprint(**(base | change)) != step_fingerprint(**base), change
