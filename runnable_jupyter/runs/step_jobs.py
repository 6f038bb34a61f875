"""A step's next attempt and the `StepJob` an executor runs for it: file names in the run's
folder, parameters, kernel, skip tags, time and output limits, catalog view and globs.

Shared by a run's own thread (`active_run`) and `exec-step` (`single_step`), so a step executes
the same way whoever launches it.
"""

from __future__ import annotations

from pathlib import Path

from ..clock import utcnow
from ..executors.interface import StepJob
from ..executors.output_limit import limit_in_bytes
from ..pipeline.model import Pipeline
from ..runlog.models import Attempt, RunLog, StepStatus
from .planning import notebook_path


def next_attempt(
    root: Path,
    log: RunLog,
    pipeline: Pipeline,
    pipeline_path: Path,
    step_id: str,
    *,
    skip_tags: list[str],
    default_timeout_s: float | None,
    default_output_limit_mb: float | None,
) -> tuple[Attempt, StepJob]:
    """(the step's next attempt, running from now, and its job); neither is recorded yet."""
    step, record = pipeline.step(step_id), log.steps[step_id]
    number = len(record.attempts) + 1
    suffix = "" if number == 1 else f".attempt{number}"
    run_dir = Path(log.run_dir)
    notebook = notebook_path(root, pipeline_path, step)
    attempt = Attempt(
        number=number,
        status=StepStatus.running,
        start=utcnow(),
        output_notebook=str(run_dir / f"{step_id}{suffix}.ipynb"),
        log_file=str(run_dir / f"{step_id}{suffix}.log"),
    )
    job = StepJob(
        run_id=log.run_id,
        step_id=step_id,
        notebook=str(notebook),
        cwd=str(notebook.parent),
        output_notebook=attempt.output_notebook or "",
        log_file=attempt.log_file or "",
        access_log=str(run_dir / f"{step_id}{suffix}.catalog.jsonl"),
        metrics_log=str(run_dir / f"{step_id}{suffix}.metrics.jsonl"),
        parameters=dict(record.parameters),
        kernel_name=step.kernel,
        skip_tags=list(skip_tags),
        timeout_s=step.timeout_s if step.timeout_s is not None else default_timeout_s,
        output_limit_bytes=limit_in_bytes(
            pipeline.settings.output_limit_mb or default_output_limit_mb
        ),
        catalog_dir=log.catalog_dir,
        catalog_view=str(run_dir / f"{step_id}{suffix}.catalog-view.json"),
        catalog_files=str(run_dir / f"{step_id}{suffix}.files"),
        pipeline_path=str(pipeline_path),
        catalog_get=list(step.catalog.get),
        catalog_put=list(step.catalog.put),
        preload=list(pipeline.settings.preload),
    )
    return attempt, job
