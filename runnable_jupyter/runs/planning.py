"""Run planning: the run log of a new run, what a retry re-runs, and interrupted runs.

Functions over the pipeline model and run logs only (no threads, no executor): `RunManager`
calls them before a run is activated, so bad input raises and nothing is written.
"""

from __future__ import annotations

import json
import keyword
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..clock import utcnow
from ..errors import BadRequest, RunInProgress, StructureChanged
from ..executors.interface import FALLBACK_KERNEL
from ..files import sha256_of_file
from ..paths import resolve_inside
from ..pipeline import graph
from ..pipeline.graph import Mode
from ..pipeline.model import Pipeline, Step
from ..runlog.models import ErrorInfo, RunAttempt, RunLog, RunStatus, StepRecord, StepStatus
from .environment import collect_environment
from .step_env import declared_env, env_record

RETRYABLE = frozenset(
    {
        StepStatus.failed,
        StepStatus.cancelled,
        StepStatus.upstream_failed,
        StepStatus.pending,
        StepStatus.running,  # left behind by a run that was interrupted mid-step
    }
)
UNFINISHED_RUN = frozenset({RunStatus.pending, RunStatus.running})


def notebook_path(root: Path, pipeline_path: Path, step: Step) -> Path:
    """The step's notebook, confined to the workspace root."""
    return resolve_inside(root, step.notebook, base=pipeline_path.parent)


def checked_overrides(parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    if parameters is None:
        return {}
    if not isinstance(parameters, Mapping):
        raise BadRequest("parameters must be an object mapping names to values")
    bad = [
        name
        for name in parameters
        if not (isinstance(name, str) and name.isidentifier()) or keyword.iskeyword(name)
    ]
    if bad:
        raise BadRequest(
            f"parameter names must be Python identifiers: {', '.join(map(repr, bad))} "
            "(letters, digits and _, not starting with a digit, not a keyword)",
            {"parameters": [str(n) for n in bad]},
        )
    try:
        json.dumps(dict(parameters))
    except (TypeError, ValueError) as error:
        raise BadRequest(f"parameter values must be JSON values: {error}") from None
    return dict(parameters)


def new_run_log(
    *,
    root: Path,
    model: Pipeline,
    pipeline_path: Path,
    rel: str,
    run_id: str,
    selection: list[str],
    mode: Mode | str,
    overrides: dict[str, Any],
    order: list[str],
    run_dir: Path,
    catalog_dir: Path,
    skip_unchanged: bool = False,
) -> RunLog:
    """The log of a new run: planned steps `pending`, the others `not_selected`."""
    log = RunLog(
        run_id=run_id,
        pipeline=rel,
        pipeline_sha256=sha256_of_file(pipeline_path),
        pipeline_structure=model.dependencies(),
        selection=selection,
        mode=Mode(mode),
        parameters=overrides,
        skip_unchanged=skip_unchanged,
        run_dir=str(run_dir),
        catalog_dir=str(catalog_dir),
        attempts=[RunAttempt(number=1, steps=order)],
    )
    planned = set(order)
    for step in model.steps:
        notebook = notebook_path(root, pipeline_path, step)
        log.steps[step.id] = StepRecord(
            id=step.id,
            notebook=step.notebook,
            status=StepStatus.pending if step.id in planned else StepStatus.not_selected,
            source_sha256=sha256_of_file(notebook),
            kernel=step.kernel or _notebook_kernel(notebook) or FALLBACK_KERNEL,
            parameters={**model.parameters, **step.parameters, **overrides},
            env=env_record(declared_env(model, step.id)),
            depends_on=list(step.depends_on),
        )
    log.environment = collect_environment(
        pipeline_path.parent, {log.steps[s].kernel or FALLBACK_KERNEL for s in order}
    )
    return log


def retry_plan(
    log: RunLog, model: Pipeline, pipeline_path: Path, root: Path, rel: str, force: bool
) -> tuple[list[str], dict[str, list[str]]]:
    """(steps to re-run in topological order, their dependencies) for a retry of `log`.

    Raises StructureChanged when the pipeline changed (unless `force`), BadRequest when nothing
    is left to retry.
    """
    run_id = log.run_id
    if log.orchestrated and log.status in UNFINISHED_RUN:
        raise RunInProgress(
            f"run {run_id} is in progress, its steps executed by separate exec-step processes "
            "(an orchestrator such as Argo): retry it there once it ends",
            {"run_id": run_id, "pipeline": rel},
        )
    changes = _structure_changes(log, model, pipeline_path, root)
    blocking = {k: v for k, v in changes.items() if k != "changed_notebooks" and v}
    if blocking and not force:
        raise StructureChanged(
            f"the pipeline {rel} changed since run {run_id}: {_describe(changes)}; "
            "retry with force to run anyway",
            changes,
        )
    deps = {s: d for s, d in model.dependencies().items() if s in log.steps}
    in_scope = {s for s, r in log.steps.items() if r.status != StepStatus.not_selected}
    failed = {s for s in in_scope if log.steps[s].status in RETRYABLE}
    chosen = (failed | graph.descendants(deps, failed)) & in_scope & set(deps)
    if not chosen:
        raise BadRequest(
            f"run {run_id} has nothing to retry: every selected step succeeded",
            {"run_id": run_id, "status": log.status.value},
        )
    order = [s for s in graph.topological_order(deps) if s in chosen]
    return order, deps


def reset_for_retry(
    log: RunLog, model: Pipeline, pipeline_path: Path, root: Path, order: list[str]
) -> None:
    """Start a new attempt of `log` re-running `order`, with the steps as the pipeline has them."""
    for step_id in order:
        step, record = model.step(step_id), log.steps[step_id]
        record.notebook, record.depends_on = step.notebook, list(step.depends_on)
        record.source_sha256 = sha256_of_file(notebook_path(root, pipeline_path, step))
        record.status = StepStatus.pending
    log.attempts.append(RunAttempt(number=len(log.attempts) + 1, steps=order))
    log.status, log.end = RunStatus.pending, None


def mark_log_interrupted(log: RunLog) -> None:
    # StepStatus has no `interrupted`: a step cut off mid-way is recorded as cancelled with an
    # error saying why; steps that never started are cancelled too. Retry re-runs both.
    now = utcnow()
    for record in log.steps.values():
        if record.status == StepStatus.running:
            attempt = record.last_attempt
            if attempt is not None:
                attempt.status, attempt.end = StepStatus.cancelled, now
                attempt.error = ErrorInfo(
                    name="Interrupted",
                    message="the process running this step stopped before it finished; "
                    "retry the run to run it again",
                )
            record.status = StepStatus.cancelled
        elif record.status == StepStatus.pending:
            record.status = StepStatus.cancelled
    log.status = RunStatus.interrupted
    log.end = now
    if log.attempts and log.attempts[-1].end is None:
        log.attempts[-1].end = now


def _structure_changes(
    log: RunLog, model: Pipeline, pipeline_path: Path, root: Path
) -> dict[str, list[str]]:
    before, after = log.pipeline_structure, model.dependencies()
    changed_notebooks = []
    for step in model.steps:
        record = log.steps.get(step.id)
        if record is None:
            continue
        try:
            digest = sha256_of_file(notebook_path(root, pipeline_path, step))
        except Exception:
            digest = None
        if record.notebook != step.notebook or digest != record.source_sha256:
            changed_notebooks.append(step.id)
    return {
        "added_steps": [s for s in after if s not in before],
        "removed_steps": [s for s in before if s not in after],
        "changed_dependencies": [
            s for s in after if s in before and sorted(before[s]) != sorted(after[s])
        ],
        "changed_notebooks": changed_notebooks,
    }


def _describe(changes: dict[str, list[str]]) -> str:
    labels = {
        "added_steps": "steps added",
        "removed_steps": "steps removed",
        "changed_dependencies": "dependencies changed for",
        "changed_notebooks": "notebooks changed for",
    }
    return "; ".join(f"{labels[k]}: {', '.join(v)}" for k, v in changes.items() if v)


def _notebook_kernel(path: Path) -> str | None:
    try:
        metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return None
    kernelspec = metadata.get("kernelspec") if isinstance(metadata, dict) else None
    name = kernelspec.get("name") if isinstance(kernelspec, dict) else None
    return name if isinstance(name, str) and name else None
