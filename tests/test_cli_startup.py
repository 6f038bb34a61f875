"""What the CLI process imports on its quickest path: `run --skip-unchanged` when nothing changed
(every step reused, its output piped). Each library left out here is tens of milliseconds of a
command that should take well under half a second; this pins the trimmed set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import write_notebook, write_step_pipeline

REPO = Path(__file__).resolve().parents[1]

# Libraries that only running or stopping a kernel (papermill, nbclient, jupyter_client, zmq,
# ipykernel, psutil) or drawing on a terminal (rich) needs, and those of jsonschema's format
# checkers (no document the engine validates has a format check; arrow comes with isoduration).
NOT_IMPORTED = {"papermill", "nbclient", "jupyter_client", "zmq", "ipykernel", "psutil", "rich"} | {
    "arrow",
    "fqdn",
    "isoduration",
    "rfc3339_validator",
    "rfc3986_validator",
    "uri_template",
    "webcolors",
}

PROBE = """
import json, sys
from runnable_jupyter.cli import main
code = main(["run", "p.pipeline.json", "--skip-unchanged"])
imported = {name.split(".")[0] for name, module in sys.modules.items() if module is not None}
print(json.dumps({"code": code, "modules": sorted(imported)}))
"""


def run_python(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for override in ("TTY_COMPATIBLE", "FORCE_COLOR"):  # rich's: they would draw on the pipe
        env.pop(override, None)
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
    )


def test_run_with_every_step_reused_imports_no_kernel_or_terminal_library(tmp_path: Path) -> None:
    write_step_pipeline(
        tmp_path,
        {"a": {}, "b": {"depends_on": ["a"]}},
        lambda path: write_notebook(path, "print(name)", parameters="name = ''"),
    )
    first = run_python(tmp_path, "-m", "runnable_jupyter.cli", "run", "p.pipeline.json")
    assert first.returncode == 0, first.stdout + first.stderr

    again = run_python(tmp_path, "-c", PROBE)

    assert again.returncode == 0, again.stdout + again.stderr
    *lines, last = again.stdout.splitlines()
    seen = json.loads(last)
    assert seen["code"] == 0
    reused = [line.split()[1] for line in lines if line.split()[2:3] == ["cached"]]
    assert reused == ["a", "b"], again.stdout
    assert NOT_IMPORTED.isdisjoint(seen["modules"]), NOT_IMPORTED & set(seen["modules"])


WORKER_IMPORTS = """
import json, sys
from runnable_jupyter.startup import import_papermill_without_hdfs
import_papermill_without_hdfs()
from runnable_jupyter.executors.step_execution import execute_step
before = sorted({name.split(".")[0] for name, module in sys.modules.items() if module is not None})
import pyarrow.fs, pyarrow.parquet
print(json.dumps({"before": before, "fs": pyarrow.fs.__name__}))
"""


def test_papermill_imported_without_hdfs_leaves_out_pyarrow_which_stays_importable(
    tmp_path: Path,
) -> None:
    """papermill loads pyarrow (and numpy) for `hdfs://` paths, which the engine never gives it:
    `import_papermill_without_hdfs` (called by the workers and `exec-step`) skips that import;
    pyarrow still imports afterwards."""
    done = run_python(tmp_path, "-c", WORKER_IMPORTS)

    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert "papermill" in report["before"]
    assert not {"pyarrow", "numpy"} & set(report["before"])
    assert report["fs"] == "pyarrow.fs"
