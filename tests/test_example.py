"""The shipped example pipeline (examples/wine.pipeline.json) runs green end to end."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from runnable_jupyter.catalog.store import CatalogStore
from runnable_jupyter.executors.local import LocalProcessExecutor
from runnable_jupyter.pipeline.validation import validate_file
from runnable_jupyter.runlog.models import RunStatus, StepStatus
from runnable_jupyter.runs.manager import RunManager

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PIPELINE = "wine.pipeline.json"
SKIP_TAG = "skip-execution"


def notebooks(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.ipynb"))


def digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in notebooks(folder)
    }


def test_example_notebooks_are_clean_and_name_their_kernel() -> None:
    assert notebooks(EXAMPLES)
    for path in notebooks(EXAMPLES):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert nb.metadata["kernelspec"]["name"] == "python3", path
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path
        assert any(cell.cell_type == "markdown" for cell in nb.cells), path


def test_example_pipeline_is_valid() -> None:
    assert validate_file(Path(PIPELINE), EXAMPLES) == []


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory, executor: LocalProcessExecutor):
    """The example run once, as shipped, on the module's pool of two workers (the sweep below
    borrows it too)."""
    workspace = tmp_path_factory.mktemp("example") / "examples"
    shutil.copytree(
        EXAMPLES, workspace, ignore=shutil.ignore_patterns("*.runs", "*.catalog", "__pycache__")
    )
    before = digests(workspace)
    manager = RunManager(root=workspace, executor=executor)
    try:
        log = manager.wait(manager.start(PIPELINE).run_id, timeout=240)
    finally:
        manager.shutdown()
    return workspace, log, before


def test_every_step_succeeds(finished_run) -> None:
    _, log, _ = finished_run
    failures = {
        step_id: record.last_attempt.error
        for step_id, record in log.steps.items()
        if record.status != StepStatus.succeeded
    }
    assert not failures
    assert log.status == RunStatus.succeeded


def test_models_train_in_parallel(finished_run) -> None:
    _, log, _ = finished_run
    logreg = log.steps["train_logreg"].last_attempt
    forest = log.steps["train_forest"].last_attempt
    # overlapping intervals in the run log (the pool has a worker per CPU; 2 here)
    assert logreg.start < forest.end and forest.start < logreg.end


def test_skip_execution_cell_is_not_executed(finished_run) -> None:
    workspace, log, _ = finished_run
    source = nbformat.read(workspace / "wine" / "profile.ipynb", as_version=4)
    tagged = [i for i, c in enumerate(source.cells) if SKIP_TAG in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    attempt = log.steps["profile"].last_attempt
    assert attempt.skipped_cells == tagged
    executed = nbformat.read(attempt.output_notebook, as_version=4)
    skipped = [c for c in executed.cells if SKIP_TAG in c.metadata.get("tags", [])]
    assert len(skipped) == 1
    assert skipped[0].outputs == [] and skipped[0].execution_count is None


def test_catalog_holds_models_plots_and_report(finished_run) -> None:
    workspace, log, _ = finished_run
    store = CatalogStore(Path(log.catalog_dir))
    assert Path(log.catalog_dir) == (workspace / "wine.catalog").resolve()
    for name in (
        "wine",
        "train",
        "test",
        "model_logreg",
        "model_forest",
        "profile",
        "metrics.json",
        "report.md",
        "confusion.png",
        "feature_histograms.png",
        "summary",
    ):
        assert store.exists(name), name
    assert hasattr(store.get("model_forest"), "predict")
    metrics = store.get("metrics.json")
    assert set(metrics["models"]) == {"logreg", "forest"}
    assert all(0.5 < m["accuracy"] <= 1 for m in metrics["models"].values())
    assert "| model | accuracy | macro F1 |" in (Path(log.catalog_dir) / "report.md").read_text()
    assert (Path(log.catalog_dir) / "confusion.png").read_bytes()[:4] == b"\x89PNG"
    assert store.get("summary")["best_model"] in {"logreg", "forest"}
    # the producing step is recorded in each entry's metadata
    assert store.metadata("report.md")["step"] == "evaluate"
    assert store.metadata("model_forest")["step"] == "train_forest"


def test_declarative_get_and_put_are_recorded(finished_run) -> None:
    _, log, _ = finished_run
    evaluate = log.steps["evaluate"].last_attempt
    assert {a.name for a in evaluate.catalog_reads} >= {"model_logreg", "model_forest", "test"}
    assert {a.name for a in evaluate.catalog_writes} == {
        "metrics.json",
        "report.md",
        "confusion.png",
    }
    report = log.steps["report"].last_attempt
    assert {"metrics.json", "profile"} <= {a.name for a in report.catalog_reads}


def test_parameters_reach_the_steps(finished_run) -> None:
    _, log, _ = finished_run
    assert log.steps["train_forest"].parameters == {"random_state": 0, "n_estimators": 150}
    executed = nbformat.read(log.steps["train_forest"].last_attempt.output_notebook, as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "n_estimators = 150" in injected[0].source


def test_source_notebooks_are_unchanged(finished_run) -> None:
    workspace, _, before = finished_run
    after = digests(workspace)  # now also holds the executed copies in wine.runs/
    assert {name: after.get(name) for name in before} == before


# What the sweep's steps import, imported once by each worker's kernel zygote instead of by each
# of the sweep's 16 kernels (`settings.preload`; the example's own run above starts its kernels
# as shipped): about 2 s of CPU per kernel.
SWEEP_PRELOAD = [
    "pandas",
    "pyarrow.parquet",
    "sklearn.datasets",
    "sklearn.model_selection",
    "sklearn.preprocessing",
    "sklearn.linear_model",
    "sklearn.ensemble",
]


@pytest.mark.usefixtures("borrowed_pool")
def test_a_2x2_sweep_of_the_example_runs_and_compares_its_four_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job runs the two models' steps and what they need (load, features): the compared
    metrics are theirs; the whole example's run is `finished_run`'s."""
    from runnable_jupyter.cli import main

    workspace = tmp_path / "examples"
    shutil.copytree(
        EXAMPLES, workspace, ignore=shutil.ignore_patterns("*.runs", "*.catalog", "__pycache__")
    )
    document = json.loads((workspace / PIPELINE).read_text())
    document["settings"] = {**document.get("settings", {}), "preload": SWEEP_PRELOAD}
    (workspace / PIPELINE).write_text(json.dumps(document))
    monkeypatch.chdir(workspace)  # as a user types it, in the workspace
    root = ["--root", str(workspace)]
    grid = ["--grid", "C=0.1,1.0", "--grid", "n_estimators=20,60"]
    models = ["--step", "train_logreg", "--step", "train_forest", "--upstream"]
    assert main([*root, "job", "create", PIPELINE, "sweep", *grid, *models]) == 0
    assert "4 runs (C × n_estimators)" in capsys.readouterr().out
    assert main([*root, "job", "run", PIPELINE, "sweep"]) == 0
    assert capsys.readouterr().out.count(": succeeded") == 4

    assert main([*root, "compare", PIPELINE, "--job", "sweep", "--json"]) == 0
    comparison = json.loads(capsys.readouterr().out)
    assert set(comparison["parameters"]) == {"C", "n_estimators"}
    runs = {run["run_id"]: run["parameters"] for run in comparison["runs"]}
    assert len(runs) == 4
    for step, parameter in (("train_logreg", "C"), ("train_forest", "n_estimators")):
        accuracy = comparison["metrics"][f"{step}.cv_accuracy"]
        assert set(accuracy) == set(runs)
        by_value: dict[object, set[float]] = {}
        for run_id, metric in accuracy.items():
            assert 0.5 < metric["value"] <= 1
            by_value.setdefault(runs[run_id][parameter], set()).add(metric["value"])
        # Seeded models: the two runs with the same value of the step's parameter agree.
        assert sorted(by_value, key=str) == sorted(
            {params[parameter] for params in runs.values()}, key=str
        )
        assert all(len(values) == 1 for values in by_value.values()), by_value
