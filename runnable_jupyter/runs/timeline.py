"""A run's timeline: one row per step, one bar per attempt, on a time axis the steps share.

A retry can start an hour after the run it retries: on a plain clock the hour would squeeze
every bar into the edges. The axis runs through the run's attempts one after the other, and each
idle stretch between two of them is drawn as a fixed break (`gap_s` of axis time, flagged in
`breaks`) instead. What `runnable-jupyter show --timeline` draws; the lab's timeline view computes
the same from the run log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..clock import utcnow
from ..runlog.models import Attempt, RunLog, StepStatus

__all__ = ["Bar", "Row", "Timeline", "timeline_of"]

GAP_SHARE = 0.04  # a break between run attempts is this share of the axis (at least 1 s)


@dataclass(frozen=True)
class Bar:
    """One attempt of a step, in axis seconds: from `start_s` to `end_s`; before `ready_s` the
    kernel was starting (None when not known, e.g. the step failed before its first cell)."""

    attempt: int
    status: StepStatus
    start_s: float
    end_s: float
    ready_s: float | None
    running: bool  # still going: `end_s` is now
    started: datetime
    ended: datetime | None


@dataclass(frozen=True)
class Row:
    step_id: str
    status: StepStatus
    bars: list[Bar]


@dataclass(frozen=True)
class Timeline:
    span_s: float  # the axis length
    rows: list[Row]
    breaks: list[float] = field(default_factory=list)  # axis seconds where an idle gap was cut


@dataclass(frozen=True)
class _Segment:
    start: datetime
    end: datetime
    offset_s: float  # where `start` is on the axis


class _Axis:
    """Wall-clock times to axis seconds, through the run attempts' segments."""

    def __init__(self, spans: list[tuple[datetime, datetime]]) -> None:
        busy = sum((end - start).total_seconds() for start, end in spans)
        self.gap_s = max(1.0, busy * GAP_SHARE)
        self.segments: list[_Segment] = []
        offset = 0.0
        for index, (start, end) in enumerate(spans):
            if index:
                offset += self.gap_s
            self.segments.append(_Segment(start, end, offset))
            offset += (end - start).total_seconds()
        self.span_s = offset
        self.breaks = [seg.offset_s - self.gap_s / 2 for seg in self.segments[1:]]

    def at(self, moment: datetime) -> float:
        chosen = self.segments[0]
        for segment in self.segments:  # the last segment that starts before the moment
            if segment.start <= moment:
                chosen = segment
        elapsed = (moment - chosen.start).total_seconds()
        return chosen.offset_s + min(max(elapsed, 0.0), (chosen.end - chosen.start).total_seconds())


def _spans(log: RunLog, now: datetime) -> list[tuple[datetime, datetime]]:
    """The run attempts' wall-clock spans, merged where they overlap (steps of a cancelled pass
    may still end after the next one began)."""
    spans = [(a.start, a.end or now) for a in log.attempts if a.start is not None]
    if not spans and log.start is not None:
        spans = [(log.start, log.end or now)]
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, max(start, end)))
    return merged


def _bar(attempt: Attempt, axis: _Axis, now: datetime) -> Bar | None:
    if attempt.start is None:
        return None
    running = attempt.end is None and attempt.status in (StepStatus.running, StepStatus.pending)
    end = attempt.end or now
    ready = attempt.kernel_ready
    return Bar(
        attempt=attempt.number,
        status=attempt.status,
        start_s=axis.at(attempt.start),
        end_s=max(axis.at(end), axis.at(attempt.start)),
        ready_s=axis.at(ready) if ready is not None else None,
        running=running,
        started=attempt.start,
        ended=attempt.end,
    )


def timeline_of(log: RunLog, now: datetime | None = None) -> Timeline:
    """The run's timeline as it stands at `now` (a run in progress: its running bars end now)."""
    now = now or utcnow()
    spans = _spans(log, now)
    if not spans:
        return Timeline(0.0, [Row(sid, rec.status, []) for sid, rec in log.steps.items()])
    axis = _Axis(spans)
    rows = []
    for step_id, record in log.steps.items():
        bars = [bar for a in record.attempts if (bar := _bar(a, axis, now)) is not None]
        rows.append(Row(step_id, record.status, bars))
    return Timeline(axis.span_s, rows, axis.breaks)
