"""The changes a run reports while it progresses (`RunEvent`), built from its run log.

The UI and the CLI show these: the server re-emits them on jupyter_events (see
`server/events.py`), the CLI draws them. Events are built under the manager's lock, from the
run log of the run in progress, so each one describes a consistent state.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from ..clock import utcnow
from ..executors.interface import StepProgress
from ..runlog.models import RunLog, StepStatus


@dataclass
class RunEvent:
    """One change the UI and CLI show: a run's or a step's status, or a step's cell progress."""

    kind: str  # "run" | "step" | "progress"
    pipeline: str  # pipeline path relative to the workspace root
    run_id: str
    step_id: str | None = None
    status: str | None = None
    cell: int | None = None
    cells: int | None = None
    error_name: str | None = None  # a failed step: the exception's name ("ValueError")
    error_message: str | None = None  # a failed step's message, or why a run failed
    time: datetime = field(default_factory=utcnow)

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"time": self.time.isoformat()}


def run_event(log: RunLog) -> RunEvent:
    """The run's status; a failed run names its failed steps."""
    failed = [step_id for step_id, r in log.steps.items() if r.status == StepStatus.failed]
    message = f"failed steps: {', '.join(failed)}" if failed else None
    return RunEvent("run", log.pipeline, log.run_id, status=log.status.value, error_message=message)


def step_event(log: RunLog, step_id: str) -> RunEvent:
    """A step's status, with its last attempt's error when it has one."""
    record = log.steps[step_id]
    attempt = record.last_attempt
    error = attempt.error if attempt is not None else None
    return RunEvent(
        "step",
        log.pipeline,
        log.run_id,
        step_id,
        record.status.value,
        error_name=error.name if error else None,
        error_message=error.message if error else None,
    )


def progress_event(log: RunLog, progress: StepProgress) -> RunEvent:
    """A running step's cell progress ("cell 3 of 12")."""
    return RunEvent(
        kind="progress",
        pipeline=log.pipeline,
        run_id=log.run_id,
        step_id=progress.step_id,
        status=StepStatus.running.value,
        cell=progress.cell,
        cells=progress.cells,
    )
