"""How the CLI reports a failed step: `show` prints the whole message (the cause is often on
its last lines), numbers cells from 1 as people count them, and points `output:` at the
executed notebook (`log:` at the step's log); the followed run's one-line error numbers cells
the same way."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from server_support import record_run, write_pipeline

from runnable_jupyter.cli.display import error_text, run_summary
from runnable_jupyter.executors.step_execution import cell_name
from runnable_jupyter.runlog.models import ErrorInfo, StepStatus

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


def test_a_dead_kernel_names_its_cell_from_1() -> None:
    assert cell_name(0) == "cell 1"
    assert cell_name(None) == "the injected parameters cell"
