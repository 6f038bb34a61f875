/**
 * Formatting and parsing helpers of the run panel (durations: ../duration.ts). No JupyterLab
 * imports: unit-tested with jest.
 */

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
export function formatParameters(
  parameters: Readonly<Record<string, unknown>>
): string {
  return Object.keys(parameters).length === 0
    ? '{}'
    : JSON.stringify(parameters, null, 2);
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

/**
 * When a run started, from its id (`YYYYMMDDTHHMMSS-xxxxxx`, UTC), in the local time zone:
 * "12-02 12:04". The run id itself when it has another shape.
 */
export function runStartLabel(runId: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/.exec(runId);
  if (!match) {
    return runId;
  }
  const [year, month, day, hours, minutes, seconds] = match
    .slice(1)
    .map(Number);
  const date = new Date(
    Date.UTC(year, month - 1, day, hours, minutes, seconds)
  );
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}
