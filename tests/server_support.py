"""Helpers shared by the server extension tests (this module holds no tests).

Every step of the test pipelines runs the same small notebook: it writes `NAME.json` (its
parameters) into its folder, sleeps `sleep` seconds, prints a line, and fails when a file
`NAME.fail` exists there, so tests steer failures from outside and a retry can succeed.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import nbformat
import psutil
from helpers import kernel_processes, kernelspec, sha256, write_step_pipeline

from runnable_jupyter.clock import utcnow
from runnable_jupyter.runlog.models import (
    Attempt,
    RunAttempt,
    RunLog,
    RunStatus,
    StepRecord,
    StepStatus,
    new_run_id,
)
from runnable_jupyter.runlog.store import RunStore

API = ("runnable-jupyter", "api")
FINISHED_RUN = {"succeeded", "failed", "cancelled", "interrupted"}
RUN_DEADLINE_S = 90.0  # generous: kernels start slowly on a busy machine


def write_step_notebook(path: Path) -> None:
    cells = [
        nbformat.v4.new_code_cell('name = "step"\nsleep = 0.0', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import json, pathlib, time\n"
            'pathlib.Path(f"{name}.json").write_text(json.dumps({"name": name}))\n'
            'print(f"step {name} says héllo", flush=True)\n'
            "time.sleep(sleep)"
        ),
        nbformat.v4.new_code_cell(
            'if pathlib.Path(f"{name}.fail").exists():\n'
            '    raise ValueError(f"{name} failed on purpose")'
        ),
        nbformat.v4.new_code_cell(
            'raise RuntimeError("a skip-tagged cell ran")', metadata={"tags": ["skip-execution"]}
        ),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = kernelspec("python3")
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def write_pipeline(
    root: Path, steps: dict[str, dict[str, Any]], name: str = "p", folder: str = ""
) -> str:
    """`steps`: id -> extra step fields; every step runs `step.ipynb` with `name` = its id.

    Returns the pipeline's path relative to `root`.
    """
    return write_step_pipeline(root, steps, write_step_notebook, name=name, folder=folder)


def record_run(root: Path, pipeline: str, status: StepStatus, output: bytes = b"") -> RunLog:
    """A finished run of step `a` as the engine records it, with `output` as its log."""
    pipeline_path = root / pipeline
    store = RunStore(pipeline_path.parent / "p.runs")
    run_id, now = new_run_id(), utcnow()
    run_dir = store.run_dir(run_id)
    run_dir.mkdir(parents=True)
    (run_dir / "a.log").write_bytes(output)
    attempt = Attempt(
        number=1,
        status=status,
        start=now - timedelta(seconds=3),
        end=now,
        output_notebook=str(run_dir / "a.ipynb"),
        log_file=str(run_dir / "a.log"),
    )
    notebook = pipeline_path.parent / "step.ipynb"
    log = RunLog(
        run_id=run_id,
        pipeline=pipeline,
        pipeline_sha256=sha256(pipeline_path),
        pipeline_structure={"a": []},
        status=RunStatus.succeeded if status == StepStatus.succeeded else RunStatus.failed,
        start=now - timedelta(seconds=4),
        end=now,
        attempts=[RunAttempt(number=1, start=now, end=now, steps=["a"])],
        run_dir=str(run_dir),
        catalog_dir=str(pipeline_path.parent / "p.catalog"),
        steps={
            "a": StepRecord(
                id="a",
                notebook="step.ipynb",
                status=status,
                source_sha256=sha256(notebook),
                parameters={"name": "a"},
                attempts=[attempt],
            )
        },
    )
    store.save(log)
    return log


async def call(
    jp_fetch: Any,
    method: str,
    *parts: str,
    body: Any = None,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """(status, decoded JSON body) of a request to the extension's API; never raises on 4xx."""
    # pytest-jupyter's 20 s default timed out validating a 5000-step document at load 17.
    options: dict[str, Any] = {
        "method": method,
        "raise_error": False,
        "request_timeout": RUN_DEADLINE_S,
    }
    if method == "POST":
        options["body"] = body if isinstance(body, str) else json.dumps(body or {})
    response = await jp_fetch(*API, *parts, params=params, headers=headers, **options)
    assert response.headers["Content-Type"].startswith("application/json"), response.body
    return response.code, json.loads(response.body) if response.body else None


async def wait_for_run(
    jp_fetch: Any, run_id: str, deadline_s: float = RUN_DEADLINE_S, until: set[str] = FINISHED_RUN
) -> dict[str, Any]:
    """Poll `GET runs/{run_id}` until the run's status is in `until`."""
    give_up = time.monotonic() + deadline_s
    while True:
        code, log = await call(jp_fetch, "GET", "runs", run_id)
        assert code == 200, log
        if log["status"] in until:
            return log  # type: ignore[no-any-return]
        assert time.monotonic() < give_up, f"run {run_id} still {log['status']}"
        await asyncio.sleep(0.2)


async def wait_for_step(
    jp_fetch: Any, run_id: str, step_id: str, status: str, deadline_s: float = RUN_DEADLINE_S
) -> dict[str, Any]:
    give_up = time.monotonic() + deadline_s
    while True:
        code, log = await call(jp_fetch, "GET", "runs", run_id)
        assert code == 200, log
        if log["steps"][step_id]["status"] == status:
            return log  # type: ignore[no-any-return]
        assert time.monotonic() < give_up, f"step {step_id} never became {status}"
        await asyncio.sleep(0.2)


def files_under(root: Path) -> set[str]:
    """Every file and folder under `root`, to check that a refused request wrote nothing."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def wait_without_kernels(deadline_s: float = 15.0) -> list[psutil.Process]:
    give_up = time.monotonic() + deadline_s
    while (left := kernel_processes()) and time.monotonic() < give_up:
        time.sleep(0.2)
    return left
