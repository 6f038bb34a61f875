"""Comparing runs of one pipeline: what differs between them and what they measured.

For each run: its status and duration. Across runs: the run parameters and the steps' resolved
parameters that differ, every metric (a step's last value of each name, and how many points a
curve has), each step's status and duration, and the catalog entries whose written content
(sha256) differs. `runnable-jupyter compare` and `GET compare` show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import BadRequest
from ..runlog.models import RunLog, StepRecord

MAX_COMPARED = 50


def _duration(start: Any, end: Any) -> float | None:
    return (end - start).total_seconds() if start is not None and end is not None else None


def _run_duration(log: RunLog) -> float | None:
    """The time the run's attempts took together: the idle time before a retry is not the run's."""
    spans = [(a.start, a.end) for a in log.attempts] or [(log.start, log.end)]
    durations = [_duration(start, end) for start, end in spans]
    known = [d for d in durations if d is not None]
    return sum(known) if known and len(known) == len(durations) else None


def _step_duration(record: StepRecord) -> float | None:
    durations = [a.duration_s for a in record.attempts if a.duration_s is not None]
    return sum(durations) if durations else None


def _differing(values: dict[str, dict[str, Any]], run_ids: Sequence[str]) -> dict[str, Any]:
    """The entries whose value is not the same in every run (a missing value counts)."""
    return {
        key: by_run
        for key, by_run in sorted(values.items())
        if len({repr(by_run.get(run_id)) for run_id in run_ids}) > 1
    }


def compare_runs(logs: Sequence[RunLog]) -> dict[str, Any]:
    if not 2 <= len(logs) <= MAX_COMPARED:
        raise BadRequest(f"compare 2 to {MAX_COMPARED} runs, not {len(logs)}")
    run_ids = [log.run_id for log in logs]
    if len(set(run_ids)) != len(run_ids):
        raise BadRequest("each run is compared once: a run id is given twice")
    parameters: dict[str, dict[str, Any]] = {}
    step_parameters: dict[str, dict[str, Any]] = {}
    metrics: dict[str, dict[str, Any]] = {}
    steps: dict[str, dict[str, Any]] = {}
    written: dict[str, dict[str, str]] = {}
    for log in logs:
        for name, value in log.parameters.items():
            parameters.setdefault(name, {})[log.run_id] = value
        for step_id, record in log.steps.items():
            for name, value in record.parameters.items():
                step_parameters.setdefault(f"{step_id}.{name}", {})[log.run_id] = value
            steps.setdefault(step_id, {})[log.run_id] = {
                "status": record.status.value,
                "duration_s": _step_duration(record),
            }
            attempt = record.last_attempt
            if attempt is None:
                continue
            for access in attempt.catalog_writes:
                written.setdefault(access.name, {})[log.run_id] = access.sha256
            points: dict[str, list[float]] = {}
            for metric in attempt.metrics:
                points.setdefault(metric.name, []).append(metric.value)
            for name, values in points.items():
                metrics.setdefault(f"{step_id}.{name}", {})[log.run_id] = {
                    "value": values[-1],
                    "points": len(values),
                }
    return {
        "runs": [
            {
                "run_id": log.run_id,
                "status": log.status.value,
                "start": log.start.isoformat() if log.start else None,
                "duration_s": _run_duration(log),
                "parameters": log.parameters,
                "rerun_of": log.rerun_of,
            }
            for log in logs
        ],
        "parameters": _differing(parameters, run_ids),
        "step_parameters": _differing(step_parameters, run_ids),
        "metrics": metrics,
        "steps": steps,
        "catalog": _differing(written, run_ids),
    }
