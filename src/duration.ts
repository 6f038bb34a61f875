/**
 * Durations as shown by the editor's graph and the run panel. No JupyterLab imports: unit-tested
 * with jest.
 */

/** Seconds between an ISO start time and `nowMs`, never negative; null without a start. */
export function elapsedSeconds(
  start: string | null | undefined,
  nowMs: number
): number | null {
  if (!start) {
    return null;
  }
  const startMs = Date.parse(start);
  return Number.isNaN(startMs) ? null : Math.max(0, (nowMs - startMs) / 1000);
}

/** Duration between two ISO times (null if either is missing). */
export function durationBetween(
  start: string | null | undefined,
  end: string | null | undefined
): number | null {
  if (!start || !end) {
    return null;
  }
  return elapsedSeconds(start, Date.parse(end));
}

/**
 * "0.4 s", "12 s", "2 min 05 s", "1 h 03 min"; empty when unknown. Whole seconds from 10 s on,
 * so a live, ticking duration does not flicker.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (
    seconds === null ||
    seconds === undefined ||
    !Number.isFinite(seconds) ||
    seconds < 0
  ) {
    return '';
  }
  if (seconds < 10) {
    return `${seconds.toFixed(1)} s`;
  }
  const whole = Math.round(seconds);
  if (whole < 60) {
    return `${whole} s`;
  }
  const pad = (value: number) => String(value).padStart(2, '0');
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) {
    return `${minutes} min ${pad(whole % 60)} s`;
  }
  return `${Math.floor(minutes / 60)} h ${pad(minutes % 60)} min`;
}

/** When one attempt of a run ran (ISO times; no end while it goes on). */
export interface IAttemptTimes {
  start: string | null;
  end: string | null;
}

/**
 * How long each attempt of a run took (the first run, each retry), the one in progress up to
 * `nowMs` (none without it): the idle time between attempts is not the run's. Runs listed
 * without their attempts count from `start` to `end`.
 */
export function attemptDurations(
  run: IAttemptTimes & { attempts?: ReadonlyArray<IAttemptTimes> },
  nowMs: number | null = null
): number[] {
  const spans = run.attempts?.length ? run.attempts : [run];
  const last = spans[spans.length - 1];
  if (!last.end && nowMs === null) {
    return []; // in progress, and no clock to count it with
  }
  const durations: number[] = [];
  for (const span of spans) {
    const duration = span.end
      ? durationBetween(span.start, span.end)
      : elapsedSeconds(span.start, nowMs ?? 0);
    if (duration !== null) {
      durations.push(duration);
    }
  }
  return durations;
}

/** "2.7 s", or each attempt and their sum: "2.7 s + 3.1 s = 5.8 s"; empty when unknown. */
export function formatAttemptDurations(
  durations: ReadonlyArray<number>
): string {
  if (durations.length < 2) {
    return durations.length ? formatDuration(durations[0]) : '';
  }
  const total = durations.reduce((sum, value) => sum + value, 0);
  return `${durations.map(formatDuration).join(' + ')} = ${formatDuration(total)}`;
}
