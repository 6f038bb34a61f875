/**
 * Formatting and parsing helpers of the run panel. No JupyterLab imports: unit-tested with jest.
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

/** "0.4 s", "12 s", "2 min 05 s", "1 h 03 min". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
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

export type ParametersParse =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; reason: 'syntax' | 'not-object'; detail: string };

/** Run parameters typed by the user: a JSON object; blank means none. */
export function parseRunParameters(text: string): ParametersParse {
  if (text.trim() === '') {
    return { ok: true, value: {} };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'syntax', detail: (error as Error).message };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not-object', detail: typeof value };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** The text that prefills the parameters box. */
export function formatParameters(parameters: Readonly<Record<string, unknown>>): string {
  return Object.keys(parameters).length === 0 ? '{}' : JSON.stringify(parameters, null, 2);
}

/** An ISO time shown in the local time zone: "2026-11-22 10:15:00". */
export function formatStart(start: string | null | undefined): string {
  if (!start) {
    return '';
  }
  const date = new Date(start);
  if (Number.isNaN(date.getTime())) {
    return start;
  }
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}
