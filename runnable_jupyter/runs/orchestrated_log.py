"""The rules of a run log whose steps are executed by separate processes (`exec-step`): who
may join the run, what an upstream outcome means for a step, what a step's outcome means for the
steps below it, when the run has ended. The same rules a run's own thread applies to a local run
(`active_run`), applied by whichever step makes them true. Functions over the run log only,
called under its lock (`locked_run_log`).
"""

from __future__ import annotations

import json
from typing import Any

from ..clock import utcnow
from ..errors import BadRequest
from ..pipeline import graph
from ..runlog.models import FINISHED_STEP_STATUSES, RunLog, RunStatus, StepStatus
from .active_run import BLOCKING_FAILURES, DONE_FOR_DEPENDENTS

RERUNNABLE = frozenset({StepStatus.failed, StepStatus.cancelled, StepStatus.upstream_failed})


def _sorted(structure: dict[str, list[str]]) -> dict[str, list[str]]:
    return {step: sorted(deps) for step, deps in structure.items()}


def check_same_run(
    log: RunLog, rel: str, structure: dict[str, list[str]], overrides: dict[str, Any]
) -> None:
    """Every exec-step of a run must describe the run it joins."""
    run_id = log.run_id
    if not log.orchestrated:
        raise BadRequest(
            f"run {run_id} was started by `runnable-jupyter run` or the server, not by "
            "exec-step: exec-step executes steps only of runs it started; use a new run id",
            {"run_id": run_id},
        )
    if _sorted(structure) != _sorted(log.pipeline_structure):
        raise BadRequest(
            f"the steps or dependencies of {rel} changed since run {run_id} started: "
            "execute its steps with the pipeline as it was, or start a new run id",
            {"run_id": run_id},
        )
    if overrides != log.parameters:
        raise BadRequest(
            f"run {run_id} was started with parameters {json.dumps(log.parameters)}, this "
            f"exec-step passes {json.dumps(overrides)}: give every step of a run the "
            "same -p NAME=VALUE",
            {"run_id": run_id, "run_parameters": log.parameters},
        )


def check_upstream_finished(log: RunLog, step_id: str) -> None:
    waiting = [
        f"{dep} ({log.steps[dep].status.value})"
        for dep in log.pipeline_structure.get(step_id, [])
        if log.steps[dep].status not in FINISHED_STEP_STATUSES
    ]
    if waiting:
        raise BadRequest(
            f"step '{step_id}' of run {log.run_id} waits for {', '.join(waiting)}: execute "
            "the steps in dependency order",
            {"run_id": log.run_id, "step": step_id, "waiting": waiting},
        )


def blocked_by_upstream(log: RunLog, step_id: str) -> StepStatus | None:
    statuses = {log.steps[dep].status for dep in log.pipeline_structure.get(step_id, [])}
    if statuses & BLOCKING_FAILURES:
        return StepStatus.upstream_failed
    if StepStatus.cancelled in statuses:
        return StepStatus.cancelled
    return None


def reopen_descendants(log: RunLog, step_id: str) -> list[str]:
    """Descendants that did not run because of the step's earlier outcome wait for it again."""
    below = graph.descendants(log.pipeline_structure, {step_id})
    reopened = [
        other
        for other in graph.topological_order(log.pipeline_structure)
        if other in below and log.steps[other].status in RERUNNABLE
    ]
    for other in reopened:
        log.steps[other].status = StepStatus.pending
    return reopened


def settle_descendants(log: RunLog, step_id: str, status: StepStatus) -> None:
    """Pending steps downstream of a step that did not produce cannot run in this run."""
    for other in graph.descendants(log.pipeline_structure, {step_id}):
        if log.steps[other].status == StepStatus.pending:
            log.steps[other].status = status


def finish_if_complete(log: RunLog) -> None:
    """Once every step has an outcome, the run has its final status."""
    statuses = [record.status for record in log.steps.values()]
    if any(status not in FINISHED_STEP_STATUSES for status in statuses):
        return
    if all(status in DONE_FOR_DEPENDENTS for status in statuses):
        log.status = RunStatus.succeeded
    elif any(status in BLOCKING_FAILURES for status in statuses):
        log.status = RunStatus.failed
    else:
        log.status = RunStatus.cancelled
    log.end = log.attempts[-1].end = utcnow()
