"""The per-step output cap: what a step stores is bounded, with a marker, and so is the worker's
memory while a kernel keeps printing; the limit comes from the pipeline or the manager."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fake_executor import FakeExecutor
from helpers import write_notebook, write_step_pipeline

from runnable_jupyter.executors.interface import StepJob
from runnable_jupyter.executors.output_limit import MB, OutputBudget
from runnable_jupyter.executors.step_execution import execute_step
from runnable_jupyter.runlog.models import StepStatus
from runnable_jupyter.runs.manager import RunManager

pytestmark = pytest.mark.timeout(120)

MARKER = "output limit of 1 MB reached"


def print_megabytes(megabytes: int) -> str:
    """A cell printing `megabytes` MB to stdout in 1 KiB lines."""
    return (
        "import sys\nline = 'x' * 1023 + '\\n'\n"
        f"for _ in range({megabytes} * 1024):\n    sys.stdout.write(line)\n"
    )


def job_for(notebook: Path, out: Path, **fields: Any) -> StepJob:
    return StepJob(
        run_id="20261203T100000-abcdef",
        step_id="loud",
        notebook=str(notebook),
        cwd=str(notebook.parent),
        output_notebook=str(out / "loud.ipynb"),
        log_file=str(out / "loud.log"),
        access_log=str(out / "loud.catalog.jsonl"),
        **fields,
    )


def stored_text(notebook: Path) -> list[str]:
    """The text of every stream output of an executed notebook, cell by cell."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return [
        "".join(output.get("text", ""))
        for cell in nb["cells"]
        for output in cell.get("outputs", [])
        if output["output_type"] == "stream"
    ]


def test_output_beyond_the_limit_is_dropped_with_a_marker(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "loud.ipynb", print_megabytes(4), "print('after')")
    job = job_for(notebook, tmp_path / "out", output_limit_bytes=1 * MB)
    result = execute_step(job, lambda progress: None)
    assert result.status == StepStatus.succeeded
    executed = Path(job.output_notebook)
    assert executed.stat().st_size < 1.2 * MB
    texts = stored_text(executed)
    assert MARKER in texts[-1] and "after" not in "".join(texts)
    log = Path(job.log_file).read_text(encoding="utf-8")
    assert len(log.encode()) < 1.2 * MB
    assert MARKER in log and "3.0 MB of output beyond the limit were not kept" in log


def test_an_error_after_the_limit_is_kept_and_fails_the_step(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "loud.ipynb", print_megabytes(2), "1 / 0")
    job = job_for(notebook, tmp_path / "out", output_limit_bytes=1 * MB)
    result = execute_step(job, lambda progress: None)
    assert result.status == StepStatus.failed
    assert result.error is not None and result.error.name == "ZeroDivisionError"


def test_cleared_output_does_not_count(tmp_path: Path) -> None:
    redraw = (
        "from IPython.display import clear_output\n"
        "for _ in range(8):\n    clear_output()\n    print('y' * 400_000)\n"
    )
    notebook = write_notebook(tmp_path / "loud.ipynb", redraw)
    job = job_for(notebook, tmp_path / "out", output_limit_bytes=1 * MB)
    assert execute_step(job, lambda progress: None).status == StepStatus.succeeded
    assert [len(text) for text in stored_text(Path(job.output_notebook))] == [400_001]


def test_without_a_limit_everything_is_kept(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "loud.ipynb", print_megabytes(2))
    job = job_for(notebook, tmp_path / "out")
    assert execute_step(job, lambda progress: None).status == StepStatus.succeeded
    assert sum(map(len, stored_text(Path(job.output_notebook)))) == 2 * MB


WORKER_MEMORY = """
import json, resource, sys
from runnable_jupyter.executors.interface import StepJob
from runnable_jupyter.executors.step_execution import execute_step
job = StepJob(**json.loads(sys.argv[1]))
result = execute_step(job, lambda progress: None)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"status": result.status.value, "peak_mb": peak_mb}))
"""


def test_the_worker_memory_stays_bounded_while_the_kernel_keeps_printing(tmp_path: Path) -> None:
    """100 MB printed, 1 MB kept: the process peaks at about 340 MB (700 MB without the cap)."""
    notebook = write_notebook(tmp_path / "loud.ipynb", print_megabytes(100))
    job = job_for(notebook, tmp_path / "out", output_limit_bytes=1 * MB)
    answer = subprocess.run(
        [sys.executable, "-c", WORKER_MEMORY, json.dumps(job.__dict__)],
        capture_output=True,
        text=True,
        timeout=100,
        check=True,
    )
    outcome = json.loads(answer.stdout.strip().splitlines()[-1])
    assert outcome["status"] == "succeeded"
    assert outcome["peak_mb"] < 500, outcome


def test_a_budget_cuts_a_stream_at_a_character_boundary() -> None:
    budget = OutputBudget(limit_bytes=5)
    message = {"msg_type": "stream", "header": {}, "content": {"name": "stdout", "text": "ééé"}}
    admitted = budget.admit(message, cell_index=0)
    assert admitted is not None and admitted["content"]["text"].startswith("éé\n")
    assert budget.admit(message, cell_index=0) is None and budget.dropped == 7


def test_a_display_over_the_limit_becomes_the_marker() -> None:
    budget = OutputBudget(limit_bytes=10)
    image = {"msg_type": "display_data", "header": {}, "content": {"data": {"image/png": "A" * 20}}}
    admitted = budget.admit(image, cell_index=0)
    assert admitted is not None and admitted["msg_type"] == "stream"
    assert admitted["header"]["msg_type"] == "stream"
    assert "output limit" in admitted["content"]["text"]


@pytest.mark.parametrize(
    ("settings", "default_mb", "expected"),
    [({}, 50.0, 50 * MB), ({"output_limit_mb": 2}, 50.0, 2 * MB), ({}, None, None)],
)
def test_the_pipeline_setting_wins_over_the_managers_default(
    tmp_path: Path, settings: dict[str, Any], default_mb: float | None, expected: int | None
) -> None:
    fake = FakeExecutor()
    manager = RunManager(root=tmp_path, executor=fake, default_output_limit_mb=default_mb)
    try:
        pipeline = write_step_pipeline(
            tmp_path, {"a": {}}, lambda path: write_notebook(path, "x = 1"), settings=settings
        )
        log = manager.start(pipeline)
        (job,) = fake.wait_running("a")
        assert job.output_limit_bytes == expected
        fake.finish("a")
        manager.wait(log.run_id, timeout=10)
    finally:
        manager.shutdown()
