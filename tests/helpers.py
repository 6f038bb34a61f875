"""Helpers shared by the test modules (this module holds no tests): writing notebooks and
pipelines into a test's folder, finding the kernels a test left running, waiting for a state,
lending a module's warm pool of workers to the RunManagers a test does not make itself.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import nbformat
import psutil
import pytest

from runnable_jupyter.executors import local
from runnable_jupyter.executors.interface import Executor, StepJob, StepProgress, StepResult
from runnable_jupyter.runlog.models import RunLog

KERNEL_DISPLAY_NAMES = {"python3": "Python 3"}


def kernelspec(name: str) -> dict[str, str]:
    """A notebook's `kernelspec` metadata naming kernel `name`."""
    display_name = KERNEL_DISPLAY_NAMES.get(name, name)
    return {"name": name, "display_name": display_name, "language": "python"}


def write_notebook(
    path: Path, *sources: str, parameters: str | None = None, kernel: str | None = "python3"
) -> Path:
    """A notebook of one code cell per source, after a `parameters`-tagged cell when given;
    `kernel=None` leaves out the kernelspec. Creates the folder."""
    nb = nbformat.v4.new_notebook()
    if kernel is not None:
        nb.metadata["kernelspec"] = kernelspec(kernel)
    if parameters is not None:
        nb.cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    nb.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def write_step_pipeline(
    root: Path,
    steps: dict[str, dict[str, Any]],
    write_step_notebook: Callable[[Path], None],
    *,
    name: str = "p",
    folder: str = "",
    **fields: Any,
) -> str:
    """`root/folder/NAME.pipeline.json` whose steps all run one notebook, `step.ipynb` (written
    by `write_step_notebook` unless there), with parameter `name` = the step's id.

    `steps`: id -> extra step fields; `fields`: extra top-level fields. Returns the pipeline's
    path relative to `root`.
    """
    where = root / folder
    notebook = where / "step.ipynb"
    if not notebook.exists():
        write_step_notebook(notebook)
    document = {
        "version": 1,
        "steps": [
            {"id": step_id, "notebook": "step.ipynb", **step}
            | {"parameters": {"name": step_id} | step.get("parameters", {})}
            for step_id, step in steps.items()
        ],
        **fields,
    }
    path = where / f"{name}.pipeline.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path.relative_to(root).as_posix()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def statuses(log: RunLog) -> dict[str, str]:
    """Step id -> status of a run log."""
    return {step_id: record.status.value for step_id, record in log.steps.items()}


def kernel_processes() -> list[psutil.Process]:
    """This process's descendants running an ipykernel."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                found.append(child)
        except psutil.Error:  # gone meanwhile, or not ours to inspect
            continue
    return found


def kernel_owner(kernel: psutil.Process) -> psutil.Process | None:
    """The process that started `kernel`: its parent, or its parent's parent when the kernel
    was forked by a kernel zygote (the zygote is a child of the kernel's owner)."""
    parent = kernel.parent()
    if parent is not None and any("kernel_zygote" in part for part in parent.cmdline()):
        return parent.parent()
    return parent


# For a notebook: prints "worker PID", the pid of the process that started its kernel.
PRINT_KERNEL_OWNER = (
    "import os, psutil\n"
    "_owner = psutil.Process().parent()\n"
    "if 'kernel_zygote' in ' '.join(_owner.cmdline()): _owner = _owner.parent()\n"
    "print('worker', _owner.pid, flush=True)"
)


def wait_until(condition: Callable[[], object], timeout: float = 30.0) -> None:
    """Poll `condition` until it holds; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


class BorrowedPool:
    """A pool lent to one RunManager: the jobs go to the pool; its shutdown leaves it running."""

    def __init__(self, pool: Executor) -> None:
        self.pool = pool

    def submit(
        self, job: StepJob, on_progress: Callable[[StepProgress], None]
    ) -> Future[StepResult]:
        return self.pool.submit(job, on_progress)

    def cancel(self, run_id: str, step_id: str) -> None:
        self.pool.cancel(run_id, step_id)

    def reserve(self, parallel: int) -> None:
        self.pool.reserve(parallel)

    def shutdown(self) -> None:
        pass


class PoolLender:
    """Lends one warm pool (a module's) to every RunManager that would make its own, such as
    the one of a CLI command run in the test process or of a test's Jupyter server: their runs
    then start no workers (about a second of CPU each, and the wait). What a manager's own pool
    does from start to shutdown is shown by the tests that do not borrow (test_scheduling.py
    checks that the lending works)."""

    def __init__(self, pool: Executor) -> None:
        self.pool = pool
        self.lent = 0

    def lend_to_new_managers(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # A RunManager given no executor makes `local.LocalProcessExecutor(max_workers=...)`.
        monkeypatch.setattr(local, "LocalProcessExecutor", self._borrow)

    def _borrow(self, max_workers: int) -> BorrowedPool:
        self.lent += 1
        return BorrowedPool(self.pool)
