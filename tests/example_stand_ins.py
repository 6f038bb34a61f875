"""Light stand-ins for the shipped example's notebooks, for tests whose point is not the example
itself (the export's DAG, the server's configured scheduler): the example's pipeline file (its
steps, folders, parameters and catalog globs) runs, each step passing the same catalog entries
without importing scikit-learn, pandas or matplotlib (2-5 s of a kernel's CPU per step).
tests/test_example.py, test_example_readme.py and test_dask_executor.py run the real notebooks."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import write_notebook

STEPS = ("load", "profile", "features", "train_logreg", "train_forest", "evaluate", "report")

PUT = "from runnable_jupyter import catalog\n"
# Step -> what its stand-in does: the entries the example's steps put and read, the files the
# evaluate step's globs copy in (model_*, test.*) and out (metrics.json, report.md, confusion.png).
STAND_INS = {
    "load": PUT + "catalog.put('wine', {'rows': 178, 'random_state': random_state})",
    "profile": PUT + "catalog.put('profile', {'rows': catalog.get('wine')['rows']})",
    "features": PUT + "catalog.put('train', [1, 2])\ncatalog.put('test', [3])",
    "train_logreg": PUT + "catalog.put('model_logreg', {'fit': catalog.get('train')})",
    "train_forest": PUT + "catalog.put('model_forest', {'fit': catalog.get('train')})",
    "evaluate": (
        "import json, pathlib\n"
        "models = sorted(p.name for p in pathlib.Path('.').glob('model_*'))\n"
        "assert models == ['model_forest.json', 'model_logreg.json'], models\n"
        "assert json.loads(pathlib.Path('test.json').read_text()) == [3]\n"
        "pathlib.Path('metrics.json').write_text(json.dumps({'best': 'forest'}))\n"
        "pathlib.Path('report.md').write_text('| model | accuracy |')\n"
        "pathlib.Path('confusion.png').write_bytes(b'\\x89PNG')"
    ),
    "report": PUT + "catalog.put('summary', {'best_model': catalog.get('metrics.json')['best']})",
}


def write_light_notebooks(root: Path) -> None:
    """Each of the example's step notebooks under `root` replaced by its stand-in (same path, same
    kernel)."""
    pipeline = json.loads((root / "wine.pipeline.json").read_text())
    assert [step["id"] for step in pipeline["steps"]] == list(STAND_INS)
    for step in pipeline["steps"]:
        write_notebook(
            root / step["notebook"], STAND_INS[step["id"]], parameters="random_state = 0"
        )
