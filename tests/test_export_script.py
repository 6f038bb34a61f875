"""`runnable-jupyter export script`: the example pipeline as a standalone papermill script that
runs it with the same outcome (same catalog entries, the skip-tagged cell not executed)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from runnable_jupyter.cli import main

pytestmark = pytest.mark.timeout(300)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# What a runnable-jupyter run of the example leaves in its catalog (tests/test_example.py).
EXAMPLE_ENTRIES = {
    "wine.parquet",
    "target_names.json",
    "profile.json",
    "feature_histograms.png",
    "train.parquet",
    "test.parquet",
    "model_logreg.pkl",
    "model_forest.pkl",
    "cv_logreg.json",
    "cv_forest.json",
    "metrics.json",
    "report.md",
    "confusion.png",
    "summary.json",
}


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("*.runs", "*.catalog"))
    monkeypatch.chdir(root)
    return root


def test_the_exported_script_runs_the_example_with_papermill_alone(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "script", "wine.pipeline.json"]) == 0
    script = workspace / "wine_pipeline.py"
    assert "import runnable_jupyter" not in script.read_text()
    assert "from runnable_jupyter" not in script.read_text()
    done = subprocess.run(
        [sys.executable, str(script)], cwd=workspace, capture_output=True, text=True, timeout=280
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all 7 steps succeeded" in done.stdout
    catalog = workspace / "wine.catalog"
    assert {p.name for p in catalog.iterdir() if not p.name.startswith(".")} == EXAMPLE_ENTRIES
    assert json.loads((catalog / "summary.json").read_text())["best_model"] in {"logreg", "forest"}
    [run_dir] = (workspace / "wine.script-runs").iterdir()
    profile = nbformat.read(run_dir / "profile.ipynb", as_version=4)
    skipped = [c for c in profile.cells if "skip-execution" in c.metadata.get("tags", [])]
    assert skipped and all(c.execution_count is None and not c.outputs for c in skipped)
    injected = nbformat.read(run_dir / "train_forest.ipynb", as_version=4)
    assert any("n_estimators = 150" in c.source for c in injected.cells)


def test_an_existing_script_is_not_overwritten_without_force(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / "wine_pipeline.py").write_text("mine")
    assert main(["export", "script", "wine.pipeline.json"]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert (workspace / "wine_pipeline.py").read_text() == "mine"
    assert main(["export", "script", "wine.pipeline.json", "--force", "-o", "out.py"]) == 0
    assert (workspace / "out.py").is_file()
