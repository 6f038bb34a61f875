"""Imported pipelines run: the Orchest stand-in (runnable_jupyter.compat.orchest) in-process,
then corpus pipelines whose notebooks work offline, imported and run green in real kernels
(the module's two warm workers): Elyra's file passing through `outputs`, Elyra env vars, and
Orchest notebooks passing data with `orchest.output`/`get_inputs` after their one-line change.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from corpus_support import REPO, entry, rebuild

from runnable_jupyter import catalog
from runnable_jupyter.compat import orchest
from runnable_jupyter.errors import CatalogError
from runnable_jupyter.executors.local import LocalProcessExecutor
from runnable_jupyter.importers import convert, write
from runnable_jupyter.runlog.models import RunStatus, StepStatus
from runnable_jupyter.runs.manager import RunManager

RUN_ENV = (
    "RUNNABLE_JUPYTER_CATALOG_DIR",
    "RUNNABLE_JUPYTER_PIPELINE",
    "RUNNABLE_JUPYTER_RUN_ID",
    "RUNNABLE_JUPYTER_STEP_ID",
    "RUNNABLE_JUPYTER_ACCESS_LOG",
    "JPY_SESSION_NAME",
)
RUN_TIMEOUT_S = 240


@pytest.fixture(autouse=True)
def outside_any_run(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in RUN_ENV:
        monkeypatch.delenv(name, raising=False)
    catalog.use(None)
    yield
    catalog.use(None)


# --- the Orchest stand-in, in this process ------------------------------------------------------


def orchest_pipeline(folder: Path) -> Path:
    """Steps a and b feed c (in the order b, a); parameters with Orchest's names, renamed."""
    steps = [
        {"id": "a", "notebook": "a.ipynb", "parameters": {"test_output_file": "a.json"}},
        {"id": "b", "notebook": "b.ipynb"},
        {"id": "c", "notebook": "c.ipynb", "depends_on": ["b", "a"], "parameters": {"n": 2}},
    ]
    document = {"version": 1, "parameters": {"pipeline_param_A": 1, "n": 7}, "steps": steps}
    path = folder / "p.pipeline.json"
    path.write_text(json.dumps(document))
    return path


def as_step(monkeypatch: pytest.MonkeyPatch, pipeline: Path, step: str) -> None:
    monkeypatch.setenv("RUNNABLE_JUPYTER_PIPELINE", str(pipeline))
    monkeypatch.setenv("RUNNABLE_JUPYTER_STEP_ID", step)


def test_output_and_get_inputs_pass_data_in_depends_on_order(tmp_path, monkeypatch):
    pipeline = orchest_pipeline(tmp_path)
    as_step(monkeypatch, pipeline, "a")
    orchest.output(pd.DataFrame({"x": [1, 2]}))
    as_step(monkeypatch, pipeline, "b")
    orchest.output(np.arange(3), name="numbers")
    as_step(monkeypatch, pipeline, "c")
    inputs = orchest.get_inputs()
    assert set(inputs) == {"numbers", "unnamed"}
    assert inputs["numbers"].tolist() == [0, 1, 2]
    assert [frame["x"].tolist() for frame in inputs["unnamed"]] == [[1, 2]]
    assert inputs[0].tolist() == [0, 1, 2] and inputs[1]["x"].tolist() == [1, 2]  # b, then a
    as_step(monkeypatch, pipeline, "a")
    orchest.output({"replaced": True}, name="numbers")  # a second output replaces the first
    as_step(monkeypatch, pipeline, "c")
    with pytest.raises(CatalogError, match="two steps this one depends on output data named"):
        orchest.get_inputs()


def test_get_inputs_says_which_upstream_step_output_nothing(tmp_path, monkeypatch):
    pipeline = orchest_pipeline(tmp_path)
    as_step(monkeypatch, pipeline, "b")
    orchest.output("hello")
    as_step(monkeypatch, pipeline, "c")
    with pytest.raises(CatalogError, match="step 'a' has no output"):
        orchest.get_inputs()
    assert orchest.get_inputs(ignore_failure=True)["unnamed"] == ["hello", None]
    with pytest.raises(ValueError, match="'unnamed' is a reserved name"):
        orchest.output(1, name="unnamed")


def test_parameters_are_found_by_their_orchest_names(tmp_path, monkeypatch):
    pipeline = orchest_pipeline(tmp_path)
    as_step(monkeypatch, pipeline, "a")
    assert orchest.get_step_param("test-output-file") == "a.json"
    assert orchest.get_step_param("missing", default=3) == 3
    assert orchest.get_pipeline_param("pipeline-param-A") == 1
    step, pipe = orchest.parameters.get_params()
    assert step.get("test-output-file") == "a.json" and "test-output-file" in step
    assert pipe == {"pipeline_param_A": 1, "n": 7}
    as_step(monkeypatch, pipeline, "c")  # a step parameter and a pipeline one of the same name
    assert (orchest.get_step_param("n"), orchest.get_pipeline_param("n")) == (2, 7)
    with pytest.raises(CatalogError, match="runs never change the pipeline file"):
        orchest.update_step_param("n", 3)


def test_outside_a_pipeline_the_stand_in_says_what_to_do(tmp_path, monkeypatch):
    pipeline = orchest_pipeline(tmp_path)
    as_step(monkeypatch, pipeline, "nope")
    with pytest.raises(CatalogError, match="step 'nope' is not a step of"):
        orchest.output(1)


def test_the_stand_in_answers_to_orchest_module_names_and_stays_light():
    code = (
        "import sys\n"
        "from runnable_jupyter.compat import orchest\n"
        "import orchest.parameters as op\n"
        "from orchest import transfer\n"
        "assert op.get_params is orchest.get_params and transfer.output is orchest.output\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'papermill', 'pydantic', 'nbclient',"
        " 'jupyter_client', 'jsonschema') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# --- corpus pipelines, imported and run in real kernels -----------------------------------------


@pytest.fixture(scope="module")
def manager_of(executor: LocalProcessExecutor) -> Iterator[Any]:
    """A RunManager for a workspace root, on the module's shared pool."""
    made: list[RunManager] = []

    def make(root: Path) -> RunManager:
        manager = RunManager(root=root, executor=executor)
        made.append(manager)
        return manager

    yield make
    for manager in made:
        manager.shutdown()


def import_and_run(
    manager_of: Any, root: Path, pipeline: Path, **start: Any
) -> tuple[Any, dict[str, Any]]:
    conversion = convert(pipeline, root=root)
    assert conversion.report.problems == []
    write(conversion)
    manager = manager_of(root)
    relative = conversion.output.relative_to(root).as_posix()
    log = manager.wait(manager.start(relative, **start).run_id, timeout=RUN_TIMEOUT_S)
    return log, conversion.document


def test_elyra_outputs_pass_files_from_step_to_step(manager_of, tmp_path):
    root, pipeline = rebuild(entry("kfp-multi-node-generic"), tmp_path)
    log, _ = import_and_run(manager_of, root, pipeline)
    assert log.status == RunStatus.succeeded, {k: s.status for k, s in log.steps.items()}
    consumer = log.steps["consume_a_file"].attempts[-1]
    assert {read.name for read in consumer.catalog_reads} == {
        "consumer_producer_output.csv",
        "producer_output.csv",
    }


def test_elyra_env_vars_reach_the_notebook(manager_of, tmp_path):
    root, pipeline = rebuild(entry("generic-test"), tmp_path)  # its script node is left out
    log, _ = import_and_run(manager_of, root, pipeline)
    assert log.status == RunStatus.succeeded
    written = (pipeline.parent / "output.txt").read_text()
    assert written == "TEST_ENV_1=1\nTEST_ENV_2=2\n"


def test_orchest_parameters_reach_a_real_kernel_with_run_overrides(manager_of, tmp_path):
    """Papermill's values, a run's override included, under the Orchest names."""
    source = (
        "import json\n"
        "from runnable_jupyter.compat import orchest\n"
        "import orchest.parameters as op\n"
        "step, pipe = op.get_params()\n"
        "found = [orchest.get_step_param('test-output-file'), pipe.get('pipeline-param-A'),"
        " step.get('step-param-a')]\n"
        "open('found.json', 'w').write(json.dumps(found))"
    )
    notebook = {
        "cells": [{"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
                   "execution_count": None}],
        "metadata": {"kernelspec": {"name": "orchest-kernel-1234", "language": "python",
                                    "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip
    (tmp_path / "dump.ipynb").write_text(json.dumps(notebook))
    step = {
        "uuid": "s",
        "title": "dump",
        "file_path": "dump.ipynb",
        "incoming_connections": [],
        "kernel": {"name": "python"},
        "parameters": {"step-param-a": 1, "test-output-file": "test-output.json"},
    }
    document = {"name": "p", "parameters": {"pipeline-param-A": 5}, "steps": {"s": step}}
    (tmp_path / "p.orchest").write_text(json.dumps(document))
    log, _ = import_and_run(
        manager_of, tmp_path, tmp_path / "p.orchest", parameters={"test_output_file": "x.json"}
    )
    assert log.status == RunStatus.succeeded, log.steps["dump"].attempts[-1].error
    assert json.loads((tmp_path / "found.json").read_text()) == ["x.json", 5, 1]


def test_orchest_notebooks_run_after_their_one_line_change(manager_of, tmp_path):
    """The 2020 california-housing pipeline: each notebook's `import orchest` changed as the
    report says; get-data (it downloads the data set) is mocked with a table standing in for
    its output, so pre-processing and a model run on real kernels, the model fed by
    pre-processing's unnamed output (collect-results' ordered inputs: in-process tests above)."""
    root, pipeline = rebuild(entry("orchest__orchest__california_housing.at-03b41f2"), tmp_path)
    conversion = convert(pipeline, root=root)
    change = "`import orchest` -> `from runnable_jupyter.compat import orchest`"
    sdk_notes = [n for n in conversion.report.notes if change in n.message]
    assert len(sdk_notes) == 6  # every notebook, each told the same one-line change
    for notebook in root.glob("*.ipynb"):
        text = notebook.read_text()
        notebook.write_text(
            text.replace('"import orchest', '"from runnable_jupyter.compat import orchest')
        )
    mock = root / "mocks" / "get-data"
    mock.mkdir(parents=True)
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.normal(size=(120, 3)), columns=["a", "b", "c"])
    table["MedHouseVal"] = table.sum(axis=1)
    table.to_parquet(mock / "orchest_output_get-data.parquet")
    log, _ = import_and_run(
        manager_of,
        root,
        pipeline,
        steps=["linear-regression"],
        mode="upstream",
        mocks={"get-data": str(mock)},
    )
    statuses = {key: record.status for key, record in log.steps.items()}
    assert statuses == {
        "get-data": StepStatus.mocked,
        "data-exploration": StepStatus.not_selected,
        "pre-processing": StepStatus.succeeded,
        "linear-regression": StepStatus.succeeded,
        "decision-tree": StepStatus.not_selected,
        "collect-results": StepStatus.not_selected,
    }, log.steps["linear-regression"].attempts[-1].error
    written = log.steps["linear-regression"].attempts[-1].catalog_writes
    assert {access.name for access in written} == {
        "orchest_output_linear-regression",
        "orchest_output_linear-regression_name",
    }
