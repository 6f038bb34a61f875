/**
 * A run's timeline (as `runnable_jupyter/runs/timeline.py` computes it for the CLI): one row per
 * step, one bar per attempt, on a time axis the steps share. The axis runs through the run's
 * attempts one after the other; each idle stretch between two of them (a retry an hour later)
 * is cut to a short break, so it does not squeeze every bar into the edges.
 */
import type { IRunLog, IStepAttempt } from '../runs/dto';
import type { StepStatus } from '../tokens';

/** A break between run attempts is this share of the axis (at least one second). */
const GAP_SHARE = 0.04;

/** One attempt of a step, in axis seconds. */
export interface ITimelineBar {
  attempt: number;
  status: StepStatus;
  startS: number;
  endS: number;
  /** Before this, the kernel was starting; null when not known. */
  readyS: number | null;
  /** Still going: `endS` is now. */
  running: boolean;
  started: Date;
  ended: Date | null;
}

export interface ITimelineRow {
  stepId: string;
  status: StepStatus;
  bars: ITimelineBar[];
}

export interface ITimeline {
  spanS: number;
  rows: ITimelineRow[];
  /** Axis seconds where an idle gap between run attempts was cut. */
  breaks: number[];
}

interface ISegment {
  start: number;
  end: number;
  offsetS: number;
}

function time(value: string | null | undefined): number | null {
  if (!value) {
    return null;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** The run attempts' wall-clock spans (ms), merged where they overlap. */
function spans(log: IRunLog, nowMs: number): Array<[number, number]> {
  let found: Array<[number, number]> = [];
  for (const attempt of log.attempts ?? []) {
    const start = time(attempt.start);
    if (start !== null) {
      found.push([start, time(attempt.end) ?? nowMs]);
    }
  }
  const runStart = time(log.start);
  if (found.length === 0 && runStart !== null) {
    found = [[runStart, time(log.end) ?? nowMs]];
  }
  found.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of found) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) {
      last[1] = Math.max(last[1], end);
    } else {
      merged.push([start, Math.max(start, end)]);
    }
  }
  return merged;
}

class Axis {
  readonly segments: ISegment[] = [];
  readonly spanS: number;
  readonly breaks: number[];

  constructor(wallSpans: Array<[number, number]>) {
    const busyS = wallSpans.reduce((sum, [s, e]) => sum + (e - s) / 1000, 0);
    const gapS = Math.max(1, busyS * GAP_SHARE);
    let offset = 0;
    wallSpans.forEach(([start, end], index) => {
      if (index > 0) {
        offset += gapS;
      }
      this.segments.push({ start, end, offsetS: offset });
      offset += (end - start) / 1000;
    });
    this.spanS = offset;
    this.breaks = this.segments.slice(1).map(seg => seg.offsetS - gapS / 2);
  }

  at(ms: number): number {
    let chosen = this.segments[0];
    for (const segment of this.segments) {
      if (segment.start <= ms) {
        chosen = segment;
      }
    }
    const elapsed = (ms - chosen.start) / 1000;
    const length = (chosen.end - chosen.start) / 1000;
    return chosen.offsetS + Math.min(Math.max(elapsed, 0), length);
  }
}

function bar(
  attempt: IStepAttempt,
  axis: Axis,
  nowMs: number
): ITimelineBar | null {
  const start = time(attempt.start);
  if (start === null) {
    return null;
  }
  const endMs = time(attempt.end);
  const ready = time(attempt.kernel_ready);
  const running =
    endMs === null &&
    (attempt.status === 'running' || attempt.status === 'pending');
  return {
    attempt: attempt.number,
    status: attempt.status,
    startS: axis.at(start),
    endS: Math.max(axis.at(endMs ?? nowMs), axis.at(start)),
    readyS: ready === null ? null : axis.at(ready),
    running,
    started: new Date(start),
    ended: endMs === null ? null : new Date(endMs)
  };
}

/** The run's timeline as it stands at `now` (running bars end now). */
export function timelineOf(log: IRunLog, now: Date = new Date()): ITimeline {
  const nowMs = now.getTime();
  const wall = spans(log, nowMs);
  const records = Object.values(log.steps ?? {});
  if (wall.length === 0) {
    return {
      spanS: 0,
      breaks: [],
      rows: records.map(r => ({ stepId: r.id, status: r.status, bars: [] }))
    };
  }
  const axis = new Axis(wall);
  return {
    spanS: axis.spanS,
    breaks: axis.breaks,
    rows: records.map(record => ({
      stepId: record.id,
      status: record.status,
      bars: record.attempts
        .map(a => bar(a, axis, nowMs))
        .filter((b): b is ITimelineBar => b !== null)
    }))
  };
}

/** Round tick positions (axis seconds) for an axis `spanS` long, about `count` of them. */
export function ticks(spanS: number, count = 6): number[] {
  if (spanS <= 0) {
    return [0];
  }
  const raw = spanS / count;
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  const step = steps.find(s => s >= raw) ?? Math.ceil(raw / 3600) * 3600;
  const out: number[] = [];
  for (let t = 0; t <= spanS + 1e-9; t += step) {
    out.push(t);
  }
  return out;
}

/** Whether the run is still going (its running bars grow with time). */
export function isLive(log: IRunLog): boolean {
  return log.status === 'running' || log.status === 'pending';
}
