"""How the CLI reports a failed step: `show` prints the whole message (the cause is often on
its last lines) and the failing cell's first lines, numbers cells from 1 as people count them,
and points `output:` at the executed notebook (`log:` at the step's log); the followed run's
one-line error numbers cells the same way. Run logs written before errors kept the cell's
source still load and show."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from server_support import record_run, write_pipeline

from runnable_jupyter.cli.display import run_summary
from runnable_jupyter.cli.run_text import error_text
from runnable_jupyter.executors.step_execution import cell_name
from runnable_jupyter.runlog.models import (
    CELL_SOURCE_LINES,
    ErrorInfo,
    RunLog,
    StepStatus,
    source_head,
)

SKLEARN_MESSAGE = """
All the 5 fits failed.
It is very likely that your model is misconfigured.

Below are more details about the failures:
sklearn.utils._param_validation.InvalidParameterError: The 'n_estimators' parameter of \
RandomForestClassifier must be an int in the range [1, inf). Got -5 instead.
"""


def test_show_prints_the_whole_cause_the_cell_as_numbered_and_the_executed_notebook(
    tmp_path: Path,
) -> None:
    pipeline = write_pipeline(tmp_path, {"a": {}})
    log = record_run(tmp_path, pipeline, StepStatus.failed)
    attempt = log.steps["a"].attempts[-1]
    attempt.error = ErrorInfo(name="ValueError", message=SKLEARN_MESSAGE, cell_index=3)
    attempt.skipped_cells = [0, 2]
    console = Console(record=True, width=300)
    console.print(run_summary(log, log.model_dump(mode="json")))
    shown = console.export_text()

    assert "a: ValueError (cell 4)" in shown
    assert "Got -5 instead." in shown and "All the 5 fits failed." in shown
    assert f"output: {attempt.output_notebook}" in shown
    assert attempt.output_notebook.endswith("a.ipynb")
    assert f"log: {attempt.log_file}" in shown
    assert "1, 3" in shown  # the skipped cells, numbered from 1 too
    assert error_text(log.steps["a"]) == "ValueError: All the 5 fits failed. (cell 4)"


FAILING_CELL = [f"model{i} = fit(n_estimators=-{i})" for i in range(1, 8)]


def shown_text(log: RunLog) -> str:
    console = Console(record=True, width=300)
    console.print(run_summary(log, log.model_dump(mode="json")))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


def test_show_prints_the_failing_cells_first_five_lines_and_marks_the_cut(
    tmp_path: Path,
) -> None:
    pipeline = write_pipeline(tmp_path, {"a": {}})
    log = record_run(tmp_path, pipeline, StepStatus.failed)
    attempt = log.steps["a"].attempts[-1]
    attempt.error = ErrorInfo(
        name="ValueError", message="bad", cell_index=3, cell_source="\n".join(FAILING_CELL)
    )
    shown = shown_text(log).splitlines()

    start = shown.index("  bad") + 1
    assert shown[start : start + 6] == [f"  │ {line}" for line in FAILING_CELL[:5]] + ["  │ …"]
    assert FAILING_CELL[5] not in "\n".join(shown)
    # A short cell is printed whole, with no mark.
    attempt.error.cell_source = "\n".join(FAILING_CELL[:2])
    shown = shown_text(log).splitlines()
    start = shown.index("  bad") + 1
    assert shown[start : start + 3] == [f"  │ {FAILING_CELL[0]}", f"  │ {FAILING_CELL[1]}"] + [
        f"  output: {attempt.output_notebook}"
    ]


def test_a_run_log_without_cell_sources_still_loads_and_shows(tmp_path: Path) -> None:
    pipeline = write_pipeline(tmp_path, {"a": {}})
    log = record_run(tmp_path, pipeline, StepStatus.failed)
    log.steps["a"].attempts[-1].error = ErrorInfo(name="ValueError", message="bad", cell_index=0)
    data = json.loads(log.model_dump_json())
    del data["steps"]["a"]["attempts"][-1]["error"]["cell_source"]  # as older engines wrote it

    old = RunLog.model_validate(data)
    assert old.steps["a"].attempts[-1].error.cell_source is None
    shown = shown_text(old)
    assert "a: ValueError (cell 1)" in shown
    assert not [line for line in shown.splitlines() if line.startswith("  │ ")]


def test_the_run_log_keeps_a_cells_first_lines_as_the_notebook_holds_them() -> None:
    lines = [f"    x{i} = {i}" for i in range(CELL_SOURCE_LINES + 5)]
    assert source_head("\n".join(lines)) == "\n".join(lines[:CELL_SOURCE_LINES])
    # nbformat files may keep a source as a list of lines
    assert source_head(["a = 1\n", "  b = 2\n"]) == "a = 1\n  b = 2"
    assert source_head("") is None


def test_a_dead_kernel_names_its_cell_from_1() -> None:
    assert cell_name(0) == "cell 1"
    assert cell_name(None) == "the injected parameters cell"
