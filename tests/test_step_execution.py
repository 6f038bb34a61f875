"""execute_step: one step with papermill in a real kernel, run in the test process."""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

import nbformat
import psutil
import pytest

from runnable_jupyter.executors.interface import StepJob, StepProgress, StepResult
from runnable_jupyter.executors.step_execution import execute_step
from runnable_jupyter.executors.step_preparation import resolve_kernel_name
from runnable_jupyter.runlog.models import CELL_SOURCE_LINES, StepStatus

pytestmark = pytest.mark.timeout(120)

PYTHON3 = {"name": "python3", "display_name": "Python 3", "language": "python"}


def write_notebook(
    path: Path, cells: list[Any], *, kernelspec: dict[str, str] | None = PYTHON3
) -> Path:
    """`cells`: sources (code cells), ("md", text) or (source, [tags])."""
    nb = nbformat.v4.new_notebook()
    if kernelspec is not None:
        nb.metadata["kernelspec"] = kernelspec
    for cell in cells:
        if isinstance(cell, str):
            nb.cells.append(nbformat.v4.new_code_cell(cell))
        elif cell[0] == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(cell[1]))
        else:
            code = nbformat.v4.new_code_cell(cell[0])
            code.metadata["tags"] = list(cell[1])
            nb.cells.append(code)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def make_job(notebook: Path, out: Path, **overrides: Any) -> StepJob:
    fields: dict[str, Any] = {
        "run_id": "20261122T101500-abcdef",
        "step_id": notebook.stem,
        "notebook": str(notebook),
        "cwd": str(notebook.parent),
        "output_notebook": str(out / f"{notebook.stem}.ipynb"),
        "log_file": str(out / f"{notebook.stem}.log"),
        "access_log": str(out / f"{notebook.stem}.catalog.jsonl"),
        "catalog_dir": str(out / "catalog"),
        "pipeline_path": str(notebook.parent / "p.pipeline.json"),
        "skip_tags": ["skip-execution", "skip"],
    }
    fields.update(overrides)
    return StepJob(**fields)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def running_kernels() -> list[psutil.Process]:
    kernels = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel_launcher" in " ".join(
                child.cmdline()
            ):
                kernels.append(child)
        except psutil.NoSuchProcess:
            pass
    return kernels


def assert_no_kernel_left(within_s: float = 5.0) -> None:
    deadline = time.monotonic() + within_s
    while running_kernels() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert running_kernels() == []


@pytest.fixture(autouse=True)
def no_kernel_left_behind():
    yield
    assert_no_kernel_left()


# ---------------------------------------------------------------------------- a full, green step

ACCESS_LINES = """
import json, os
with open(os.environ["RUNNABLE_JUPYTER_ACCESS_LOG"], "a") as log:
    log.write(json.dumps({"op": "read", "name": "raw", "sha256": "aa", "size": 3,
                          "path": "raw.json", "time": "2026-11-22T10:00:00+00:00"}) + "\\n")
    log.write(json.dumps({"op": "write", "name": "model", "sha256": "bb", "size": 5,
                          "path": "model.pkl", "time": "2026-11-22T10:00:01+00:00"}) + "\\n")
"""

GREEN_CELLS: list[Any] = [
    ("md", "# A step"),  # 0
    ("x = 1\ny = 'default'", ["parameters"]),  # 1
    ("raise RuntimeError('a skipped cell ran')", ["skip"]),  # 2
    (
        "import os, sys, runnable_jupyter\n"
        "print('x =', x, 'y =', y)\n"
        "print('cwd =', os.getcwd())\n"
        "env = os.environ\n"
        "print('step =', env['RUNNABLE_JUPYTER_STEP_ID'], env['RUNNABLE_JUPYTER_RUN_ID'])\n"
        "print('catalog =', env['RUNNABLE_JUPYTER_CATALOG_DIR'])\n"
        "print('pipeline =', env['RUNNABLE_JUPYTER_PIPELINE'])\n"
        "print('access log =', env['RUNNABLE_JUPYTER_ACCESS_LOG'])\n"
        "print('package =', runnable_jupyter.__name__)"
    ),  # 3
    ("raise RuntimeError('another skipped cell ran')", ["slow", "other"]),  # 4
    "print('to stderr', file=sys.stderr)\n" + ACCESS_LINES,  # 5
    "",  # 6: empty, nbclient does not execute it
]


@pytest.fixture(scope="module")
def green(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("green")
    source = write_notebook(base / "work" / "green.ipynb", GREEN_CELLS)
    nb = nbformat.read(source, as_version=4)  # give the skipped cell outputs to keep
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="kept\n")]
    nb.cells[2].execution_count = 7
    nbformat.write(nb, source)
    before = sha256(source)
    job = make_job(source, base / "run", parameters={"x": 5}, skip_tags=["skip", "slow"])
    Path(job.access_log).parent.mkdir(parents=True)
    Path(job.access_log).write_text(
        json.dumps({"op": "read", "name": "old", "sha256": "cc", "size": 1}) + "\n"
    )
    progress: list[StepProgress] = []
    result = execute_step(job, progress.append)
    return {"job": job, "source": source, "before": before, "result": result, "progress": progress}


def test_a_green_step_succeeds_with_the_notebooks_kernel(green: dict[str, Any]) -> None:
    result: StepResult = green["result"]
    assert result.status == StepStatus.succeeded, result.error
    assert result.error is None
    assert result.kernel_name == "python3"
    assert result.start <= result.end


def test_source_notebook_is_never_modified(green: dict[str, Any]) -> None:
    assert sha256(green["source"]) == green["before"]


def test_parameters_are_injected_after_the_parameters_cell(green: dict[str, Any]) -> None:
    out = nbformat.read(green["job"].output_notebook, as_version=4)
    assert out.cells[1].metadata.tags == ["parameters"]
    assert out.cells[2].metadata.tags == ["injected-parameters"]
    assert "x = 5" in out.cells[2].source
    assert "x = 5 y = default" in Path(green["job"].log_file).read_text()


def test_skip_tagged_cells_are_not_run_and_stay_unchanged(green: dict[str, Any]) -> None:
    result: StepResult = green["result"]
    assert result.skipped_cells == [2, 4]  # indices in the source notebook
    source = nbformat.read(green["source"], as_version=4)
    out_by_id = {cell.id: cell for cell in nbformat.read(green["job"].output_notebook, 4).cells}
    for index in (2, 4):
        before, after = source.cells[index], out_by_id[source.cells[index].id]
        assert after.source == before.source
        assert after.outputs == before.outputs
        assert after.execution_count == before.execution_count
    assert out_by_id[source.cells[2].id].outputs[0].text == "kept\n"


def test_kernel_runs_in_the_jobs_cwd_with_the_runnable_environment(green: dict[str, Any]) -> None:
    job: StepJob = green["job"]
    log = Path(job.log_file).read_text()
    assert f"cwd = {job.cwd}" in log
    assert f"step = {job.step_id} {job.run_id}" in log
    assert f"catalog = {job.catalog_dir}" in log
    assert f"pipeline = {job.pipeline_path}" in log
    assert f"access log = {job.access_log}" in log
    assert "package = runnable_jupyter" in log  # importable inside the kernel


def test_log_file_holds_stdout_and_stderr(green: dict[str, Any]) -> None:
    log = Path(green["job"].log_file).read_text()
    assert "x = 5 y = default" in log
    assert "to stderr" in log


def test_progress_reports_each_executed_code_cell(green: dict[str, Any]) -> None:
    # executed: parameters cell, injected cell, cell 3, cell 5 (skipped and empty cells are not)
    assert [(p.cell, p.cells) for p in green["progress"]] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert {(p.run_id, p.step_id) for p in green["progress"]} == {
        (green["job"].run_id, green["job"].step_id)
    }


def test_catalog_accesses_of_this_run_are_read_from_the_access_log(green: dict[str, Any]) -> None:
    result: StepResult = green["result"]
    assert [(a.name, a.sha256, a.size, a.path) for a in result.catalog_reads] == [
        ("raw", "aa", 3, "raw.json")
    ]
    assert [(a.name, a.sha256, a.size) for a in result.catalog_writes] == [("model", "bb", 5)]


# ---------------------------------------------------------------------------- other notebooks


def test_parameters_go_to_the_top_without_a_parameters_cell(tmp_path: Path) -> None:
    source = write_notebook(tmp_path / "top.ipynb", ["print('n is', n)"])
    result = execute_step(make_job(source, tmp_path / "run", parameters={"n": [1, 2]}), print)
    assert result.status == StepStatus.succeeded, result.error
    out = nbformat.read(tmp_path / "run" / "top.ipynb", as_version=4)
    assert out.cells[0].metadata.tags == ["injected-parameters"]
    log = (tmp_path / "run" / "top.log").read_text()
    assert "n is [1, 2]" in log
    # papermill's warning says what happened instead: injecting at the top is by design
    assert "[papermill] WARNING" not in log
    assert "[runnable-jupyter] parameters injected at the top" in log


def test_notebook_without_kernel_metadata_runs_in_python3(tmp_path: Path) -> None:
    source = write_notebook(tmp_path / "bare.ipynb", ["print(k * 2)"], kernelspec=None)
    assert resolve_kernel_name(None, nbformat.read(source, 4)) == "python3"
    assert resolve_kernel_name("other", nbformat.read(source, 4)) == "other"
    result = execute_step(make_job(source, tmp_path / "run", parameters={"k": 21}), print)
    assert result.status == StepStatus.succeeded, result.error
    assert result.kernel_name == "python3"
    assert "42" in (tmp_path / "run" / "bare.log").read_text()


def test_failure_names_the_exception_the_failing_source_cell_and_its_first_lines(
    tmp_path: Path,
) -> None:
    failing = [f"b{i} = {i}  # line {i + 1}" for i in range(CELL_SOURCE_LINES + 3)]
    failing.append("raise ValueError(f'bad value {a}')")
    source = write_notebook(
        tmp_path / "bad.ipynb", ["a = 1", ("md", "text"), "\n".join(failing), "print('never')"]
    )
    before = sha256(source)
    result = execute_step(make_job(source, tmp_path / "run", parameters={"p": 1}), print)
    assert result.status == StepStatus.failed
    assert result.error is not None
    assert result.error.name == "ValueError"
    assert result.error.message == "bad value 1"
    assert result.error.cell_index == 2  # in the source, although a parameters cell was injected
    # The cell as the notebook holds it (not papermill's copy), its first lines only.
    assert result.error.cell_source == "\n".join(failing[:CELL_SOURCE_LINES])
    # The traceback as the kernel coloured it (the lab renders the colours); plain on demand.
    assert "\x1b[" in result.error.traceback
    plain = result.error.plain_traceback
    assert "\x1b" not in plain and "ValueError: bad value 1" in plain
    log = (tmp_path / "run" / "bad.log").read_text()
    assert "never" not in log
    # The log numbers the cell as people count it (the third cell of the notebook).
    assert "[runnable-jupyter] ValueError in cell 3: bad value 1" in log
    assert sha256(source) == before


@pytest.mark.parametrize(
    "suicide", ["import os\nos._exit(1)", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"]
)
def test_kernel_death_is_a_clear_failure(tmp_path: Path, suicide: str) -> None:
    source = write_notebook(tmp_path / "dies.ipynb", ["x = 1", suicide, "print('after')"])
    started = time.monotonic()
    result = execute_step(make_job(source, tmp_path / "run"), print)
    assert time.monotonic() - started < 60  # never a hang
    assert result.status == StepStatus.failed
    assert result.error is not None and result.error.name == "DeadKernelError"
    assert result.error.cell_index == 1
    assert result.error.cell_source == suicide  # the cell it died in, as the notebook holds it
    assert "kernel died" in result.error.message


def test_timeout_stops_the_step_and_says_how_to_raise_the_limit(tmp_path: Path) -> None:
    source = write_notebook(tmp_path / "slow.ipynb", ["import time", "time.sleep(600)"])
    started = time.monotonic()
    result = execute_step(make_job(source, tmp_path / "run", timeout_s=2), print)
    assert time.monotonic() - started < 60
    assert result.status == StepStatus.failed
    assert result.error is not None and result.error.name == "TimeoutError"
    assert "2 s" in result.error.message and "timeout_s" in result.error.message
    assert result.error.cell_index == 1


def test_cancel_token_stops_the_running_kernel(tmp_path: Path) -> None:
    source = write_notebook(tmp_path / "sleepy.ipynb", ["import time\ntime.sleep(600)"])
    cancel = threading.Event()
    kernel_pids: list[int] = []

    def on_progress(progress: StepProgress) -> None:
        threading.Timer(0.5, cancel.set).start()

    started = time.monotonic()
    result = execute_step(
        make_job(source, tmp_path / "run"), on_progress, cancel, on_kernel_start=kernel_pids.append
    )
    assert time.monotonic() - started < 60
    assert result.status == StepStatus.cancelled
    assert result.error is None
    assert len(kernel_pids) == 1
    assert kernel_pids[0] not in [kernel.pid for kernel in running_kernels()]


def test_cancelled_before_start_runs_nothing(tmp_path: Path) -> None:
    source = write_notebook(tmp_path / "never.ipynb", ["print('ran')"])
    cancel = threading.Event()
    cancel.set()
    result = execute_step(make_job(source, tmp_path / "run"), print, cancel)
    assert result.status == StepStatus.cancelled
    assert not (tmp_path / "run" / "never.ipynb").exists()


def test_unknown_kernel_fails_before_starting_with_a_clear_message(tmp_path: Path) -> None:
    source = write_notebook(tmp_path / "k.ipynb", ["1"])
    result = execute_step(make_job(source, tmp_path / "run", kernel_name="no-such-kernel"), print)
    assert result.status == StepStatus.failed
    assert result.error is not None
    assert "no-such-kernel" in result.error.message and "not installed" in result.error.message


def test_sys_exit_zero_succeeds_like_papermill(tmp_path: Path) -> None:
    source = write_notebook(tmp_path / "exit.ipynb", ["import sys\nsys.exit(0)", "1/0"])
    result = execute_step(make_job(source, tmp_path / "run"), print)
    assert result.status == StepStatus.succeeded, result.error


def test_log_file_grows_while_the_step_runs(tmp_path: Path) -> None:
    source = write_notebook(
        tmp_path / "chatty.ipynb",
        ["import time\nprint('first', flush=True)\ntime.sleep(3)\nprint('second')"],
    )
    job = make_job(source, tmp_path / "run")
    seen_while_running: list[str] = []

    def watch() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = Path(job.log_file).read_text() if Path(job.log_file).exists() else ""
            if "first" in text:
                seen_while_running.append(text)
                return
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    result = execute_step(job, print)
    watcher.join()
    assert result.status == StepStatus.succeeded
    assert seen_while_running and "second" not in seen_while_running[0]
    assert "second" in Path(job.log_file).read_text()


# ---------------------------------------------------------------------------- the catalog


def test_declarative_catalog_globs_copy_in_before_and_out_after(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    (catalog / "raw").mkdir(parents=True)
    (catalog / "raw" / "data.csv").write_text("a,b\n1,2\n")
    source = write_notebook(
        tmp_path / "work" / "declarative.ipynb",
        [
            "rows = open('raw/data.csv').read().splitlines()\n"
            "open('summary.txt', 'w').write(f'{len(rows)} rows')"
        ],
    )
    job = make_job(
        source,
        tmp_path / "run",
        catalog_dir=str(catalog),
        catalog_get=["raw/*.csv"],
        catalog_put=["summary.txt"],
    )
    result = execute_step(job, print)
    assert result.status == StepStatus.succeeded, result.error
    assert (catalog / "summary.txt").read_text() == "2 rows"
    assert [(a.name, a.size) for a in result.catalog_reads] == [("raw/data.csv", 8)]
    assert [(a.name, a.size) for a in result.catalog_writes] == [("summary.txt", 6)]
    assert (catalog / ".meta" / "summary.txt.json").exists()


def test_catalog_get_matching_nothing_fails_before_the_kernel_starts(tmp_path: Path) -> None:
    source = write_notebook(tmp_path / "work" / "needs.ipynb", ["print('ran')"])
    (tmp_path / "catalog").mkdir()
    job = make_job(
        source, tmp_path / "run", catalog_dir=str(tmp_path / "catalog"), catalog_get=["*.parquet"]
    )
    result = execute_step(job, print)
    assert result.status == StepStatus.failed
    assert result.error is not None and result.error.name == "CatalogError"
    assert "*.parquet" in result.error.message
    assert not Path(job.output_notebook).exists()


def test_catalog_put_matching_nothing_fails_after_the_run(tmp_path: Path) -> None:
    source = write_notebook(tmp_path / "work" / "forgets.ipynb", ["print('ran')"])
    job = make_job(
        source, tmp_path / "run", catalog_dir=str(tmp_path / "catalog"), catalog_put=["out.csv"]
    )
    result = execute_step(job, print)
    assert result.status == StepStatus.failed
    assert result.error is not None and result.error.name == "CatalogError"
    assert "out.csv" in result.error.message
    assert "ran" in Path(job.log_file).read_text()  # the notebook itself did run


def test_notebook_catalog_api_accesses_are_recorded(tmp_path: Path) -> None:
    source = write_notebook(
        tmp_path / "work" / "api.ipynb",
        [
            "from runnable_jupyter import catalog\n"
            "catalog.put('numbers', [1, 2, 3])\n"
            "assert catalog.get('numbers') == [1, 2, 3]"
        ],
    )
    result = execute_step(make_job(source, tmp_path / "run"), print)
    assert result.status == StepStatus.succeeded, result.error
    assert [a.name for a in result.catalog_writes] == ["numbers"]
    assert [a.name for a in result.catalog_reads] == ["numbers"]
    assert result.catalog_reads[0].sha256 == result.catalog_writes[0].sha256


def test_kernel_dying_at_start_up_fails_with_its_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "jupyter" / "kernels" / "broken"
    spec.mkdir(parents=True)
    crash = "import sys; sys.stderr.write('ModuleNotFoundError: no ipykernel here\\n'); sys.exit(3)"
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-c", crash, "{connection_file}"],
                "display_name": "Broken",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    source = write_notebook(tmp_path / "k.ipynb", ["1"])
    result = execute_step(make_job(source, tmp_path / "run", kernel_name="broken"), print)
    assert result.status == StepStatus.failed
    assert result.error is not None and result.error.name == "DeadKernelError"
    assert "'broken' died while starting" in result.error.message
    assert "no ipykernel here" in result.error.message
    assert result.error.cell_index is None


def test_a_kernel_that_dies_while_starting_is_started_once_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """E.g. two kernels starting at once in two workers and racing for the same ports."""
    spec = tmp_path / "jupyter" / "kernels" / "flaky"
    spec.mkdir(parents=True)
    marker = tmp_path / "first-launch-done"
    launcher = (
        "import os, sys, pathlib; marker = pathlib.Path(sys.argv[1])\n"
        "if not marker.exists(): marker.touch(); sys.exit(1)\n"
        "os.execv(sys.executable, [sys.executable, '-m', 'ipykernel_launcher', '-f', sys.argv[2]])"
    )
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-c", launcher, str(marker), "{connection_file}"],
                "display_name": "Flaky",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    source = write_notebook(tmp_path / "k.ipynb", ["print('second launch works')"])
    job = make_job(source, tmp_path / "run", kernel_name="flaky")
    result = execute_step(job, print)
    assert marker.exists()  # the first launch happened and died
    assert result.status == StepStatus.succeeded, result.error
    assert "trying once more" in Path(job.log_file).read_text()
