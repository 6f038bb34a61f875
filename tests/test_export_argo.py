"""`runnable-jupyter export argo`: the example as an Argo Workflow that Argo's own models (hera's,
generated from Argo's OpenAPI schema) read back unchanged, and whose DAG, run by a small local
interpreter (tests/argo_interpreter.py), executes every step with exec-step into one run log.

The DAG runs the example's pipeline file (its steps, folders, parameters and catalog globs) with
light stand-ins for its notebooks that pass the same catalog entries: each task is a process of
its own with a kernel of its own, so the scikit-learn notebooks cost seven times their imports
(about 15 s of CPU) for nothing the export does; tests/test_example.py runs them."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from argo_interpreter import run_workflow
from example_stand_ins import STEPS, write_light_notebooks
from helpers import write_notebook, write_step_pipeline
from hera.workflows.models import Workflow as ArgoWorkflow

from runnable_jupyter.cli import main

pytestmark = pytest.mark.timeout(300)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CREATED = datetime(2026, 12, 3, 14, 15, 9, tzinfo=timezone.utc)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("*.runs", "*.catalog"))
    monkeypatch.chdir(root)
    return root


def _export(root: Path, *extra: str) -> dict[str, Any]:
    assert (
        main(["export", "argo", "wine.pipeline.json", "--image", "ghcr.io/acme/wine:1", *extra])
        == 0
    )
    document = yaml.safe_load((root / "wine.argo.yaml").read_text())
    assert isinstance(document, dict)
    return document


def test_the_workflow_is_valid_for_argo_s_own_models(workspace: Path) -> None:
    document = _export(workspace, "--volume-claim", "team-notebooks")
    # Strict round trip: any field Argo's schema lacks would be dropped, any wrong type refused.
    model = ArgoWorkflow.model_validate(document)
    assert model.model_dump(mode="json", by_alias=True, exclude_none=True) == document
    assert document["kind"] == "Workflow" and document["apiVersion"] == "argoproj.io/v1alpha1"
    spec = document["spec"]
    [dag] = [t for t in spec["templates"] if t["name"] == spec["entrypoint"]]
    tasks = {task["name"]: task for task in dag["dag"]["tasks"]}
    assert dag["dag"]["failFast"] is False
    assert {name: task.get("dependencies", []) for name, task in tasks.items()} == {
        "load": [],
        "profile": ["load"],
        "features": ["load"],
        "train-logreg": ["features"],
        "train-forest": ["features"],
        "evaluate": ["train-logreg", "train-forest"],
        "report": ["profile", "evaluate"],
    }
    assert spec["arguments"]["parameters"] == [{"name": "random_state", "value": "0"}]
    assert spec["volumes"] == [
        {"name": "workspace", "persistentVolumeClaim": {"claimName": "team-notebooks"}}
    ]
    container = {t["name"]: t for t in spec["templates"]}["step-train-forest"]["container"]
    assert container["image"] == "ghcr.io/acme/wine:1"
    assert container["command"] == ["runnable-jupyter"]
    assert container["args"][:4] == ["--root", "/workspace", "exec-step", "wine.pipeline.json"]
    assert container["args"][-4:] == [
        "--step",
        "train_forest",
        "-p",
        "random_state={{workflow.parameters.random_state}}",
    ]
    assert container["volumeMounts"] == [{"name": "workspace", "mountPath": "/workspace"}]
    assert "parallelism" not in spec  # the example sets no max_parallel


def test_max_parallel_and_timeouts_become_parallelism_and_deadlines(workspace: Path) -> None:
    path = workspace / "wine.pipeline.json"
    pipeline = json.loads(path.read_text())
    pipeline["settings"] = {"max_parallel": 2}
    pipeline["steps"][3]["timeout_s"] = 90.5
    pipeline["parameters"] = {"random_state": 0, "label": "run 1", "digits": "12", "grid": [1, 2]}
    path.write_text(json.dumps(pipeline))
    spec = _export(workspace)["spec"]
    assert spec["parallelism"] == 2
    templates = {t["name"]: t for t in spec["templates"]}
    assert templates["step-train-logreg"]["activeDeadlineSeconds"] == 91 + 60
    assert "activeDeadlineSeconds" not in templates["step-load"]
    values = {p["name"]: p["value"] for p in spec["arguments"]["parameters"]}
    # As `-p NAME=VALUE` reads them back: JSON, or a plain string.
    assert values == {"random_state": "0", "label": "run 1", "digits": '"12"', "grid": "[1, 2]"}
    assert spec["volumes"][0]["persistentVolumeClaim"]["claimName"] == "runnable-jupyter-workspace"


def test_the_exported_dag_runs_the_example_into_one_run_log(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _export(workspace)
    write_light_notebooks(workspace)
    run = run_workflow(
        document, {"workspace": workspace}, parameters={"random_state": "1"}, created=CREATED
    )
    outputs = {name: task.output for name, task in run.tasks.items()}
    assert run.succeeded, outputs
    run_id = f"20261203T141509-{run.uid[:6]}"
    [run_dir] = (workspace / "wine.runs").glob("2*")
    assert run_dir.name == run_id
    log = json.loads((run_dir / "run.json").read_text())
    assert log["status"] == "succeeded" and log["orchestrated"] is True
    assert log["parameters"] == {"random_state": 1}
    assert {s: r["status"] for s, r in log["steps"].items()} == dict.fromkeys(STEPS, "succeeded")
    trains = [run.tasks["train-logreg"], run.tasks["train-forest"]]
    assert trains[0].start < trains[1].end and trains[1].start < trains[0].end  # in parallel
    summary = json.loads((workspace / "wine.catalog" / "summary.json").read_text())
    assert summary == {"best_model": "forest"}  # through evaluate's globs, in and out
    wine = json.loads((workspace / "wine.catalog" / "wine.json").read_text())
    assert wine["random_state"] == 1  # the workflow's argument reached the kernel
    capsys.readouterr()
    assert main(["show", "wine.pipeline.json", run_id]) == 0
    shown = capsys.readouterr().out
    assert run_id in shown and "succeeded" in shown and "train_forest" in shown
    assert "pending" not in shown and "interrupted" not in shown


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["export", "argo", "wine.pipeline.json"], "needs --image IMAGE"),
        (["export", "argo", "wine.pipeline.json", "--image", "a b"], "not a container image"),
        (
            ["export", "argo", "wine.pipeline.json", "--image", "x", "--volume-claim", "Big_Name"],
            "not a volume claim name",
        ),
        (["export", "script", "wine.pipeline.json", "--image", "x"], "options of `export argo`"),
    ],
)
def test_bad_export_options_are_refused_and_nothing_written(
    workspace: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main(arguments) == 2
    assert message in capsys.readouterr().err
    assert not (workspace / "wine.argo.yaml").exists()
    assert not (workspace / "wine_pipeline.py").exists()


def test_an_existing_workflow_file_is_kept_without_force(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / "wine.argo.yaml").write_text("mine")
    assert main(["export", "argo", "wine.pipeline.json", "--image", "x:1"]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert (workspace / "wine.argo.yaml").read_text() == "mine"
    assert main(["export", "argo", "wine.pipeline.json", "--image", "x:1", "--force"]) == 0
    assert "exec-step" in (workspace / "wine.argo.yaml").read_text()


def test_after_a_failure_the_workflow_goes_on_and_the_run_log_ends_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """a -> b (fails) -> d, and a -> c: Argo omits d, c still runs, and the run log ends."""

    def step_notebook(path: Path) -> None:
        write_notebook(path, "assert name != 'b', 'b fails'", parameters="name = ''")

    steps = {"a": {}, "b": {"depends_on": ["a"]}, "c": {"depends_on": ["a"]}}
    write_step_pipeline(tmp_path, steps | {"d": {"depends_on": ["b"]}}, step_notebook)
    monkeypatch.chdir(tmp_path)
    assert main(["export", "argo", "p.pipeline.json", "--image", "x:1", "-o", "p.yaml"]) == 0
    document = yaml.safe_load((tmp_path / "p.yaml").read_text())
    run = run_workflow(document, {"workspace": tmp_path}, created=CREATED)
    codes = {name: task.returncode for name, task in run.tasks.items()}
    assert codes == {"a": 0, "b": 1, "c": 0, "d": None}, run.tasks["b"].output
    [run_dir] = (tmp_path / "p.runs").glob("2*")
    log = json.loads((run_dir / "run.json").read_text())
    assert {s: r["status"] for s, r in log["steps"].items()} == {
        "a": "succeeded",
        "b": "failed",
        "c": "succeeded",
        "d": "upstream_failed",
    }
    assert log["status"] == "failed" and log["end"] is not None
