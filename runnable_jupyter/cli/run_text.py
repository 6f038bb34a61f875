"""How a run reads as plain text: durations, counts, the selection, a step's error and cell
progress, and `PlainProgress` (one line per step status change, for logs and pipes).

No rich here: `run` with its output piped or redirected (scripts, CI, the benchmarks) follows
the run with these lines alone and never imports rich (~35 ms of CPU). `display` draws the same
texts with rich on a terminal.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TextIO

from ..clock import utcnow
from ..runlog.models import RunLog, RunStatus, RunSummary, StepRecord, StepStatus

ACTIVE_RUN_STATUSES = frozenset({RunStatus.pending, RunStatus.running})


def seconds(value: float | None) -> str:
    if value is None:
        return ""
    if value < 60:
        return f"{value:.1f}s"
    minutes, rest = divmod(int(value), 60)
    return f"{minutes}m{rest:02d}s"


def local_time(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%m-%d %H:%M:%S") if moment else ""


def step_elapsed(record: StepRecord, now: datetime) -> float | None:
    attempt = record.last_attempt
    if attempt is None or attempt.start is None:
        return None
    if attempt.duration_s is not None and record.status != StepStatus.running:
        return attempt.duration_s
    return ((attempt.end or now) - attempt.start).total_seconds()


def attempt_seconds(log: RunLog | RunSummary, now: datetime | None = None) -> list[float]:
    """How long each attempt of the run took (the first run, each retry), the one in progress
    up to `now`; one span from start to end for runs recorded without their attempts."""
    active = log.status in ACTIVE_RUN_STATUSES
    spans = [(a.start, a.end) for a in log.attempts] or [(log.start, log.end)]
    durations = []
    for index, (start, end) in enumerate(spans):
        last = index == len(spans) - 1
        end = end or (now or utcnow() if active and last else None)
        if start is not None and end is not None:
            durations.append(max(0.0, (end - start).total_seconds()))
    return durations


def run_duration(log: RunLog | RunSummary, now: datetime | None = None) -> float | None:
    """The time the run's attempts took, together (the idle time between them not counted)."""
    durations = attempt_seconds(log, now)
    return sum(durations) if durations else None


def duration_text(log: RunLog | RunSummary, now: datetime | None = None) -> str:
    """`2.7s`, or for a retried run each attempt and their sum: `2.7s + 1.9s = 4.6s`."""
    durations = attempt_seconds(log, now)
    if len(durations) < 2:
        return seconds(durations[0]) if durations else ""
    return " + ".join(map(seconds, durations)) + f" = {seconds(sum(durations))}"


def cell_progress(record: StepRecord) -> str:
    attempt = record.last_attempt
    if record.status != StepStatus.running or attempt is None or not attempt.cell_progress:
        return ""
    cell, cells = attempt.cell_progress
    return f"cell {cell}/{cells}"


def error_text(record: StepRecord) -> str:
    attempt = record.last_attempt
    if attempt is None or attempt.error is None:
        return ""
    error = attempt.error
    where = f" (cell {cell_number(error.cell_index)})" if error.cell_index is not None else ""
    message = error.message.strip().splitlines()[0] if error.message.strip() else ""
    return f"{error.name}: {message}{where}" if message else f"{error.name}{where}"


def cell_number(index: int) -> int:
    """A cell as people count it: the first cell is cell 1 (run logs keep 0-based indices)."""
    return index + 1


def counts_text(counts: dict[str, int]) -> str:
    order = [status.value for status in StepStatus]
    return ", ".join(f"{counts[s]} {s}" for s in order if counts.get(s))


def selection_text(log: RunLog | RunSummary) -> str:
    if not log.selection:
        return log.mode.value
    return f"{log.mode.value}: {', '.join(log.selection)}"


def summary_line(log: RunLog) -> str:
    duration = duration_text(log)
    return f"run {log.run_id} {log.status.value} in {duration} ({counts_text(log.counts())})"


class PlainProgress:
    """One line per step status change: `12:00:01 load running`, for logs and pipes."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.seen: dict[str, StepStatus] = {}

    def update(self, log: RunLog) -> None:
        now = utcnow()
        for step_id, record in log.steps.items():
            previous = self.seen.get(step_id)
            self.seen[step_id] = record.status
            if record.status == previous or record.status in (
                StepStatus.pending,
                StepStatus.not_selected,
            ):
                continue
            parts = [now.astimezone().strftime("%H:%M:%S"), step_id, record.status.value]
            if record.status != StepStatus.running:
                parts.append(seconds(step_elapsed(record, now)))
            if record.cached_from is not None and record.status == StepStatus.cached:
                parts.append(f"(reused from run {record.cached_from.run_id})")
            line = " ".join(part for part in parts if part)
            error = error_text(record)
            print(f"{line}: {error}" if error else line, file=self.out, flush=True)

    def message(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def close(self, log: RunLog) -> None:
        self.update(log)
        print(summary_line(log), file=self.out, flush=True)


def job_text(log: RunSummary) -> str:
    """`sweep: alpha=0.1 depth=3` for a job's run, "" for another."""
    if log.job is None:
        return ""
    point = " ".join(f"{name}={json.dumps(value)}" for name, value in log.job.grid_point.items())
    return f"{log.job.id}: {point}".rstrip(": ") if point else log.job.id
