"""`runnable-jupyter export script`: a pipeline as a standalone papermill script that runs it with
the same outcome as a run (catalog entries through the notebook API and the declarative globs,
parameters, environment and secrets, skip-tagged cells not executed).

The script runs on a small pipeline written for it, whose notebooks import nothing heavy: the
script starts each step's kernel the normal way (papermill alone), so the shipped example's
seven scikit-learn kernels cost about a minute of CPU here. The example itself is exported and
its script checked for its steps in dependency order; its run is tests/test_example.py's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from helpers import kernelspec

from runnable_jupyter.cli import main

pytestmark = pytest.mark.timeout(300)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SECRET = "s3cr3t-of-the-script"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("*.runs", "*.catalog"))
    monkeypatch.chdir(root)
    return root


def notebook(path: Path, *cells: tuple[str, list[str]]) -> None:
    """A notebook of code cells given as (source, tags)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = kernelspec("python3")
    nb.cells = [
        nbformat.v4.new_code_cell(source, metadata={"tags": tags}) for source, tags in cells
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


NEVER = ("raise RuntimeError('a skip-tagged cell ran')", ["skip"])


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`make` puts numbers through the catalog API; `stage/add` (another folder) gets them as a
    file through a glob and puts `total.json` back; `report` reads both through the API. The
    pipeline's skip tag `skip` (not nbclient's own `skip-execution`) marks a cell that fails."""
    root = tmp_path / "ws"
    api = "from runnable_jupyter import catalog\n"
    notebook(
        root / "make.ipynb",
        ("greeting = 'default'\nn = 1\nlabel = 'default'", ["parameters"]),
        NEVER,
        (api + "catalog.put('numbers', list(range(n)))", []),
    )
    notebook(
        root / "stage" / "add.ipynb",
        ("import json, os\nnumbers = json.load(open('numbers.json'))", []),
        ("total = {'sum': sum(numbers), 'token': os.environ['TOKEN']}", []),
        ("json.dump(total, open('total.json', 'w'))", []),
    )
    notebook(
        root / "report.ipynb",
        ("greeting = 'default'\nlabel = 'default'", ["parameters"]),
        NEVER,
        (
            api + "import os\n"
            "catalog.put('summary', {'total': catalog.get('total.json')['sum'], "
            "'numbers': catalog.get('numbers'), 'greeting': greeting, 'label': label, "
            "'mode': os.environ['MODE']})",
            [],
        ),
    )
    document = {
        "version": 1,
        "name": "small",
        "parameters": {"greeting": "hello", "label": "pipeline"},
        "env": {"MODE": "scripted"},
        "settings": {"skip_tags": ["skip"]},
        "steps": [
            {"id": "make", "notebook": "make.ipynb", "parameters": {"n": 4}},
            {
                "id": "add",
                "notebook": "stage/add.ipynb",
                "depends_on": ["make"],
                "env": {"TOKEN": {"from_env": "SCRIPT_TEST_SECRET"}},
                "catalog": {"get": ["numbers.*"], "put": ["total.json"]},
            },
            {"id": "report", "notebook": "report.ipynb", "depends_on": ["add"]},
        ],
    }
    (root / "small.pipeline.json").write_text(json.dumps(document))
    monkeypatch.chdir(root)
    return root


def test_the_exported_script_runs_a_pipeline_with_papermill_alone(small: Path) -> None:
    sources = {path: path.read_bytes() for path in small.rglob("*.ipynb")}
    assert main(["export", "script", "small.pipeline.json"]) == 0
    script = small / "small_pipeline.py"
    assert "import runnable_jupyter" not in script.read_text()
    assert "from runnable_jupyter" not in script.read_text()
    done = subprocess.run(
        [sys.executable, str(script), "-p", "label=from the command line"],
        cwd=small,
        env=os.environ | {"SCRIPT_TEST_SECRET": SECRET},
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all 3 steps succeeded" in done.stdout
    catalog = small / "small.catalog"
    entries = {p.name for p in catalog.iterdir() if not p.name.startswith(".")}
    assert entries == {"numbers.json", "total.json", "summary.json"}
    assert json.loads((catalog / "total.json").read_text()) == {"sum": 6, "token": SECRET}
    assert json.loads((catalog / "summary.json").read_text()) == {
        "total": 6,
        "numbers": [0, 1, 2, 3],
        "greeting": "hello",  # the pipeline's parameter
        "label": "from the command line",  # -p wins over the pipeline's
        "mode": "scripted",
    }
    [run_dir] = (small / "small.script-runs").iterdir()
    for step in ("make", "report"):
        executed = nbformat.read(run_dir / f"{step}.ipynb", as_version=4)
        skipped = [c for c in executed.cells if "skip" in c.metadata.get("tags", [])]
        assert skipped and all(c.execution_count is None and not c.outputs for c in skipped)
    injected = nbformat.read(run_dir / "make.ipynb", as_version=4)
    assert any("n = 4" in c.source for c in injected.cells)  # the step's parameter
    assert {path: path.read_bytes() for path in sources} == sources  # sources never written


def test_the_example_exports_as_a_script_of_its_seven_steps_in_dependency_order(
    workspace: Path,
) -> None:
    assert main(["export", "script", "wine.pipeline.json"]) == 0
    text = (workspace / "wine_pipeline.py").read_text()
    compile(text, "wine_pipeline.py", "exec")
    assert "import runnable_jupyter" not in text and "from runnable_jupyter" not in text
    steps = json.loads((workspace / "wine.pipeline.json").read_text())["steps"]
    position = {step["id"]: text.index(f"'id': '{step['id']}'") for step in steps}
    assert len(position) == 7
    for step in steps:
        assert all(position[up] < position[step["id"]] for up in step.get("depends_on", []))
    assert "'n_estimators': 150" in text and "'wine/evaluate/evaluate.ipynb'" in text


def test_an_existing_script_is_not_overwritten_without_force(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / "wine_pipeline.py").write_text("mine")
    assert main(["export", "script", "wine.pipeline.json"]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert (workspace / "wine_pipeline.py").read_text() == "mine"
    assert main(["export", "script", "wine.pipeline.json", "--force", "-o", "out.py"]) == 0
    assert (workspace / "out.py").is_file()
